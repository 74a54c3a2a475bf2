/* ph_op_transpose: permutes the axes of a tensor. */
#include "op_shape.h"

ph_status_t ph_op_transpose(ph_stream_t *stream, const ph_tensor_t *x,
                            const ph_tensor_t *y, const int32_t *perm) {
  static const char fn[] = "ph_op_transpose";
  ph__clear_error();
  ph_status_t st;
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "x", x)) ||
      (st = ph__op_check_tensor(fn, "y", y)) ||
      (st = ph__op_check_dtype(fn, "x", x, PH_DTYPES_ALL)) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "x", x)))
    return st;
  if (perm == NULL && x->rank > 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: perm is NULL", fn);

  ph_transpose_attrs_t at = {sizeof at, {0}};
  int64_t shape[PH_MAX_RANK];
  uint32_t seen = 0;
  for (uint32_t i = 0; i < x->rank; ++i) {
    if ((st = ph__op_norm_axis(fn, "perm entry", perm[i], x->rank, &at.perm[i])))
      return st;
    if ((seen >> at.perm[i]) & 1u)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: perm is not a permutation (axis %d appears twice)",
                       fn, (int)at.perm[i]);
    seen |= 1u << at.perm[i];
    shape[i] = x->shape[at.perm[i]];
  }
  if ((st = ph__op_check_shape(fn, "y", y, x->rank, shape))) return st;

  const ph_tensor_t *inputs[1] = {x};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_TRANSPOSE, inputs, 1, outputs, 1, &at);
}
