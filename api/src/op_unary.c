/* ph_op_unary: elementwise activation and math functions. */
#include "op_shape.h"

ph_status_t ph_op_unary(ph_stream_t *stream, uint32_t func,
                        const ph_tensor_t *x, const ph_tensor_t *y) {
  static const char fn[] = "ph_op_unary";
  ph__clear_error();
  ph_status_t st;
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "x", x)) ||
      (st = ph__op_check_tensor(fn, "y", y)))
    return st;
  if (func >= PH_UNARY_COUNT_)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: func %u is unknown", fn,
                     (unsigned)func);
  if ((st = ph__op_check_dtype(fn, "x", x, PH_DTYPES_FLOAT)) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "x", x)) ||
      (st = ph__op_check_shape(fn, "y", y, x->rank, x->shape)))
    return st;
  ph_unary_attrs_t at = {sizeof at, func};
  const ph_tensor_t *inputs[1] = {x};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_UNARY, inputs, 1, outputs, 1, &at);
}
