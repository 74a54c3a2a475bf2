/*
 * Helpers shared by the reference-kernel tests: a seeded RNG, dense and
 * strided views, running a kernel over split ranges (as a thread pool
 * would), and comparison against an fp64 result with a tolerance.
 * Header-only so each test is one file; every check counts a failure
 * instead of aborting, and main() returns nonzero if any failed.
 */
#ifndef PH_TESTS_KTEST_H_
#define PH_TESTS_KTEST_H_

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "kernel.h"

static int kt_failures;
static int kt_checks;

#define KT_CHECK(cond, ...)                                  \
  do {                                                      \
    ++kt_checks;                                            \
    if (!(cond)) {                                          \
      ++kt_failures;                                        \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
      fprintf(stderr, __VA_ARGS__);                         \
      fputc('\n', stderr);                                  \
    }                                                       \
  } while (0)

static uint64_t kt_rng_state = 0x9e3779b97f4a7c15ull;
static inline void kt_seed(uint64_t s) { kt_rng_state = s ? s : 1; }
static inline uint64_t kt_next(void) { /* splitmix64 */
  uint64_t z = (kt_rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
/* Uniform in [lo, hi). */
static inline double kt_uniform(double lo, double hi) {
  return lo + (hi - lo) * (double)(kt_next() >> 11) * (1.0 / 9007199254740992.0);
}

static inline size_t kt_dtype_size(uint32_t dt) {
  switch (dt) {
    case PH_DTYPE_F32: case PH_DTYPE_I32: return 4;
    case PH_DTYPE_F16: case PH_DTYPE_BF16: return 2;
    case PH_DTYPE_I8: return 1;
    default: return 0;
  }
}

/* A dense row-major view with freshly calloc'ed storage. */
static inline ph_kview_t kt_dense(uint32_t dtype, uint32_t rank, const int64_t *shape) {
  ph_kview_t v;
  memset(&v, 0, sizeof v);
  v.dtype = dtype;
  v.rank = rank;
  int64_t n = 1;
  for (int d = (int)rank - 1; d >= 0; --d) {
    v.shape[d] = shape[d];
    v.strides[d] = n;
    n *= shape[d];
  }
  v.data = calloc((size_t)(n > 0 ? n : 1), kt_dtype_size(dtype));
  return v;
}

/* Fills every element with a value drawn from [lo, hi), rounded to |v|'s
 * dtype (integer dtypes get integers); read them back with kt_get. */
static inline void kt_fill(ph_kview_t *v, double lo, double hi) {
  int64_t n = ph_kview_numel(v);
  for (int64_t i = 0; i < n; ++i) {
    double x = kt_uniform(lo, hi);
    if (v->dtype == PH_DTYPE_I8 || v->dtype == PH_DTYPE_I32) x = floor(x);
    ph_kstore(v->data, v->dtype, ph_kview_offset(v, i), (float)x);
  }
}

/* Element |i| (row-major) of |v| as double. */
static inline double kt_get(const ph_kview_t *v, int64_t i) {
  return (double)ph_kload(v->data, v->dtype, ph_kview_offset(v, i));
}

/* Runs |k| over all units, split into |parts| ranges as a pool would. */
static inline ph_status_t kt_run(const ph_kernel_t *k, const ph_kargs_t *a, int parts) {
  int64_t n = k->units(a);
  for (int p = 0; p < parts; ++p) {
    int64_t b = n * p / parts, e = n * (p + 1) / parts;
    if (b == e) continue;
    ph_status_t s = k->run(a, b, e);
    if (s != PH_OK) return s;
  }
  return PH_OK;
}

/* Compares |got| (row-major over its shape) with |want| (numel doubles):
 * |got - want| <= atol + rtol * |want|; NaN must match NaN. Reports the
 * first mismatch under |what|. Returns the number of mismatches. */
static inline int64_t kt_compare(const char *what, const ph_kview_t *got,
                          const double *want, double atol, double rtol) {
  int64_t n = ph_kview_numel(got), bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    double g = kt_get(got, i), w = want[i];
    int ok = (isnan(w) && isnan(g)) || (isinf(w) && g == w) ||
             fabs(g - w) <= atol + rtol * fabs(w);
    if (!ok) {
      if (bad == 0)
        fprintf(stderr, "  %s: element %lld got %.9g want %.9g\n", what,
                (long long)i, g, w);
      ++bad;
    }
  }
  KT_CHECK(bad == 0, "%s: %lld of %lld elements out of tolerance", what,
           (long long)bad, (long long)n);
  return bad;
}

/* Tolerance scale for results rounded to |dtype| (f32 computation). */
static inline double kt_eps(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F16: return 1.0 / 1024;
    case PH_DTYPE_BF16: return 1.0 / 128;
    default: return 1.0 / (1 << 22);
  }
}

static inline int kt_finish(const char *name) {
  printf("%s: %d checks, %d failed\n", name, kt_checks, kt_failures);
  return kt_failures ? 1 : 0;
}

#endif /* PH_TESTS_KTEST_H_ */
