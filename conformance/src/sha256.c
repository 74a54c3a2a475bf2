/* SHA-256 (FIPS 180-4) of a plugin file, so a report names exactly the
 * binary it certified. Plain and small; speed does not matter here. */
#include <stdio.h>
#include <string.h>

#include "suite.h"

typedef struct phc_sha256 {
  uint32_t h[8];
  uint64_t bytes;
  unsigned char block[64];
  size_t used;
} phc_sha256_t;

static const uint32_t phc_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static uint32_t phc_ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void phc_sha_block(phc_sha256_t *s, const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
           (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; ++i) {
    uint32_t s0 = phc_ror(w[i - 15], 7) ^ phc_ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = phc_ror(w[i - 2], 17) ^ phc_ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
  uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
  for (int i = 0; i < 64; ++i) {
    uint32_t t1 = h + (phc_ror(e, 6) ^ phc_ror(e, 11) ^ phc_ror(e, 25)) + ((e & f) ^ (~e & g)) +
                  phc_k[i] + w[i];
    uint32_t t2 = (phc_ror(a, 2) ^ phc_ror(a, 13) ^ phc_ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
  s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void phc_sha_update(phc_sha256_t *s, const unsigned char *p, size_t n) {
  s->bytes += n;
  while (n > 0) {
    size_t take = 64 - s->used < n ? 64 - s->used : n;
    memcpy(s->block + s->used, p, take);
    s->used += take;
    p += take;
    n -= take;
    if (s->used == 64) {
      phc_sha_block(s, s->block);
      s->used = 0;
    }
  }
}

static void phc_sha_final(phc_sha256_t *s, char out[65]) {
  uint64_t bits = s->bytes * 8;
  unsigned char pad = 0x80, zero = 0;
  phc_sha_update(s, &pad, 1);
  while (s->used != 56) phc_sha_update(s, &zero, 1);
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = (unsigned char)(bits >> (56 - 8 * i));
  phc_sha_update(s, len, 8);
  for (int i = 0; i < 8; ++i) snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

bool phc_sha256_file(const char *path, char out[65]) {
  out[0] = '\0';
  FILE *f = fopen(path, "rb");
  if (f == NULL) return false;
  phc_sha256_t s = {{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
                     0x1f83d9ab, 0x5be0cd19},
                    0, {0}, 0};
  unsigned char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) phc_sha_update(&s, buf, n);
  bool ok = !ferror(f);
  fclose(f);
  if (ok) phc_sha_final(&s, out);
  return ok;
}
