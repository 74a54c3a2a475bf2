/*
 * Unit test of the ABI policy, ph__abi_check (hal/src/abi_check.c, linked
 * in directly): a plugin built for MAJOR.m loads into a HAL MAJOR.M when
 * m <= M; a different major or a newer minor is refused with a reason that
 * names both versions.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define V(major, minor) ((uint32_t)(((major) << 16) | (minor)))

typedef struct abi_case {
  uint32_t hal, plugin;
  int loads;
} abi_case_t;

/* Written from the policy above, one case per rule and edge. */
static const abi_case_t k_cases[] = {
  {V(1, 0), V(1, 0), 1},         /* same version */
  {V(1, 3), V(1, 0), 1},         /* older plugin minor */
  {V(1, 3), V(1, 2), 1},
  {V(1, 3), V(1, 3), 1},
  {V(1, 0), V(1, 1), 0},         /* newer plugin minor */
  {V(1, 3), V(1, 4), 0},
  {V(1, 0), V(1, 65535), 0},
  {V(1, 65535), V(1, 65535), 1},
  {V(1, 65535), V(1, 0), 1},
  {V(2, 0), V(1, 0), 0},         /* older plugin major */
  {V(2, 5), V(1, 0), 0},
  {V(1, 0), V(2, 0), 0},         /* newer plugin major */
  {V(1, 3), V(2, 0), 0},
  {V(1, 0), V(0, 0), 0},         /* nonsense plugin versions */
  {V(1, 0), V(0, 1), 0},
  {V(2, 1), V(2, 0), 1},         /* the rule does not depend on major 1 */
  {V(2, 1), V(2, 2), 0},
};

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

int main(void) {
  int failures = 0, n = 0;
  for (size_t i = 0; i < sizeof(k_cases) / sizeof(k_cases[0]); i++) {
    const abi_case_t *c = &k_cases[i];
    char reason[256];
    memset(reason, 'x', sizeof(reason));
    reason[sizeof(reason) - 1] = '\0';
    ph_status_t st = ph__abi_check(c->hal, c->plugin, reason, sizeof(reason));
    char hal_s[32], plugin_s[32];
    snprintf(hal_s, sizeof(hal_s), "%u.%u", (unsigned)(c->hal >> 16), (unsigned)(c->hal & 0xffff));
    snprintf(plugin_s, sizeof(plugin_s), "ABI %u.%u", (unsigned)(c->plugin >> 16),
             (unsigned)(c->plugin & 0xffff));
    int ok = 1;
    if (c->loads) {
      ok = st == PH_OK;
    } else {
      /* Refused: INCOMPATIBLE, and a terminated reason naming both. */
      ok = st == PH_ERROR_INCOMPATIBLE && memchr(reason, '\0', sizeof(reason)) != NULL &&
           contains(reason, plugin_s) && contains(reason, hal_s);
    }
    n++;
    if (!ok) {
      failures++;
      fprintf(stderr, "FAIL hal %s, plugin %s: expected %s, got status %d, reason '%s'\n", hal_s,
              plugin_s, c->loads ? "load" : "refuse", (int)st,
              st == PH_OK ? "" : reason);
    }
  }

  /* A short reason buffer is truncated and terminated, never overrun. */
  char small[16];
  memset(small, '#', sizeof(small));
  ph_status_t st = ph__abi_check(V(1, 0), V(2, 0), small, 8);
  n++;
  int overrun = 0;
  for (size_t i = 8; i < sizeof(small); i++) overrun |= small[i] != '#';
  if (st != PH_ERROR_INCOMPATIBLE || memchr(small, '\0', 8) == NULL || overrun) {
    failures++;
    fprintf(stderr, "FAIL an 8-byte reason buffer was not truncated safely\n");
  }

  printf("test_abi_check: %d cases, %d failed\n", n, failures);
  return failures ? 1 : 0;
}
