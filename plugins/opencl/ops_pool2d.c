/*
 * Pool2d launcher for kernels/opencl/pool2d.cl: input x, output y, one
 * work-item per output element.
 */
#include "ocl_launch.h"

ph_status_t ph_cl_launch_pool2d(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_pool2d_attrs_t *at = (const ph_pool2d_attrs_t *)d->attrs;
  if (at == NULL || d->num_inputs < 1 || d->num_outputs < 1)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "pool2d: no attributes, input or output");
  const ph_plugin_tensor_t *x = d->inputs[0], *y = d->outputs[0];
  if (x->rank != 4 || y->rank != 4)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "pool2d: x and y must be rank 4");
  if (at->stride[0] <= 0 || at->stride[1] <= 0 || at->kernel[0] < 0 || at->kernel[1] < 0)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "pool2d: bad kernel or stride");

  ph_cl_view_t xv, yv;
  ph_status_t st;
  if ((st = ph_cl_view(x, &xv)) != PH_OK || (st = ph_cl_view(y, &yv)) != PH_OK) return st;
  const int nhwc = at->layout == PH_LAYOUT_NHWC;
  const int64_t n = y->shape[0], c = y->shape[nhwc ? 3 : 1];
  const int64_t oh = y->shape[nhwc ? 1 : 2], ow = y->shape[nhwc ? 2 : 3];
  if (n <= 0 || c <= 0 || oh <= 0 || ow <= 0) return PH_OK;

  const char *name = "ph_pool2d";
  cl_kernel k = NULL;
  if ((st = ph_cl_kernel(ph_cl_stream_device(s), "pool2d", NULL, name, &k)) != PH_OK) return st;
  cl_mem xm = ph_cl_mem(x->mem), ym = ph_cl_mem(y->mem);
  const cl_int mode = (cl_int)at->mode, layout = nhwc, include_pad = at->count_include_pad != 0;
  const cl_long geo[8] = {at->kernel[0], at->kernel[1], at->stride[0], at->stride[1],
                          at->pad[0],    at->pad[1],    at->pad[2],    at->pad[3]};
  ph_status_t set = PH_OK;
  cl_uint i = 0;
  if (set == PH_OK) set = ph_cl_arg(k, name, i++, sizeof xm, &xm);
  if (set == PH_OK) set = ph_cl_arg(k, name, i++, sizeof xv, &xv);
  if (set == PH_OK) set = ph_cl_arg(k, name, i++, sizeof ym, &ym);
  if (set == PH_OK) set = ph_cl_arg(k, name, i++, sizeof yv, &yv);
  if (set == PH_OK) set = ph_cl_arg(k, name, i++, sizeof mode, &mode);
  if (set == PH_OK) set = ph_cl_arg(k, name, i++, sizeof layout, &layout);
  for (int g = 0; g < 8 && set == PH_OK; ++g) set = ph_cl_arg(k, name, i++, sizeof geo[g], &geo[g]);
  if (set == PH_OK) set = ph_cl_arg(k, name, i++, sizeof include_pad, &include_pad);
  if (set != PH_OK) {
    clReleaseKernel(k);
    return set;
  }
  const size_t global[3] = {(size_t)ow, (size_t)oh, (size_t)(n * c)};
  st = ph_cl_enqueue(s, k, 3, global, NULL);
  clReleaseKernel(k);
  return st;
}
