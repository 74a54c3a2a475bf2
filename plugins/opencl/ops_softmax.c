/*
 * Softmax / log-softmax launcher: one work-group per row along the axis
 * (kernels/opencl/softmax.cl).
 */
#include "ocl_launch.h"
#include "ops_util.h"

ph_status_t ph_cl_launch_softmax(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_softmax_attrs_t *at = d->attrs;
  if (at == NULL || !PH_STRUCT_HAS(at, ph_softmax_attrs_t, log))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl softmax: missing attributes");
  ph_cl_view_t v[2];
  ph_status_t st = ph_cl_views(d, 1, "softmax", v);
  if (st != PH_OK) return st;
  cl_int axis = at->axis < 0 ? at->axis + v[0].rank : at->axis;
  if (axis < 0 || axis >= v[0].rank)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl softmax: axis %d for rank %d",
                       (int)at->axis, (int)v[0].rank);
  if (ph_cl_view_numel(&v[0]) == 0) return PH_OK; /* no row to visit */
  /* |rows| is x without the axis: its row-major order is the row order. */
  ph_cl_view_t rows = v[0];
  rows.rank = 0;
  cl_long inner = 1;
  for (cl_int i = 0; i < v[0].rank; ++i) {
    if (i > axis) inner *= v[0].shape[i];
    if (i == axis) continue;
    rows.shape[rows.rank] = v[0].shape[i];
    rows.strides[rows.rank] = v[0].strides[i];
    ++rows.rank;
  }
  cl_mem x = ph_cl_mem(d->inputs[0]->mem), y = ph_cl_mem(d->outputs[0]->mem);
  cl_long len = v[0].shape[axis], xstep = v[0].strides[axis];
  cl_uint log_mode = at->log != 0;
  const ph_cl_argv_t args[] = {
      {sizeof x, &x}, {sizeof rows, &rows}, {sizeof len, &len},     {sizeof xstep, &xstep},
      {sizeof y, &y}, {sizeof v[1], &v[1]}, {sizeof inner, &inner}, {sizeof log_mode, &log_mode},
  };
  return ph_cl_run(s, "softmax", "ph_softmax", args, 8, ph_cl_view_numel(&rows), 1, len);
}
