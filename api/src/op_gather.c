/* ph_op_gather: takes slices of a table along one axis by index. */
#include "op_shape.h"

ph_status_t ph_op_gather(ph_stream_t *stream, const ph_tensor_t *table,
                         const ph_tensor_t *indices, const ph_tensor_t *y,
                         int32_t axis) {
  static const char fn[] = "ph_op_gather";
  ph__clear_error();
  ph_status_t st;
  ph_gather_attrs_t at = {sizeof at, 0};
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "table", table)) ||
      (st = ph__op_check_tensor(fn, "indices", indices)) ||
      (st = ph__op_check_tensor(fn, "y", y)) ||
      (st = ph__op_check_dtype(fn, "table", table, PH_DTYPES_ALL)) ||
      (st = ph__op_check_dtype(fn, "indices", indices, 1u << PH_DTYPE_I32)) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "table", table)) ||
      (st = ph__op_norm_axis(fn, "axis", axis, table->rank, &at.axis)))
    return st;

  /* y = table.shape[:axis] + indices.shape + table.shape[axis+1:]. */
  uint32_t rank = table->rank - 1 + indices->rank;
  if (rank > PH_MAX_RANK)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: the result would have rank %u > PH_MAX_RANK (%d)", fn,
                     (unsigned)rank, PH_MAX_RANK);
  int64_t shape[PH_MAX_RANK];
  uint32_t r = 0;
  for (uint32_t d = 0; d < (uint32_t)at.axis; ++d) shape[r++] = table->shape[d];
  for (uint32_t d = 0; d < indices->rank; ++d) shape[r++] = indices->shape[d];
  for (uint32_t d = (uint32_t)at.axis + 1; d < table->rank; ++d)
    shape[r++] = table->shape[d];
  if ((st = ph__op_check_shape(fn, "y", y, rank, shape))) return st;

  const ph_tensor_t *inputs[2] = {table, indices};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_GATHER, inputs, 2, outputs, 1, &at);
}
