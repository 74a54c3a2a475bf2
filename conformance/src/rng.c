/* xoshiro256** seeded through splitmix64: fast, good enough for test data,
 * and the same sequence on every platform. */
#include <math.h>

#include "suite.h"

static uint64_t phc_splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void phc_rng_seed(phc_rng_t *r, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; ++i) r->s[i] = phc_splitmix(&x);
}

uint64_t phc_case_seed(uint64_t base, const char *name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char *p = (const unsigned char *)name; *p; ++p) {
    h ^= *p;
    h *= 0x100000001b3ull;
  }
  uint64_t x = h ^ base;
  return phc_splitmix(&x);
}

static uint64_t phc_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t phc_rand_u64(phc_rng_t *r) {
  uint64_t *s = r->s;
  uint64_t result = phc_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = phc_rotl(s[3], 45);
  return result;
}

double phc_rand_uniform(phc_rng_t *r, double lo, double hi) {
  double u = (double)(phc_rand_u64(r) >> 11) * 0x1.0p-53;
  return lo + (hi - lo) * u;
}

int64_t phc_rand_int(phc_rng_t *r, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  uint64_t span = (uint64_t)(hi - lo) + 1;
  return lo + (int64_t)(phc_rand_u64(r) % span);
}
