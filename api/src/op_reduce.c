/* ph_op_reduce: sum, mean, max and min over a set of axes. */
#include "op_shape.h"

ph_status_t ph_op_reduce(ph_stream_t *stream, uint32_t func,
                         const ph_tensor_t *x, const ph_tensor_t *y,
                         uint32_t axes, uint32_t keepdims) {
  static const char fn[] = "ph_op_reduce";
  ph__clear_error();
  ph_status_t st;
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "x", x)) ||
      (st = ph__op_check_tensor(fn, "y", y)))
    return st;
  if (func >= PH_REDUCE_COUNT_)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: func %u is unknown", fn,
                     (unsigned)func);
  if ((st = ph__op_check_dtype(fn, "x", x, PH_DTYPES_FLOAT)) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "x", x)))
    return st;
  if (axes == 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: axes mask is empty", fn);
  if (x->rank < 32 && (axes >> x->rank) != 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: axes mask 0x%x names an axis >= x.rank (%u)", fn,
                     (unsigned)axes, (unsigned)x->rank);

  uint32_t rank = 0;
  int64_t shape[PH_MAX_RANK];
  for (uint32_t d = 0; d < x->rank; ++d) {
    if ((axes >> d) & 1u) {
      if (keepdims) shape[rank++] = 1;
    } else {
      shape[rank++] = x->shape[d];
    }
  }
  if ((st = ph__op_check_shape(fn, "y", y, rank, shape))) return st;

  ph_reduce_attrs_t at = {sizeof at, func, axes, keepdims != 0};
  const ph_tensor_t *inputs[1] = {x};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_REDUCE, inputs, 1, outputs, 1, &at);
}
