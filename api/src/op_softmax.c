/* ph_op_softmax: softmax and log-softmax along one axis. */
#include "op_shape.h"

ph_status_t ph_op_softmax(ph_stream_t *stream, const ph_tensor_t *x,
                          const ph_tensor_t *y, int32_t axis, uint32_t log) {
  static const char fn[] = "ph_op_softmax";
  ph__clear_error();
  ph_status_t st;
  ph_softmax_attrs_t at = {sizeof at, 0, log != 0};
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "x", x)) ||
      (st = ph__op_check_tensor(fn, "y", y)) ||
      (st = ph__op_check_dtype(fn, "x", x, PH_DTYPES_FLOAT)) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "x", x)) ||
      (st = ph__op_check_shape(fn, "y", y, x->rank, x->shape)) ||
      (st = ph__op_norm_axis(fn, "axis", axis, x->rank, &at.axis)))
    return st;
  const ph_tensor_t *inputs[1] = {x};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_SOFTMAX, inputs, 1, outputs, 1, &at);
}
