/*
 * Reference concat: y = x0 ++ x1 ++ ... along |axis|. All inputs share
 * y's dtype and rank and equal y's shape except on |axis|; bytes are
 * copied, so it is exact for every dtype. Inputs may have any strides; y
 * is dense row-major. One unit = one output element.
 */
#include <string.h>

#include "dtype.h"
#include "kernel.h"

/* Finds where output element |i| comes from: sets |*k| (the input) and
 * |*off| (its element offset in that input) and returns how many
 * following output elements (from i on) continue in the same input by
 * stepping its last stride: the rest of y's innermost row, cut at the
 * input's end when the concat axis is the innermost one. */
static int64_t locate(const ph_kargs_t *a, int axis, int64_t i, size_t *k, int64_t *off) {
  const ph_kview_t *y = &a->outputs[0];
  int last = (int)y->rank - 1;
  int64_t inner = 1; /* elements per step along axis */
  for (int d = axis + 1; d <= last; ++d) inner *= y->shape[d];
  int64_t ya = y->shape[axis];
  int64_t r = i % inner, pos = (i / inner) % ya, outer = i / (inner * ya);
  size_t n = 0;
  while (n + 1 < a->num_inputs && pos >= a->inputs[n].shape[axis]) {
    pos -= a->inputs[n].shape[axis];
    ++n;
  }
  const ph_kview_t *x = &a->inputs[n];
  *k = n;
  *off = ph_kview_offset(x, (outer * x->shape[axis] + pos) * inner + r);
  if (axis == last) return x->shape[axis] - pos;
  return y->shape[last] - i % y->shape[last];
}

static ph_status_t run(const ph_kargs_t *a, int64_t begin, int64_t end) {
  const ph_kview_t *y = &a->outputs[0];
  int axis = ((const ph_concat_attrs_t *)a->attrs)->axis;
  size_t es = ph_kdtype_size(y->dtype);
  char *dst = y->data;
  for (int64_t i = begin; i < end;) {
    size_t k;
    int64_t xo;
    int64_t n = locate(a, axis, i, &k, &xo);
    if (n > end - i) n = end - i;
    const ph_kview_t *x = &a->inputs[k];
    const char *src = x->data;
    int64_t step = x->strides[x->rank - 1];
    for (int64_t j = 0; j < n; ++j, xo += step)
      memcpy(dst + (size_t)(i + j) * es, src + xo * (int64_t)es, es);
    i += n;
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_concat = {PH_OP_CONCAT, ph_kcaps_any, ph_kunits_output_numel, run};
