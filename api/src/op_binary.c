/* ph_op_binary: elementwise arithmetic with numpy broadcasting. */
#include "op_shape.h"

ph_status_t ph_op_binary(ph_stream_t *stream, uint32_t func,
                         const ph_tensor_t *a, const ph_tensor_t *b,
                         const ph_tensor_t *y) {
  static const char fn[] = "ph_op_binary";
  ph__clear_error();
  ph_status_t st;
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "a", a)) ||
      (st = ph__op_check_tensor(fn, "b", b)) ||
      (st = ph__op_check_tensor(fn, "y", y)))
    return st;
  if (func >= PH_BINARY_COUNT_)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: func %u is unknown", fn,
                     (unsigned)func);
  if ((st = ph__op_check_dtype(fn, "a", a, PH_DTYPES_FLOAT)) ||
      (st = ph__op_check_same_dtype(fn, "b", b, "a", a)) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "a", a)))
    return st;

  uint32_t rank;
  int64_t shape[PH_MAX_RANK];
  ph_tensor_t ea, eb;
  if ((st = ph__op_broadcast_shapes(fn, "a.shape", a->rank, a->shape, "b.shape",
                                    b->rank, b->shape, &rank, shape)) ||
      (st = ph__op_check_shape(fn, "y", y, rank, shape)) ||
      (st = ph__op_expand(fn, "a", a, 0, rank, shape, &ea)) ||
      (st = ph__op_expand(fn, "b", b, 0, rank, shape, &eb)))
    return st;

  ph_binary_attrs_t at = {sizeof at, func};
  const ph_tensor_t *inputs[2] = {&ea, &eb};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_BINARY, inputs, 2, outputs, 1, &at);
}
