/* ph_op_concat: joins tensors along one axis. */
#include <inttypes.h>
#include <stdio.h>

#include "op_shape.h"

ph_status_t ph_op_concat(ph_stream_t *stream, const ph_tensor_t *const *xs,
                         size_t n, const ph_tensor_t *y, int32_t axis) {
  static const char fn[] = "ph_op_concat";
  ph__clear_error();
  ph_status_t st;
  if ((st = ph__op_check_stream(fn, stream))) return st;
  if (xs == NULL || n == 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s", fn,
                     xs == NULL ? "xs is NULL" : "n is 0 (need at least one input)");
  if ((st = ph__op_check_tensor(fn, "y", y))) return st;
  char name[32];
  for (size_t i = 0; i < n; ++i) {
    snprintf(name, sizeof name, "xs[%zu]", i);
    if ((st = ph__op_check_tensor(fn, name, xs[i]))) return st;
  }
  if ((st = ph__op_check_dtype(fn, "y", y, PH_DTYPES_ALL))) return st;

  ph_concat_attrs_t at = {sizeof at, 0};
  if ((st = ph__op_norm_axis(fn, "axis", axis, y->rank, &at.axis))) return st;
  /* The expected y: xs[0]'s shape with the axis extents summed. Each input
   * must agree with y off the axis. */
  int64_t shape[PH_MAX_RANK];
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    snprintf(name, sizeof name, "xs[%zu]", i);
    if ((st = ph__op_check_same_dtype(fn, name, xs[i], "y", y)) ||
        (st = ph__op_check_rank(fn, name, xs[i], y->rank)))
      return st;
    for (uint32_t d = 0; d < y->rank; ++d)
      if (d != (uint32_t)at.axis && xs[i]->shape[d] != y->shape[d])
        return ph__error(PH_ERROR_INVALID_ARGUMENT,
                         "%s: %s.shape[%u] (%" PRId64 ") != y.shape[%u] (%" PRId64
                         ") off the concat axis %d",
                         fn, name, (unsigned)d, xs[i]->shape[d], (unsigned)d,
                         y->shape[d], (int)at.axis);
    total += xs[i]->shape[at.axis];
  }
  for (uint32_t d = 0; d < y->rank; ++d) shape[d] = y->shape[d];
  shape[at.axis] = total;
  if ((st = ph__op_check_shape(fn, "y", y, y->rank, shape))) return st;

  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_CONCAT, xs, n, outputs, 1, &at);
}
