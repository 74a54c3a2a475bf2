/*
 * Reference binary elementwise op: y = f(a, b). The API has broadcast a
 * and b to y's shape (stride 0 on broadcast dims); all three share one
 * dtype (f32, f16, bf16), computed in f32. a and b may have any strides;
 * y is dense row-major. One unit = one output element.
 */
#include <math.h>

#include "dtype.h"
#include "kernel.h"

static float apply(uint32_t func, float a, float b) {
  switch (func) {
    case PH_BINARY_ADD: return a + b;
    case PH_BINARY_SUB: return a - b;
    case PH_BINARY_MUL: return a * b;
    case PH_BINARY_DIV: return a / b;
    /* fmaxf/fminf would drop a NaN; frameworks propagate it. */
    case PH_BINARY_MAX: return isnan(a) || isnan(b) ? a + b : (a > b ? a : b);
    case PH_BINARY_MIN: return isnan(a) || isnan(b) ? a + b : (a < b ? a : b);
    case PH_BINARY_POW: return powf(a, b);
    default: return NAN; /* the API rejects unknown functions */
  }
}

static ph_status_t run(const ph_kargs_t *args, int64_t begin, int64_t end) {
  const ph_kview_t *a = &args->inputs[0];
  const ph_kview_t *b = &args->inputs[1];
  const ph_kview_t *y = &args->outputs[0];
  uint32_t func = ((const ph_binary_attrs_t *)args->attrs)->func;
  /* One innermost row at a time: offsets found once per row, then stepped. */
  int64_t row = y->rank ? y->shape[y->rank - 1] : 1;
  int64_t astep = a->rank ? a->strides[a->rank - 1] : 0;
  int64_t bstep = b->rank ? b->strides[b->rank - 1] : 0;
  for (int64_t i = begin; i < end;) {
    int64_t n = row - i % row;
    if (n > end - i) n = end - i;
    int64_t ao = ph_kview_offset(a, i), bo = ph_kview_offset(b, i);
    for (int64_t j = 0; j < n; ++j, ao += astep, bo += bstep) {
      float va = ph_kload(a->data, a->dtype, ao);
      float vb = ph_kload(b->data, b->dtype, bo);
      ph_kstore(y->data, y->dtype, i + j, apply(func, va, vb));
    }
    i += n;
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_binary = {PH_OP_BINARY, ph_kcaps_float, ph_kunits_output_numel, run};
