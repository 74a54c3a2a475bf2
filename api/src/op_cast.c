/* ph_op_cast: elementwise dtype conversion. */
#include "op_shape.h"

ph_status_t ph_op_cast(ph_stream_t *stream, const ph_tensor_t *x,
                       const ph_tensor_t *y) {
  static const char fn[] = "ph_op_cast";
  ph__clear_error();
  ph_status_t st;
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "x", x)) ||
      (st = ph__op_check_tensor(fn, "y", y)) ||
      (st = ph__op_check_dtype(fn, "x", x, PH_DTYPES_ALL)) ||
      (st = ph__op_check_dtype(fn, "y", y, PH_DTYPES_ALL)) ||
      (st = ph__op_check_shape(fn, "y", y, x->rank, x->shape)))
    return st;
  const ph_tensor_t *inputs[1] = {x};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_CAST, inputs, 1, outputs, 1, NULL);
}
