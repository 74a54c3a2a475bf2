/* Element conversions, strided indexing and shared caps/units callbacks
 * for reference kernels. */
#include "dtype.h"

#include <math.h>
#include <string.h>

static uint32_t f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static float bits_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

float ph_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  if (exp == 0x1f) return bits_f32(sign | 0x7f800000u | (man << 13));
  if (exp == 0) {
    /* Zero or subnormal: value = man * 2^-24, exact in float. */
    float v = (float)man * 5.9604644775390625e-8f;
    return sign ? -v : v;
  }
  return bits_f32(sign | ((exp + 112u) << 23) | (man << 13));
}

uint16_t ph_f32_to_f16(float f) {
  uint32_t u = f32_bits(f);
  uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
  uint32_t abs = u & 0x7fffffffu;
  if (abs >= 0x7f800000u) /* Inf or NaN (keep NaN quiet and non-zero) */
    return (uint16_t)(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u | ((abs >> 13) & 0x3ffu) : 0));
  if (abs >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* rounds to Inf */
  if (abs < 0x38800000u) {
    /* Subnormal or zero in f16: scale so the integer part is the mantissa;
     * float addition rounds to nearest even for us. */
    float a = bits_f32(abs);
    float scaled = a * 16777216.0f; /* 2^24 */
    /* rintf uses the current rounding mode, nearest-even by default. */
    return (uint16_t)(sign | (uint16_t)rintf(scaled));
  }
  uint32_t mant_odd = (abs >> 13) & 1u;
  abs += 0xfffu + mant_odd; /* round to nearest even at bit 13 */
  return (uint16_t)(sign | (((abs - 0x38000000u) >> 13) & 0x7fffu));
}

float ph_bf16_to_f32(uint16_t b) { return bits_f32((uint32_t)b << 16); }

uint16_t ph_f32_to_bf16(float f) {
  uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}

int8_t ph_f32_to_i8_sat(float f) {
  if (isnan(f)) return 0;
  float r = rintf(f);
  if (r > 127.0f) return 127;
  if (r < -128.0f) return -128;
  return (int8_t)r;
}

int32_t ph_f64_to_i32_sat(double f) {
  if (isnan(f)) return 0;
  double r = rint(f);
  if (r > 2147483647.0) return INT32_MAX;
  if (r < -2147483648.0) return INT32_MIN;
  return (int32_t)r;
}

float ph_kload(const void *data, uint32_t dtype, int64_t i) {
  switch (dtype) {
    case PH_DTYPE_F32: return ((const float *)data)[i];
    case PH_DTYPE_F16: return ph_f16_to_f32(((const uint16_t *)data)[i]);
    case PH_DTYPE_BF16: return ph_bf16_to_f32(((const uint16_t *)data)[i]);
    case PH_DTYPE_I8: return (float)((const int8_t *)data)[i];
    case PH_DTYPE_I32: return (float)((const int32_t *)data)[i];
    default: return 0.0f;
  }
}

void ph_kstore(void *data, uint32_t dtype, int64_t i, float v) {
  switch (dtype) {
    case PH_DTYPE_F32: ((float *)data)[i] = v; break;
    case PH_DTYPE_F16: ((uint16_t *)data)[i] = ph_f32_to_f16(v); break;
    case PH_DTYPE_BF16: ((uint16_t *)data)[i] = ph_f32_to_bf16(v); break;
    case PH_DTYPE_I8: ((int8_t *)data)[i] = ph_f32_to_i8_sat(v); break;
    case PH_DTYPE_I32: ((int32_t *)data)[i] = ph_f64_to_i32_sat(v); break;
    default: break;
  }
}

int64_t ph_kview_offset(const ph_kview_t *v, int64_t linear) {
  int64_t off = 0;
  for (int d = (int)v->rank - 1; d >= 0; --d) {
    int64_t n = v->shape[d];
    off += (linear % n) * v->strides[d];
    linear /= n;
  }
  return off;
}

int64_t ph_kview_numel(const ph_kview_t *v) {
  int64_t n = 1;
  for (uint32_t d = 0; d < v->rank; ++d) n *= v->shape[d];
  return n;
}

size_t ph_kdtype_size(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F32:
    case PH_DTYPE_I32: return 4;
    case PH_DTYPE_F16:
    case PH_DTYPE_BF16: return 2;
    default: return 1;
  }
}

uint32_t ph_kcaps_float(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F32:
    case PH_DTYPE_F16:
    case PH_DTYPE_BF16: return PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED;
    default: return 0;
  }
}

uint32_t ph_kcaps_float_i8(uint32_t dtype) {
  return dtype == PH_DTYPE_I8 ? PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED : ph_kcaps_float(dtype);
}

uint32_t ph_kcaps_any(uint32_t dtype) {
  return dtype == PH_DTYPE_I32 ? PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED : ph_kcaps_float_i8(dtype);
}

int64_t ph_kunits_output_numel(const ph_kargs_t *args) { return ph_kview_numel(&args->outputs[0]); }
