/*
 * Helpers shared by the operator API tests (public API only): the cpu
 * device and a stream, tensors whose host copy is kept as fp64 values,
 * dtype encoding written independently of kernels/ref (round to nearest
 * even through nearbyint), and failure counters. Header-only so each test
 * stays one file; nothing aborts, main() returns nonzero if a check failed.
 */
#ifndef PH_TESTS_API_OPTEST_H_
#define PH_TESTS_API_OPTEST_H_

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "polyhal/polyhal.h"

#define OT_EXIT_SKIP 77

static int ot_checks, ot_failures;
static ph_device_t *ot_dev;
static ph_stream_t *ot_stream;

#define OT_CHECK(cond, ...)                                 \
  do {                                                      \
    ++ot_checks;                                            \
    if (!(cond)) {                                          \
      ++ot_failures;                                        \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
      fprintf(stderr, __VA_ARGS__);                         \
      fputc('\n', stderr);                                  \
    }                                                       \
  } while (0)

/* Opens the device PH_TEST_DEVICE names ("cpu" when unset) and a stream;
 * returns false (after printing SKIP or FAIL) when there is none. */
static inline bool ot_setup(void) {
  const char *sel = getenv("PH_TEST_DEVICE");
  if (sel == NULL || *sel == '\0') sel = "cpu";
  ph_status_t st = ph_device_find(sel, &ot_dev);
  if (st != PH_OK) {
    printf("SKIP: no %s device (%s: %s)\n", sel, ph_status_string(st), ph_last_error());
    return false;
  }
  st = ph_stream_create(ot_dev, 0, &ot_stream);
  if (st != PH_OK) {
    fprintf(stderr, "FAIL: ph_stream_create: %s\n", ph_last_error());
    ++ot_failures;
    return false;
  }
  return true;
}

