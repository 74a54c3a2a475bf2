/*
 * Layout launchers: transpose, concat, gather. Any dtype; element bytes
 * are copied (kernels/opencl/{transpose,concat,gather}.cl), so results
 * are exact. One work-item per element written.
 */
#include "ocl_launch.h"
#include "ops_util.h"

ph_status_t ph_cl_launch_transpose(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_transpose_attrs_t *at = d->attrs;
  if (at == NULL || !PH_STRUCT_HAS(at, ph_transpose_attrs_t, perm))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl transpose: missing attributes");
  ph_cl_view_t v[2];
  ph_status_t st = ph_cl_views(d, 1, "transpose", v);
  if (st != PH_OK) return st;
  if (v[0].rank != v[1].rank)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl transpose: x rank %d, y rank %d",
                       (int)v[0].rank, (int)v[1].rank);
  /* x seen in y's index order: output axis i steps x's axis perm[i]. */
  ph_cl_view_t xp = v[0];
  for (cl_int i = 0; i < v[1].rank; ++i) {
    int32_t p = at->perm[i];
    if (p < 0) p += v[0].rank;
    if (p < 0 || p >= v[0].rank)
      return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl transpose: perm[%d] = %d",
                         (int)i, (int)at->perm[i]);
    xp.shape[i] = v[1].shape[i];
    xp.strides[i] = v[0].strides[p];
  }
  cl_mem x = ph_cl_mem(d->inputs[0]->mem), y = ph_cl_mem(d->outputs[0]->mem);
  cl_long n = ph_cl_view_numel(&v[1]);
  const ph_cl_argv_t args[] = {
      {sizeof x, &x}, {sizeof xp, &xp}, {sizeof y, &y}, {sizeof v[1], &v[1]}, {sizeof n, &n},
  };
  return ph_cl_run(s, "transpose", "ph_transpose", args, 5, n, 0, 0);
}

ph_status_t ph_cl_launch_concat(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_concat_attrs_t *at = d->attrs;
  if (at == NULL || !PH_STRUCT_HAS(at, ph_concat_attrs_t, axis))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl concat: missing attributes");
  if (d->num_inputs == 0 || d->num_outputs != 1)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl concat: %zu inputs, %zu outputs",
                       d->num_inputs, d->num_outputs);
  ph_cl_view_t yv;
  ph_status_t st = ph_cl_view(d->outputs[0], &yv);
  if (st != PH_OK) return st;
  int32_t axis = at->axis < 0 ? at->axis + yv.rank : at->axis;
  if (axis < 0 || axis >= yv.rank)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl concat: axis %d for rank %d",
                       (int)at->axis, (int)yv.rank);
  /* Check every input before enqueueing any, so nothing half-runs. */
  for (size_t k = 0; k < d->num_inputs; ++k) {
    ph_cl_view_t xv;
    st = ph_cl_view(d->inputs[k], &xv);
    if (st != PH_OK) return st;
  }
  cl_long inner = 1, ya = yv.shape[axis], off = 0;
  for (cl_int i = axis + 1; i < yv.rank; ++i) inner *= yv.shape[i];
  cl_mem y = ph_cl_mem(d->outputs[0]->mem);
  for (size_t k = 0; k < d->num_inputs; ++k) {
    ph_cl_view_t xv;
    (void)ph_cl_view(d->inputs[k], &xv);
    cl_mem x = ph_cl_mem(d->inputs[k]->mem);
    cl_long xa = xv.shape[axis], n = ph_cl_view_numel(&xv);
    const ph_cl_argv_t args[] = {
        {sizeof x, &x},         {sizeof xv, &xv}, {sizeof y, &y},     {sizeof yv, &yv},
        {sizeof inner, &inner}, {sizeof xa, &xa}, {sizeof ya, &ya},   {sizeof off, &off},
        {sizeof n, &n},
    };
    st = ph_cl_run(s, "concat", "ph_concat", args, 9, n, 0, 0);
    if (st != PH_OK) return st;
    off += xa;
  }
  return PH_OK;
}

ph_status_t ph_cl_launch_gather(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_gather_attrs_t *at = d->attrs;
  if (at == NULL || !PH_STRUCT_HAS(at, ph_gather_attrs_t, axis))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl gather: missing attributes");
  ph_cl_view_t v[3];
  ph_status_t st = ph_cl_views(d, 2, "gather", v);
  if (st != PH_OK) return st;
  cl_int axis = at->axis < 0 ? at->axis + v[0].rank : at->axis;
  if (axis < 0 || axis >= v[0].rank || v[1].dtype != PH_DTYPE_I32)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl gather: axis %d for rank %d, indices dtype %d", (int)at->axis,
                       (int)v[0].rank, (int)v[1].dtype);
  cl_long inner = 1, nidx = ph_cl_view_numel(&v[1]), n = ph_cl_view_numel(&v[2]);
  for (cl_int i = axis + 1; i < v[0].rank; ++i) inner *= v[0].shape[i];
  cl_mem t = ph_cl_mem(d->inputs[0]->mem), ix = ph_cl_mem(d->inputs[1]->mem);
  cl_mem y = ph_cl_mem(d->outputs[0]->mem);
  const ph_cl_argv_t args[] = {
      {sizeof t, &t},       {sizeof v[0], &v[0]},   {sizeof ix, &ix},     {sizeof v[1], &v[1]},
      {sizeof y, &y},       {sizeof v[2], &v[2]},   {sizeof axis, &axis}, {sizeof inner, &inner},
      {sizeof nidx, &nidx}, {sizeof n, &n},
  };
  return ph_cl_run(s, "gather", "ph_gather", args, 10, n, 0, 0);
}
