/*
 * Layernorm and rmsnorm launchers: one work-group per normalised group of
 * trailing axes (kernels/opencl/norm.cl, one kernel for both).
 */
#include "ocl_launch.h"
#include "ops_util.h"

static ph_status_t ph_cl_norm(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d, int layer) {
  const char *name = layer ? "layernorm" : "rmsnorm";
  const ph_norm_attrs_t *at = d->attrs;
  if (at == NULL || !PH_STRUCT_HAS(at, ph_norm_attrs_t, has_bias))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl %s: missing attributes", name);
  cl_int has_scale = at->has_scale != 0, has_bias = layer && at->has_bias != 0;
  size_t nin = 1 + (size_t)has_scale + (size_t)has_bias;
  ph_cl_view_t v[4];
  ph_status_t st = ph_cl_views(d, nin, name, v);
  if (st != PH_OK) return st;
  const ph_cl_view_t *xv = &v[0], *yv = &v[nin];
  cl_int axis = at->axis < 0 ? at->axis + xv->rank : at->axis;
  if (axis < 0 || axis > xv->rank)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl %s: axis %d for rank %d", name,
                       (int)at->axis, (int)xv->rank);
  /* |outer|: the leading axes (x's offset); |group|: the trailing ones. */
  ph_cl_view_t outer = *xv, group = *xv;
  outer.rank = axis;
  group.rank = xv->rank - axis;
  group.offset = 0;
  for (cl_int i = axis; i < xv->rank; ++i) {
    group.shape[i - axis] = xv->shape[i];
    group.strides[i - axis] = xv->strides[i];
  }
  cl_long n = ph_cl_view_numel(&group);
  if (n == 0) return PH_OK; /* empty groups: nothing to write */
  cl_mem x = ph_cl_mem(d->inputs[0]->mem), y = ph_cl_mem(d->outputs[0]->mem);
  /* An absent scale or bias is a placeholder (x) the kernel never reads. */
  cl_mem sm = has_scale ? ph_cl_mem(d->inputs[1]->mem) : x;
  cl_mem bm = has_bias ? ph_cl_mem(d->inputs[1 + (size_t)has_scale]->mem) : x;
  const ph_cl_view_t *sv = has_scale ? &v[1] : xv;
  const ph_cl_view_t *bv = has_bias ? &v[1 + (size_t)has_scale] : xv;
  cl_int layer_flag = layer;
  cl_float eps = at->epsilon;
  const ph_cl_argv_t args[] = {
      {sizeof x, &x},
      {sizeof outer, &outer},
      {sizeof group, &group},
      {sizeof n, &n},
      {sizeof sm, &sm},
      {sizeof *sv, sv},
      {sizeof has_scale, &has_scale},
      {sizeof bm, &bm},
      {sizeof *bv, bv},
      {sizeof has_bias, &has_bias},
      {sizeof y, &y},
      {sizeof *yv, yv},
      {sizeof layer_flag, &layer_flag},
      {sizeof eps, &eps},
  };
  return ph_cl_run(s, "norm", "ph_norm", args, 14, ph_cl_view_numel(&outer), 1, n);
}

ph_status_t ph_cl_launch_layernorm(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  return ph_cl_norm(s, d, 1);
}

ph_status_t ph_cl_launch_rmsnorm(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  return ph_cl_norm(s, d, 0);
}
