/*
 * Elementwise launchers (unary, binary, cast) and the dtype capability
 * answers for the op families that take any float dtype or any dtype.
 * One work-item per output element; kernels in kernels/opencl/{unary,
 * binary,cast}.cl. The dtype travels in each view, so one compiled
 * program serves every dtype.
 */
#include "ocl_launch.h"
#include "ops_util.h"

ph_status_t ph_cl_launch_unary(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_unary_attrs_t *at = d->attrs;
  if (at == NULL || !PH_STRUCT_HAS(at, ph_unary_attrs_t, func) || at->func >= PH_UNARY_COUNT_)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl unary: missing or bad attributes");
  ph_cl_view_t v[2];
  ph_status_t st = ph_cl_views(d, 1, "unary", v);
  if (st != PH_OK) return st;
  cl_mem x = ph_cl_mem(d->inputs[0]->mem), y = ph_cl_mem(d->outputs[0]->mem);
  cl_uint func = at->func;
  cl_long n = ph_cl_view_numel(&v[1]);
  const ph_cl_argv_t args[] = {
      {sizeof x, &x}, {sizeof v[0], &v[0]}, {sizeof y, &y},
      {sizeof v[1], &v[1]}, {sizeof func, &func}, {sizeof n, &n},
  };
  return ph_cl_run(s, "unary", "ph_unary", args, 6, n, 0, 0);
}

ph_status_t ph_cl_launch_binary(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_binary_attrs_t *at = d->attrs;
  if (at == NULL || !PH_STRUCT_HAS(at, ph_binary_attrs_t, func) || at->func >= PH_BINARY_COUNT_)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl binary: missing or bad attributes");
  ph_cl_view_t v[3];
  ph_status_t st = ph_cl_views(d, 2, "binary", v);
  if (st != PH_OK) return st;
  cl_mem a = ph_cl_mem(d->inputs[0]->mem), b = ph_cl_mem(d->inputs[1]->mem);
  cl_mem y = ph_cl_mem(d->outputs[0]->mem);
  cl_uint func = at->func;
  cl_long n = ph_cl_view_numel(&v[2]);
  const ph_cl_argv_t args[] = {
      {sizeof a, &a}, {sizeof v[0], &v[0]}, {sizeof b, &b},       {sizeof v[1], &v[1]},
      {sizeof y, &y}, {sizeof v[2], &v[2]}, {sizeof func, &func}, {sizeof n, &n},
  };
  return ph_cl_run(s, "binary", "ph_binary", args, 8, n, 0, 0);
}

ph_status_t ph_cl_launch_cast(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  ph_cl_view_t v[2];
  ph_status_t st = ph_cl_views(d, 1, "cast", v);
  if (st != PH_OK) return st;
  cl_mem x = ph_cl_mem(d->inputs[0]->mem), y = ph_cl_mem(d->outputs[0]->mem);
  cl_long n = ph_cl_view_numel(&v[1]);
  const ph_cl_argv_t args[] = {
      {sizeof x, &x}, {sizeof v[0], &v[0]}, {sizeof y, &y}, {sizeof v[1], &v[1]}, {sizeof n, &n},
  };
  return ph_cl_run(s, "cast", "ph_cast", args, 5, n, 0, 0);
}
