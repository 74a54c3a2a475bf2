/*
 * Reference cast: y = x converted to y's dtype, any of f32, f16, bf16,
 * i8, i32 to any of them. The result is the correctly rounded conversion
 * of the exact input value: every input is read exactly into a double,
 * then rounded once to the target (nearest-even; integers saturate and
 * NaN -> 0). x may have any strides; y is dense row-major. One unit = one
 * output element.
 */
#include <math.h>
#include <string.h>

#include "dtype.h"
#include "kernel.h"

/* Element |i| of |data| as a double; exact for all five dtypes. */
static double load_exact(const void *data, uint32_t dtype, int64_t i) {
  switch (dtype) {
    case PH_DTYPE_F32: return ((const float *)data)[i];
    case PH_DTYPE_F16: return ph_f16_to_f32(((const uint16_t *)data)[i]);
    case PH_DTYPE_BF16: return ph_bf16_to_f32(((const uint16_t *)data)[i]);
    case PH_DTYPE_I8: return ((const int8_t *)data)[i];
    case PH_DTYPE_I32: return ((const int32_t *)data)[i];
    default: return 0.0;
  }
}

/* |d| rounded to float with round-to-odd: truncate toward zero, then set
 * the last mantissa bit if anything was lost. Rounding that (24 bits) to
 * f16 or bf16 (11 or 8 bits) with nearest-even then equals rounding |d|
 * directly, which plain nearest-even to float would not guarantee (a
 * large i32 could first round onto an f16/bf16 tie, then to even). */
static float to_f32_odd(double d) {
  float f = (float)d;
  if (isnan(f) || isinf(d)) return f;
  if (fabs((double)f) > fabs(d)) f = nextafterf(f, 0.0f);
  if ((double)f != d) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    u |= 1u;
    memcpy(&f, &u, sizeof f);
  }
  return f;
}

static int8_t to_i8(double d) {
  if (isnan(d)) return 0;
  double r = rint(d); /* nearest-even in the default rounding mode */
  if (r > 127.0) return 127;
  if (r < -128.0) return -128;
  return (int8_t)r;
}

static void store_rounded(void *data, uint32_t dtype, int64_t i, double d) {
  switch (dtype) {
    case PH_DTYPE_F32: ((float *)data)[i] = (float)d; break;
    case PH_DTYPE_F16: ((uint16_t *)data)[i] = ph_f32_to_f16(to_f32_odd(d)); break;
    case PH_DTYPE_BF16: ((uint16_t *)data)[i] = ph_f32_to_bf16(to_f32_odd(d)); break;
    case PH_DTYPE_I8: ((int8_t *)data)[i] = to_i8(d); break;
    case PH_DTYPE_I32: ((int32_t *)data)[i] = ph_f64_to_i32_sat(d); break;
    default: break;
  }
}

static ph_status_t run(const ph_kargs_t *a, int64_t begin, int64_t end) {
  const ph_kview_t *x = &a->inputs[0];
  const ph_kview_t *y = &a->outputs[0];
  /* Same dtype: copy the bits, so NaN payloads survive too. */
  int same = x->dtype == y->dtype;
  size_t es = ph_kdtype_size(y->dtype);
  /* One innermost row at a time: offset found once per row, then stepped. */
  int64_t row = y->rank ? y->shape[y->rank - 1] : 1;
  int64_t step = x->rank ? x->strides[x->rank - 1] : 0;
  for (int64_t i = begin; i < end;) {
    int64_t n = row - i % row;
    if (n > end - i) n = end - i;
    int64_t xo = ph_kview_offset(x, i);
    for (int64_t j = 0; j < n; ++j, xo += step) {
      if (same)
        memcpy((char *)y->data + (size_t)(i + j) * es,
               (const char *)x->data + xo * (int64_t)es, es);
      else
        store_rounded(y->data, y->dtype, i + j, load_exact(x->data, x->dtype, xo));
    }
    i += n;
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_cast = {PH_OP_CAST, ph_kcaps_any, ph_kunits_output_numel, run};
