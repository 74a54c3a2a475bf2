/*
 * Reference gather (take along an axis): inputs table (any dtype) and
 * indices (i32, any shape); y.shape = table.shape[:axis] + indices.shape
 * + table.shape[axis+1:]. Bytes are copied, so it is exact for every
 * dtype. Both inputs may have any strides; y is dense row-major. One unit
 * = one output element.
 *
 * An index in [-V, V) (V = table.shape[axis]) selects that slice, negative
 * ones counting from the end as in Python. Any other index yields zeros
 * for its slice: a kernel cannot report a per-element error, and must
 * never read outside the table.
 */
#include <string.h>

#include "dtype.h"
#include "kernel.h"

/* Offset in |t| of the element at [outer..., row, inner...], where
 * |outer| and |inner| are row-major linear indices over t.shape[:axis]
 * and t.shape[axis+1:]. */
static int64_t table_offset(const ph_kview_t *t, int axis, int64_t outer,
                            int64_t row, int64_t inner) {
  int64_t off = row * t->strides[axis];
  for (int d = (int)t->rank - 1; d > axis; --d) {
    off += (inner % t->shape[d]) * t->strides[d];
    inner /= t->shape[d];
  }
  for (int d = axis - 1; d >= 0; --d) {
    off += (outer % t->shape[d]) * t->strides[d];
    outer /= t->shape[d];
  }
  return off;
}

static ph_status_t run(const ph_kargs_t *a, int64_t begin, int64_t end) {
  const ph_kview_t *t = &a->inputs[0];
  const ph_kview_t *ix = &a->inputs[1];
  const ph_kview_t *y = &a->outputs[0];
  int axis = ((const ph_gather_attrs_t *)a->attrs)->axis;
  int last = (int)t->rank - 1;
  int64_t v = t->shape[axis];
  int64_t inner = 1;
  for (int d = axis + 1; d <= last; ++d) inner *= t->shape[d];
  int64_t nidx = ph_kview_numel(ix);
  /* A run shares one index and steps the table's last stride: the rest of
   * the table's innermost row, or a single element when axis is last. */
  int64_t row = axis < last ? t->shape[last] : 1;
  int64_t step = axis < last ? t->strides[last] : 0;
  size_t es = ph_kdtype_size(y->dtype);
  const char *src = t->data;
  char *dst = y->data;
  for (int64_t i = begin; i < end;) {
    int64_t n = row - i % row;
    if (n > end - i) n = end - i;
    int64_t r = i % inner, j = (i / inner) % nidx, outer = i / (inner * nidx);
    int64_t k = ((const int32_t *)ix->data)[ph_kview_offset(ix, j)];
    if (k < 0) k += v;
    if (k < 0 || k >= v) {
      memset(dst + (size_t)i * es, 0, (size_t)n * es);
    } else {
      int64_t to = table_offset(t, axis, outer, k, r);
      for (int64_t m = 0; m < n; ++m, to += step)
        memcpy(dst + (size_t)(i + m) * es, src + to * (int64_t)es, es);
    }
    i += n;
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_gather = {PH_OP_GATHER, ph_kcaps_any, ph_kunits_output_numel, run};
