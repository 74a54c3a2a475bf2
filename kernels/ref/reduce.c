/*
 * Reference reduction over a set of axes (PH_OP_REDUCE): sum, mean, max or
 * min of x over the axes whose bit is set in attrs->axes.
 *
 * y holds one element per combination of the kept (unreduced) axes, in
 * row-major order of those axes; keepdims only changes y's shape (reduced
 * axes kept with extent 1), never that order, so the kernel ignores it.
 * One unit is one element of y. x may have any strides; y is dense.
 *
 * Empty reductions (a reduced axis of extent 0) give the identity of the
 * operation where there is one: sum 0, max -inf, min +inf; mean is 0/0 =
 * NaN. max and min propagate NaN: any NaN in the reduced set gives NaN.
 *
 * Precision: sum and mean accumulate in double. Why: a float running sum
 * over n terms can lose about log2(n) bits and is order-dependent; in
 * double the error stays far below the final rounding for any realistic
 * n, so the result is the exact sum rounded once. max and min are exact.
 */
#include <math.h>

#include "dtype.h"
#include "kernel.h"

/* Splits x's axes into the kept ones (|kept|) and the reduced ones
 * (|reduced|), each keeping x's strides: element r of the reduced set for
 * y element u sits at offset(kept, u) + offset(reduced, r) in x. */
static void split_view(const ph_kview_t *x, uint32_t axes, ph_kview_t *kept,
                       ph_kview_t *reduced) {
  *kept = *x;
  *reduced = *x;
  kept->rank = 0;
  reduced->rank = 0;
  for (uint32_t d = 0; d < x->rank; ++d) {
    ph_kview_t *v = (axes >> d) & 1u ? reduced : kept;
    v->shape[v->rank] = x->shape[d];
    v->strides[v->rank] = x->strides[d];
    ++v->rank;
  }
}

static int64_t units(const ph_kargs_t *a) {
  const ph_reduce_attrs_t *at = (const ph_reduce_attrs_t *)a->attrs;
  ph_kview_t kept, reduced;
  split_view(&a->inputs[0], at->axes, &kept, &reduced);
  return ph_kview_numel(&kept);
}

static ph_status_t run(const ph_kargs_t *a, int64_t begin, int64_t end) {
  const ph_reduce_attrs_t *at = (const ph_reduce_attrs_t *)a->attrs;
  const ph_kview_t *x = &a->inputs[0];
  const ph_kview_t *y = &a->outputs[0];
  ph_kview_t kept, reduced;
  split_view(x, at->axes, &kept, &reduced);
  const int64_t n = ph_kview_numel(&reduced);

  for (int64_t u = begin; u < end; ++u) {
    const int64_t xo = ph_kview_offset(&kept, u);
    float result;
    if (at->func == PH_REDUCE_SUM || at->func == PH_REDUCE_MEAN) {
      double sum = 0.0;
      for (int64_t r = 0; r < n; ++r)
        sum += ph_kload(x->data, x->dtype, xo + ph_kview_offset(&reduced, r));
      /* An empty mean is 0/0: NaN, by IEEE division. */
      result = (float)(at->func == PH_REDUCE_MEAN ? sum / (double)n : sum);
    } else {
      const int is_max = at->func == PH_REDUCE_MAX;
      float best = is_max ? -INFINITY : INFINITY;
      for (int64_t r = 0; r < n && !isnan(best); ++r) {
        float v = ph_kload(x->data, x->dtype, xo + ph_kview_offset(&reduced, r));
        if (isnan(v) || (is_max ? v > best : v < best)) best = v;
      }
      result = best;
    }
    ph_kstore(y->data, y->dtype, u, result);
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_reduce = {PH_OP_REDUCE, ph_kcaps_float, units, run};