/* splitmix64, fixed seed so a failure replays. */
static uint64_t ot_rng = 0x5eed0a11ull;
static inline uint64_t ot_next(void) {
  uint64_t z = (ot_rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
/* A multiple of 1/16 in [lo, hi]: exact in every float dtype for |v| <= 8,
 * so inputs carry no rounding of their own. */
static inline double ot_value(double lo, double hi) {
  int64_t a = (int64_t)ceil(lo * 16), b = (int64_t)floor(hi * 16);
  return (double)(a + (int64_t)(ot_next() % (uint64_t)(b - a + 1))) / 16.0;
}

/*--- dtype encoding --------------------------------------------------------*/

static inline size_t ot_esize(uint32_t dt) {
  return dt == PH_DTYPE_F32 || dt == PH_DTYPE_I32 ? 4 : dt == PH_DTYPE_I8 ? 1 : 2;
}

/* Nearest-even binary16 bits of |v|. */
static inline uint16_t ot_to_f16(double v) {
  uint16_t sign = signbit(v) ? 0x8000u : 0;
  double a = fabs(v);
  if (isnan(v)) return 0x7e00u;
  if (a == 0) return sign;
  int e;
  frexp(a, &e); /* a = m * 2^e, m in [0.5, 1) */
  int E = e - 1;
  if (E < -14) return (uint16_t)(sign | (uint16_t)nearbyint(a * 16777216.0)); /* 2^24 */
  double mant = nearbyint((a / ldexp(1.0, E) - 1.0) * 1024.0);
  if (mant >= 1024) { mant = 0; ++E; }
  if (E > 15) return (uint16_t)(sign | 0x7c00u);
  return (uint16_t)(sign | (uint16_t)((E + 15) << 10) | (uint16_t)mant);
}
static inline double ot_from_f16(uint16_t h) {
  int e = (h >> 10) & 31, m = h & 1023;
  double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY)
                                               : ldexp(1024 + m, e - 25);
  return (h & 0x8000u) ? -v : v;
}
/* Nearest-even bfloat16 bits: round the f32 bits (v first made an f32). */
static inline uint16_t ot_to_bf16(double v) {
  float f = (float)v;
  uint32_t u;
  memcpy(&u, &f, 4);
  if (isnan(f)) return 0x7fc0u;
  u += 0x7fffu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}
static inline double ot_from_bf16(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static inline double ot_sat_round(double v, double lo, double hi) {
  if (isnan(v)) return 0;
  v = nearbyint(v);
  return v < lo ? lo : v > hi ? hi : v;
}

static inline void ot_store(void *base, uint32_t dt, int64_t i, double v) {
  uint8_t *p = (uint8_t *)base + (size_t)i * ot_esize(dt);
  switch (dt) {
    case PH_DTYPE_F32: { float f = (float)v; memcpy(p, &f, 4); break; }
    case PH_DTYPE_F16: { uint16_t h = ot_to_f16(v); memcpy(p, &h, 2); break; }
    case PH_DTYPE_BF16: { uint16_t h = ot_to_bf16(v); memcpy(p, &h, 2); break; }
    case PH_DTYPE_I8: { int8_t q = (int8_t)ot_sat_round(v, -128, 127); memcpy(p, &q, 1); break; }
    default: { int32_t q = (int32_t)ot_sat_round(v, -2147483648.0, 2147483647.0); memcpy(p, &q, 4); }
  }
}
static inline double ot_load(const void *base, uint32_t dt, int64_t i) {
  const uint8_t *p = (const uint8_t *)base + (size_t)i * ot_esize(dt);
  switch (dt) {
    case PH_DTYPE_F32: { float f; memcpy(&f, p, 4); return f; }
    case PH_DTYPE_F16: { uint16_t h; memcpy(&h, p, 2); return ot_from_f16(h); }
    case PH_DTYPE_BF16: { uint16_t h; memcpy(&h, p, 2); return ot_from_bf16(h); }
    case PH_DTYPE_I8: { int8_t q; memcpy(&q, p, 1); return q; }
    default: { int32_t q; memcpy(&q, p, 4); return q; }
  }
}
/* |v| as the dtype stores it. */
static inline double ot_round(uint32_t dt, double v) {
  uint8_t tmp[4];
  ot_store(tmp, dt, 0, v);
  return ot_load(tmp, dt, 0);
}

/*--- tensors ---------------------------------------------------------------*/

/* A tensor on the device with its logical values (row-major, fp64) on the
 * host. |t| may be strided; the storage between elements holds junk. */
typedef struct ot_tensor {
  ph_tensor_t t;
  ph_buffer_t *buf;
  uint64_t bytes;
  int64_t numel;
  double *v;
} ot_tensor_t;

static inline int64_t ot_numel(uint32_t rank, const int64_t *shape) {
  int64_t n = 1;
  for (uint32_t d = 0; d < rank; ++d) n *= shape[d];
  return n;
}
/* Storage offset of logical element |i|. */
static inline int64_t ot_offset(const ph_tensor_t *t, int64_t i) {
  int64_t off = 0;
  for (int d = (int)t->rank - 1; d >= 0; --d) {
    off += (i % t->shape[d]) * t->strides[d];
    i /= t->shape[d];
  }
  return off;
}

/* Allocates |out| with the given strides (NULL: dense) and uploads the
 * values in |out->v| (NULL: zeros). Returns false on failure (counted). */
static inline bool ot_make(ot_tensor_t *out, uint32_t dt, uint32_t rank,
                    const int64_t *shape, const int64_t *strides, const double *vals) {
  memset(out, 0, sizeof *out);
  out->numel = ot_numel(rank, shape);
  out->t.dtype = dt;
  out->t.rank = rank;
  int64_t s = 1, span = 0;
  for (int d = (int)rank - 1; d >= 0; --d) {
    out->t.shape[d] = shape[d];
    out->t.strides[d] = strides ? strides[d] : s;
    s *= shape[d];
    span += (shape[d] - 1) * out->t.strides[d];
  }
  out->bytes = (uint64_t)(span + 1) * ot_esize(dt);
  out->v = calloc((size_t)out->numel + 1, sizeof(double));
  uint8_t *host = malloc(out->bytes);
  for (uint64_t i = 0; i < out->bytes; ++i) host[i] = (uint8_t)(0xa5 ^ i); /* junk */
  for (int64_t i = 0; i < out->numel; ++i) {
    double v = vals ? ot_round(dt, vals[i]) : 0.0;
    out->v[i] = v;
    ot_store(host, dt, ot_offset(&out->t, i), v);
  }
  ph_status_t st = ph_buffer_alloc(ot_dev, out->bytes, 0, &out->buf);
  if (st == PH_OK) st = ph_buffer_write(ot_stream, out->buf, 0, host, out->bytes);
  if (st == PH_OK) st = ph_stream_sync(ot_stream);
  free(host);
  out->t.buffer = out->buf;
  OT_CHECK(st == PH_OK, "tensor setup: %s", ph_last_error());
  return st == PH_OK;
}

/* A dense tensor of random multiples of 1/16 in [lo, hi]. */
static inline bool ot_rand(ot_tensor_t *out, uint32_t dt, uint32_t rank,
                    const int64_t *shape, const int64_t *strides, double lo, double hi) {
  int64_t n = ot_numel(rank, shape);
  double *vals = malloc(sizeof(double) * (size_t)(n + 1));
  for (int64_t i = 0; i < n; ++i) vals[i] = ot_value(lo, hi);
  bool ok = ot_make(out, dt, rank, shape, strides, vals);
  free(vals);
  return ok;
}

/* Reads |t| (dense or not) back into a fresh array of fp64 values. */
static inline double *ot_read(const ot_tensor_t *t) {
  uint8_t *host = malloc(t->bytes);
  double *out = calloc((size_t)t->numel + 1, sizeof(double));
  ph_status_t st = ph_buffer_read(ot_stream, host, t->buf, 0, t->bytes);
  if (st == PH_OK) st = ph_stream_sync(ot_stream);
  OT_CHECK(st == PH_OK, "read back: %s", ph_last_error());
  for (int64_t i = 0; st == PH_OK && i < t->numel; ++i)
    out[i] = ot_load(host, t->t.dtype, ot_offset(&t->t, i));
  free(host);
  return out;
}

static inline void ot_free(ot_tensor_t *t) {
  ph_buffer_free(t->buf);
  free(t->v);
  memset(t, 0, sizeof *t);
}

/* Column-major strides for |shape| (a transposed-storage view). */
static inline void ot_colmajor(uint32_t rank, const int64_t *shape, int64_t *strides) {
  int64_t s = 1;
  for (uint32_t d = 0; d < rank; ++d) { strides[d] = s; s *= shape[d]; }
}

#endif /* PH_TESTS_API_OPTEST_H_ */
