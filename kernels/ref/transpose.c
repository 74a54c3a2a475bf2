/*
 * Reference transpose: y.shape[i] = x.shape[perm[i]], rank up to
 * PH_MAX_RANK, any dtype (element bytes are copied, so it is exact). x may
 * have any strides; y is dense row-major. One unit = one output element.
 */
#include <string.h>

#include "dtype.h"
#include "kernel.h"

static ph_status_t run(const ph_kargs_t *a, int64_t begin, int64_t end) {
  const ph_kview_t *x = &a->inputs[0];
  const ph_kview_t *y = &a->outputs[0];
  const ph_transpose_attrs_t *t = a->attrs;
  /* x seen in y's index order: y[i0..] = x[..., i_d at axis perm[d], ...],
   * so output axis d steps x by x's stride on axis perm[d]. */
  ph_kview_t xp = *x;
  xp.rank = y->rank;
  for (uint32_t d = 0; d < y->rank; ++d) {
    xp.shape[d] = y->shape[d];
    xp.strides[d] = x->strides[t->perm[d]];
  }
  size_t es = ph_kdtype_size(y->dtype);
  const char *src = x->data;
  char *dst = y->data;
  /* One innermost row at a time: offset found once per row, then stepped. */
  int64_t row = y->rank ? y->shape[y->rank - 1] : 1;
  int64_t step = xp.rank ? xp.strides[xp.rank - 1] : 0;
  for (int64_t i = begin; i < end;) {
    int64_t n = row - i % row;
    if (n > end - i) n = end - i;
    int64_t xo = ph_kview_offset(&xp, i);
    for (int64_t j = 0; j < n; ++j, xo += step)
      memcpy(dst + (size_t)(i + j) * es, src + xo * (int64_t)es, es);
    i += n;
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_transpose = {PH_OP_TRANSPOSE, ph_kcaps_any, ph_kunits_output_numel, run};
