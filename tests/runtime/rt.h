/*
 * Helpers shared by the runtime tests (public API only): a failure counter,
 * a seeded RNG, and small wrappers that turn a failed setup call into a
 * counted failure with ph_last_error() attached. Header-only so each test
 * stays one file; nothing aborts, main() returns nonzero if a check failed.
 */
#ifndef PH_TESTS_RT_H_
#define PH_TESTS_RT_H_

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "polyhal/polyhal.h"

/* meson (and automake) read exit status 77 as "skipped". */
#define RT_EXIT_SKIP 77

static int rt_failures;
static int rt_checks;
static int rt_skips;

#define RT_CHECK(cond, ...)                                  \
  do {                                                      \
    ++rt_checks;                                            \
    if (!(cond)) {                                          \
      ++rt_failures;                                        \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
      fprintf(stderr, __VA_ARGS__);                         \
      fputc('\n', stderr);                                  \
    }                                                       \
  } while (0)

/* A call expected to succeed; on failure the HAL's message is printed. */
#define RT_OK(call)                                                      \
  rt_ok_impl(__FILE__, __LINE__, #call, (call))

static inline ph_status_t rt_ok_impl(const char *file, int line,
                                     const char *what, ph_status_t s) {
  ++rt_checks;
  if (s != PH_OK) {
    ++rt_failures;
    fprintf(stderr, "FAIL %s:%d: %s -> %s (%s)\n", file, line, what,
            ph_status_string(s), ph_last_error());
  }
  return s;
}

static inline void rt_skip(const char *what) {
  ++rt_skips;
  printf("SKIP: %s\n", what);
}

/* splitmix64; every test prints its seed so a failure can be replayed. */
static uint64_t rt_rng_state = 0x9e3779b97f4a7c15ull;
static inline void rt_seed(uint64_t s) { rt_rng_state = s ? s : 1; }
static inline uint64_t rt_next_r(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static inline uint64_t rt_next(void) { return rt_next_r(&rt_rng_state); }
/* Uniform in [0, n), n > 0. */
static inline uint64_t rt_below(uint64_t n) { return rt_next() % n; }

static inline void rt_random_bytes(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = (uint8_t)(rt_next() >> 56);
}

/* Seed from PH_TEST_SEED when set, so a run can be reproduced. */
static inline uint64_t rt_seed_from_env(uint64_t fallback) {
  const char *s = getenv("PH_TEST_SEED");
  uint64_t seed = s && *s ? strtoull(s, NULL, 0) : fallback;
  rt_seed(seed);
  return seed;
}

/* Index of the first differing byte, or -1. */
static inline long rt_first_diff(const uint8_t *a, const uint8_t *b,
                                 size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return (long)i;
  return -1;
}

/* Prints the one-line summary and returns the exit status. */
static inline int rt_finish(const char *name) {
  printf("%s: %d checks, %d failed, %d skipped cases\n", name, rt_checks,
         rt_failures, rt_skips);
  return rt_failures ? 1 : 0;
}

#endif /* PH_TESTS_RT_H_ */
