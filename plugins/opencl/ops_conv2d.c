/*
 * Conv2d launcher for kernels/opencl/conv2d_direct.cl. Descriptor as
 * kernels/ref/conv2d.c reads it: inputs x, w[, bias], output y.
 */
#include "ocl_launch.h"

/* The output tile of conv2d_direct.cl's defaults (launches pass options
 * NULL); must stay equal to CONV_OCT / CONV_OWT there. */
enum { CONV_OCT = 4, CONV_OWT = 4 };

ph_status_t ph_cl_launch_conv2d(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_conv2d_attrs_t *at = (const ph_conv2d_attrs_t *)d->attrs;
  if (at == NULL) return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "conv2d: no attributes");
  if (d->num_inputs < (at->has_bias ? 3u : 2u) || d->num_outputs < 1)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "conv2d: %zu inputs, %zu outputs",
                       d->num_inputs, d->num_outputs);
  const ph_plugin_tensor_t *x = d->inputs[0], *w = d->inputs[1], *y = d->outputs[0];
  const ph_plugin_tensor_t *bias = at->has_bias ? d->inputs[2] : NULL;
  if (x->rank != 4 || w->rank != 4 || y->rank != 4 || (bias && bias->rank != 1))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "conv2d: ranks do not agree");
  if (at->groups <= 0 || at->stride[0] <= 0 || at->stride[1] <= 0 || at->dilation[0] <= 0 ||
      at->dilation[1] <= 0)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "conv2d: stride, dilation and groups must be > 0");

  ph_cl_view_t xv, wv, yv, biasv;
  ph_status_t st;
  if ((st = ph_cl_view(x, &xv)) != PH_OK || (st = ph_cl_view(w, &wv)) != PH_OK ||
      (st = ph_cl_view(y, &yv)) != PH_OK)
    return st;
  biasv = yv;
  if (bias && (st = ph_cl_view(bias, &biasv)) != PH_OK) return st;

  const int nhwc = at->layout == PH_LAYOUT_NHWC;
  const int64_t n = y->shape[0], oc = y->shape[nhwc ? 3 : 1];
  const int64_t oh = y->shape[nhwc ? 1 : 2], ow = y->shape[nhwc ? 2 : 3];
  const int64_t ocg = oc / at->groups;
  if (n <= 0 || oc <= 0 || oh <= 0 || ow <= 0) return PH_OK;
  if (ocg <= 0) return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "conv2d: fewer channels than groups");

  const char *name = "ph_conv2d_direct";
  cl_kernel k = NULL;
  if ((st = ph_cl_kernel(ph_cl_stream_device(s), "conv2d_direct", NULL, name, &k)) != PH_OK)
    return st;
  cl_mem xm = ph_cl_mem(x->mem), wm = ph_cl_mem(w->mem), ym = ph_cl_mem(y->mem);
  cl_mem biasm = bias ? ph_cl_mem(bias->mem) : ym;
  const cl_int layout = nhwc, act = (cl_int)at->activation, has_bias = bias != NULL;
  const cl_long geo[7] = {at->stride[0], at->stride[1],   at->pad[0], at->pad[1],
                          at->dilation[0], at->dilation[1], at->groups};
  const float out_scale = at->out_scale;
  const struct {
    size_t size;
    const void *value;
  } args[] = {{sizeof xm, &xm},         {sizeof xv, &xv},       {sizeof wm, &wm},
              {sizeof wv, &wv},         {sizeof biasm, &biasm}, {sizeof biasv, &biasv},
              {sizeof ym, &ym},         {sizeof yv, &yv},       {sizeof layout, &layout},
              {sizeof(cl_long), &geo[0]}, {sizeof(cl_long), &geo[1]}, {sizeof(cl_long), &geo[2]},
              {sizeof(cl_long), &geo[3]}, {sizeof(cl_long), &geo[4]}, {sizeof(cl_long), &geo[5]},
              {sizeof(cl_long), &geo[6]}, {sizeof act, &act},     {sizeof has_bias, &has_bias},
              {sizeof out_scale, &out_scale}};
  for (cl_uint i = 0; i < sizeof args / sizeof args[0]; ++i)
    if ((st = ph_cl_arg(k, name, i, args[i].size, args[i].value)) != PH_OK) {
      clReleaseKernel(k);
      return st;
    }
  const size_t global[3] = {(size_t)((ow + CONV_OWT - 1) / CONV_OWT), (size_t)oh,
                            (size_t)(n * at->groups * ((ocg + CONV_OCT - 1) / CONV_OCT))};
  st = ph_cl_enqueue(s, k, 3, global, NULL);
  clReleaseKernel(k);
  return st;
}
