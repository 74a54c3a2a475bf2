/*
 * Reference layer normalisation and RMS normalisation (PH_OP_LAYERNORM,
 * PH_OP_RMSNORM), both over the trailing axes [axis, rank) of x.
 *
 *   layernorm: y = (x - mean) / sqrt(var + eps) * scale + bias
 *              (var is the biased variance: divided by N, not N - 1)
 *   rmsnorm:   y = x / sqrt(mean(x^2) + eps) * scale
 *
 * scale and bias are optional inputs of shape x.shape[axis:] (any strides,
 * 0 for broadcast). One unit is one normalised group of N = prod(shape
 * [axis:]) elements, so there are prod(shape[:axis]) units. y is dense.
 *
 * Precision: values load as float (f16/bf16 widen exactly); sums, mean,
 * variance and each output are computed in double and rounded once. Why:
 * a float sum over a long row loses about log2(N) bits, and the variance
 * is a difference of nearly equal quantities when |mean| >> stddev; double
 * keeps both far below the output rounding for a few operations per
 * element. The variance is two-pass (mean first, then sum of squared
 * deviations), which does not cancel the way E[x^2] - E[x]^2 does.
 * Non-finite inputs follow IEEE arithmetic, nothing is special-cased: a
 * NaN makes its whole group NaN, and so does an Inf for layernorm (Inf -
 * Inf); for rmsnorm an Inf makes the group's other elements 0 (x / Inf)
 * and itself NaN. A constant group with eps = 0 gives 0 * Inf = NaN (and
 * rmsnorm of zeros 0 * Inf = NaN), as the formula says.
 */
#include <math.h>

#include "dtype.h"
#include "kernel.h"

/* Splits x into the leading axes (one unit per element: |outer|) and the
 * trailing axes (the group: |group|), each keeping x's strides, so that
 * element j of group u sits at offset(outer, u) + offset(group, j). */
static void split_view(const ph_kview_t *x, uint32_t axis, ph_kview_t *outer,
                       ph_kview_t *group) {
  *outer = *x;
  *group = *x;
  outer->rank = axis;
  group->rank = x->rank - axis;
  for (uint32_t d = axis; d < x->rank; ++d) {
    group->shape[d - axis] = x->shape[d];
    group->strides[d - axis] = x->strides[d];
  }
}

static int64_t units(const ph_kargs_t *a) {
  const ph_norm_attrs_t *at = (const ph_norm_attrs_t *)a->attrs;
  ph_kview_t outer, group;
  split_view(&a->inputs[0], (uint32_t)at->axis, &outer, &group);
  /* An empty group has nothing to write: no units at all. */
  if (ph_kview_numel(&group) == 0) return 0;
  return ph_kview_numel(&outer);
}

/* Normalises units [begin, end). |layer| selects layernorm (mean
 * subtracted, bias allowed) over rmsnorm. */
static ph_status_t normalise(const ph_kargs_t *a, int64_t begin, int64_t end,
                             int layer) {
  const ph_norm_attrs_t *at = (const ph_norm_attrs_t *)a->attrs;
  const ph_kview_t *x = &a->inputs[0];
  const ph_kview_t *y = &a->outputs[0];
  const ph_kview_t *scale = at->has_scale ? &a->inputs[1] : NULL;
  const ph_kview_t *bias =
      (layer && at->has_bias) ? &a->inputs[at->has_scale ? 2 : 1] : NULL;

  ph_kview_t outer, group;
  split_view(x, (uint32_t)at->axis, &outer, &group);
  const int64_t n = ph_kview_numel(&group);

  for (int64_t u = begin; u < end; ++u) {
    const int64_t xo = ph_kview_offset(&outer, u);

    double mean = 0.0;
    if (layer) {
      double sum = 0.0;
      for (int64_t j = 0; j < n; ++j)
        sum += ph_kload(x->data, x->dtype, xo + ph_kview_offset(&group, j));
      mean = sum / (double)n;
    }
    /* Layernorm: sum of squared deviations; rmsnorm: of squares. */
    double sq = 0.0;
    for (int64_t j = 0; j < n; ++j) {
      double d =
          ph_kload(x->data, x->dtype, xo + ph_kview_offset(&group, j)) - mean;
      sq += d * d;
    }
    const double rstd = 1.0 / sqrt(sq / (double)n + (double)at->epsilon);

    for (int64_t j = 0; j < n; ++j) {
      const int64_t go = ph_kview_offset(&group, j);
      double r = ((double)ph_kload(x->data, x->dtype, xo + go) - mean) * rstd;
      if (scale)
        r *= ph_kload(scale->data, scale->dtype, ph_kview_offset(scale, j));
      if (bias)
        r += ph_kload(bias->data, bias->dtype, ph_kview_offset(bias, j));
      ph_kstore(y->data, y->dtype, u * n + j, (float)r);
    }
  }
  return PH_OK;
}

static ph_status_t run_layernorm(const ph_kargs_t *a, int64_t b, int64_t e) {
  return normalise(a, b, e, 1);
}

static ph_status_t run_rmsnorm(const ph_kargs_t *a, int64_t b, int64_t e) {
  return normalise(a, b, e, 0);
}

const ph_kernel_t ph_ref_layernorm = {PH_OP_LAYERNORM, ph_kcaps_float, units,
                                      run_layernorm};
const ph_kernel_t ph_ref_rmsnorm = {PH_OP_RMSNORM, ph_kcaps_float, units, run_rmsnorm};
