/*
 * Element types, written from the IEEE 754 definitions with fp64
 * arithmetic (no bit tricks shared with kernels/ref, so the two cannot
 * agree on the same mistake). A binary format here is (mantissa bits,
 * minimum normal exponent, maximum exponent).
 */
#include <math.h>
#include <string.h>

#include "suite.h"

typedef struct phc_fmt {
  int mant;  /* stored mantissa bits */
  int emin;  /* exponent of the smallest normal */
  int emax;  /* exponent of the largest finite */
  int bias;
} phc_fmt_t;

static const phc_fmt_t phc_f16 = {10, -14, 15, 15};
static const phc_fmt_t phc_bf16 = {7, -126, 127, 127};
static const phc_fmt_t phc_f32 = {23, -126, 127, 127};

static const phc_fmt_t *phc_fmt_of(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F32: return &phc_f32;
    case PH_DTYPE_F16: return &phc_f16;
    case PH_DTYPE_BF16: return &phc_bf16;
    default: return NULL;
  }
}

size_t phc_dtype_size(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F32: case PH_DTYPE_I32: return 4;
    case PH_DTYPE_F16: case PH_DTYPE_BF16: return 2;
    case PH_DTYPE_I8: return 1;
    default: return 0;
  }
}

bool phc_dtype_is_float(uint32_t dtype) { return phc_fmt_of(dtype) != NULL; }

/* Round |v| to format |f|, nearest even, overflowing to infinity. nearbyint
 * rounds ties to even in the default rounding mode, and dividing by a
 * power of two is exact, so each step is exact but the one rounding. */
static double phc_round_fmt(const phc_fmt_t *f, double v) {
  if (isnan(v) || isinf(v) || v == 0) return v;
  double a = fabs(v);
  int e;
  frexp(a, &e); /* a = m * 2^e, m in [0.5, 1) */
  int exp2 = e - 1;
  if (exp2 < f->emin) exp2 = f->emin;
  double quantum = ldexp(1.0, exp2 - f->mant);
  double r = nearbyint(a / quantum) * quantum;
  double max = ldexp(2.0 - ldexp(1.0, -f->mant), f->emax);
  if (r > max) r = INFINITY;
  return copysign(r, v);
}

static double phc_round_int(double v, double lo, double hi) {
  if (isnan(v)) return 0;
  double r = nearbyint(v);
  return r < lo ? lo : r > hi ? hi : r;
}

double phc_round_to(uint32_t dtype, double v) {
  switch (dtype) {
    case PH_DTYPE_I8: return phc_round_int(v, -128, 127);
    case PH_DTYPE_I32: return phc_round_int(v, -2147483648.0, 2147483647.0);
    default: {
      const phc_fmt_t *f = phc_fmt_of(dtype);
      return f ? phc_round_fmt(f, v) : NAN;
    }
  }
}

double phc_ulp(uint32_t dtype, double v) {
  const phc_fmt_t *f = phc_fmt_of(dtype);
  if (f == NULL) return 1;
  if (isnan(v) || isinf(v)) return 0;
  double a = fabs(v);
  int e = f->emin;
  if (a >= ldexp(1.0, f->emin)) {
    frexp(a, &e);
    e -= 1;
  }
  return ldexp(1.0, e - f->mant);
}

/* Bits of a binary16/bfloat16 value (|v| already representable). */
static uint16_t phc_small_bits(const phc_fmt_t *f, double v) {
  int ebits = f == &phc_f16 ? 5 : 8;
  uint16_t sign = signbit(v) ? (uint16_t)0x8000 : 0;
  uint16_t emask = (uint16_t)(((1u << ebits) - 1u) << f->mant);
  if (isnan(v)) return (uint16_t)(emask | (1u << (f->mant - 1)));
  if (isinf(v)) return (uint16_t)(sign | emask);
  double a = fabs(v);
  if (a < ldexp(1.0, f->emin)) /* subnormal or zero */
    return (uint16_t)(sign | (uint16_t)(a / ldexp(1.0, f->emin - f->mant)));
  int e;
  frexp(a, &e);
  e -= 1;
  uint32_t mant = (uint32_t)(a / ldexp(1.0, e - f->mant)) - (1u << f->mant);
  return (uint16_t)(sign | ((uint32_t)(e + f->bias) << f->mant) | mant);
}

static double phc_small_value(const phc_fmt_t *f, uint16_t bits) {
  int ebits = f == &phc_f16 ? 5 : 8;
  int sign = bits >> 15;
  int exp = (bits >> f->mant) & ((1 << ebits) - 1);
  uint32_t mant = bits & ((1u << f->mant) - 1u);
  double v;
  if (exp == (1 << ebits) - 1)
    v = mant ? NAN : INFINITY;
  else if (exp == 0)
    v = ldexp((double)mant, f->emin - f->mant);
  else
    v = ldexp((double)(mant | (1u << f->mant)), exp - f->bias - f->mant);
  return sign ? -v : v;
}

void phc_encode(uint32_t dtype, double v, void *dst) {
  double r = phc_round_to(dtype, v);
  switch (dtype) {
    case PH_DTYPE_F32: {
      float x = (float)r;
      memcpy(dst, &x, 4);
      break;
    }
    case PH_DTYPE_F16:
    case PH_DTYPE_BF16: {
      uint16_t b = phc_small_bits(phc_fmt_of(dtype), r);
      memcpy(dst, &b, 2);
      break;
    }
    case PH_DTYPE_I8: {
      int8_t x = (int8_t)r;
      memcpy(dst, &x, 1);
      break;
    }
    case PH_DTYPE_I32: {
      int32_t x = (int32_t)r;
      memcpy(dst, &x, 4);
      break;
    }
    default: break;
  }
}

double phc_decode(uint32_t dtype, const void *src) {
  switch (dtype) {
    case PH_DTYPE_F32: {
      float x;
      memcpy(&x, src, 4);
      return x;
    }
    case PH_DTYPE_F16:
    case PH_DTYPE_BF16: {
      uint16_t b;
      memcpy(&b, src, 2);
      return phc_small_value(phc_fmt_of(dtype), b);
    }
    case PH_DTYPE_I8: {
      int8_t x;
      memcpy(&x, src, 1);
      return x;
    }
    case PH_DTYPE_I32: {
      int32_t x;
      memcpy(&x, src, 4);
      return x;
    }
    default: return NAN;
  }
}
