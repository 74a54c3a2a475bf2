/*
 * Reference softmax and log-softmax along one axis (PH_OP_SOFTMAX).
 *
 *   softmax(x)_i     = exp(x_i - m) / sum_j exp(x_j - m)
 *   log_softmax(x)_i = (x_i - m) - log(sum_j exp(x_j - m))
 *
 * with m the row maximum, so no exp() overflows however large x is. One
 * unit is one row along the axis (numel / shape[axis] units; the axis may
 * be first, middle or last). x may have any strides; y is dense.
 *
 * Special rows follow IEEE arithmetic, nothing is special-cased:
 *  - a row holding NaN or +inf gives NaN everywhere (NaN - m, inf - inf);
 *  - a row of all -inf gives NaN everywhere, for softmax and log-softmax
 *    alike (m = -inf, so x - m = -inf - -inf = NaN: the 0/0 of the limit);
 *  - a -inf entry in an otherwise finite row gives 0 (log: -inf).
 *
 * Precision: values are loaded as float (f16/bf16 widen exactly), but the
 * per-row arithmetic is done in double. Why: rounding x - m to float costs
 * up to half an ulp of |x - m|, which exp() turns into a relative error of
 * |x - m| * 2^-24 (dozens of f32 ulps for |x - m| ~ 80), and a float sum of
 * many terms loses more. In double both are far below the final rounding,
 * so every output is the exact softmax of the stored inputs rounded once,
 * the readable specification other kernels are measured against; the cost
 * is a few double operations per element.
 */
#include <math.h>

#include "dtype.h"
#include "kernel.h"

/* Number of rows: the product of every extent but the axis's (0 when the
 * tensor is empty, so an empty row is never visited). */
static int64_t units(const ph_kargs_t *a) {
  const ph_kview_t *x = &a->inputs[0];
  const ph_softmax_attrs_t *at = (const ph_softmax_attrs_t *)a->attrs;
  int64_t n = 1;
  for (uint32_t d = 0; d < x->rank; ++d) {
    if (x->shape[d] == 0) return 0;
    if ((int32_t)d != at->axis) n *= x->shape[d];
  }
  return n;
}

static ph_status_t run(const ph_kargs_t *a, int64_t begin, int64_t end) {
  const ph_kview_t *x = &a->inputs[0];
  const ph_kview_t *y = &a->outputs[0];
  const ph_softmax_attrs_t *at = (const ph_softmax_attrs_t *)a->attrs;
  const uint32_t axis = (uint32_t)at->axis;
  const int64_t len = x->shape[axis];
  const int64_t xstep = x->strides[axis];

  /* |rows| is x without the axis: its row-major order is the unit order,
   * and its strides find the first element of each row in x. */
  ph_kview_t rows = *x;
  rows.rank = 0;
  for (uint32_t d = 0; d < x->rank; ++d) {
    if (d == axis) continue;
    rows.shape[rows.rank] = x->shape[d];
    rows.strides[rows.rank] = x->strides[d];
    ++rows.rank;
  }
  /* In dense y, consecutive axis elements are |inner| apart. */
  int64_t inner = 1;
  for (uint32_t d = axis + 1; d < x->rank; ++d) inner *= x->shape[d];

  for (int64_t u = begin; u < end; ++u) {
    const int64_t xo = ph_kview_offset(&rows, u);
    const int64_t yo = (u / inner) * len * inner + u % inner;

    /* Row maximum; a NaN anywhere makes it NaN (and so the row). */
    float m = -INFINITY;
    for (int64_t k = 0; k < len; ++k) {
      float v = ph_kload(x->data, x->dtype, xo + k * xstep);
      if (v > m || isnan(v)) m = v;
      if (isnan(m)) break;
    }
    double sum = 0.0;
    for (int64_t k = 0; k < len; ++k)
      sum += exp((double)ph_kload(x->data, x->dtype, xo + k * xstep) - m);
    const double log_sum = log(sum);
    for (int64_t k = 0; k < len; ++k) {
      double t = (double)ph_kload(x->data, x->dtype, xo + k * xstep) - m;
      double r = at->log ? t - log_sum : exp(t) / sum;
      ph_kstore(y->data, y->dtype, yo + k * inner, (float)r);
    }
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_softmax = {PH_OP_SOFTMAX, ph_kcaps_float, units, run};
