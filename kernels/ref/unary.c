/*
 * Reference unary elementwise op: y = f(x), same shape and dtype; f32,
 * f16 and bf16 all compute in f32 with the float libm. x may have any
 * strides (0 = broadcast); y is dense row-major. One unit = one output
 * element.
 */
#include <math.h>

#include "dtype.h"
#include "kernel.h"

/* 1 / (1 + e^-x) without overflow: for x < 0 use e^x / (1 + e^x), so the
 * exponential only ever sees a non-positive argument. */
static float sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));
  float e = expf(x);
  return e / (1.0f + e);
}

float ph_kunary_apply(uint32_t func, float x) {
  switch (func) {
    case PH_UNARY_RELU: return x < 0.0f ? 0.0f : x; /* NaN stays NaN */
    case PH_UNARY_GELU:
      /* The gelu/silu forms give inf * 0 at -inf; return their limits. */
      if (isinf(x)) return x > 0.0f ? x : 0.0f;
      /* 1 + erf(z) == erfc(-z), which keeps full relative accuracy for
       * negative x where 1 + erf(z) would cancel. */
      return 0.5f * x * erfcf(-x * 0.70710678118654752f);
    case PH_UNARY_GELU_TANH: {
      if (isinf(x)) return x > 0.0f ? x : 0.0f;
      /* 0.5 * (1 + tanh(u)) == sigmoid(2u): same value, no cancellation
       * for negative x. */
      float u = 0.79788456080286536f * (x + 0.044715f * x * x * x);
      return x * sigmoid(2.0f * u);
    }
    case PH_UNARY_SILU:
      if (isinf(x)) return x > 0.0f ? x : 0.0f;
      return x * sigmoid(x);
    case PH_UNARY_SIGMOID: return sigmoid(x);
    case PH_UNARY_TANH: return tanhf(x);
    case PH_UNARY_EXP: return expf(x);
    case PH_UNARY_LOG: return logf(x);
    case PH_UNARY_SQRT: return sqrtf(x);
    case PH_UNARY_RSQRT: return 1.0f / sqrtf(x);
    case PH_UNARY_NEG: return -x;
    case PH_UNARY_ABS: return fabsf(x);
    default: return NAN; /* the API rejects unknown functions */
  }
}

static ph_status_t run(const ph_kargs_t *a, int64_t begin, int64_t end) {
  const ph_kview_t *x = &a->inputs[0];
  const ph_kview_t *y = &a->outputs[0];
  uint32_t func = ((const ph_unary_attrs_t *)a->attrs)->func;
  /* Walk one innermost row at a time: the input offset is found once per
   * row and then stepped by the last stride. */
  int64_t row = y->rank ? y->shape[y->rank - 1] : 1;
  int64_t step = x->rank ? x->strides[x->rank - 1] : 0;
  for (int64_t i = begin; i < end;) {
    int64_t n = row - i % row;
    if (n > end - i) n = end - i;
    int64_t xo = ph_kview_offset(x, i);
    for (int64_t j = 0; j < n; ++j, xo += step)
      ph_kstore(y->data, y->dtype, i + j, ph_kunary_apply(func, ph_kload(x->data, x->dtype, xo)));
    i += n;
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_unary = {PH_OP_UNARY, ph_kcaps_float, ph_kunits_output_numel, run};
