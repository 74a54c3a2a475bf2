/*
 * Attention launcher for kernels/opencl/attention.cl: inputs q, k, v[,
 * mask], output y; one work-group per query row, whose f32 accumulator row
 * (Dv floats) and two score blocks live in local memory.
 */
#include "ocl_launch.h"

/* Work-group size: keys scored per block and output columns per pass. */
#define ATT_WG 64

ph_status_t ph_cl_launch_attention(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_attention_attrs_t *at = (const ph_attention_attrs_t *)d->attrs;
  const size_t want = at != NULL && at->has_mask ? 4u : 3u;
  if (at == NULL || d->num_inputs < want || d->num_outputs < 1)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "attention: no attributes, inputs or output");
  const ph_plugin_tensor_t *y = d->outputs[0];
  const uint32_t r = y->rank;
  if (r < 2 || r > PH_MAX_RANK)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "attention: y must have rank >= 2");
  ph_cl_view_t views[5];
  cl_mem mems[5];
  ph_status_t st;
  for (size_t i = 0; i < 4; ++i) {
    const ph_plugin_tensor_t *t = i < want ? d->inputs[i] : y; /* no mask: y stands in */
    if (t->rank != r)
      return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "attention: ranks do not agree");
    if ((st = ph_cl_view(t, &views[i])) != PH_OK) return st;
    mems[i] = ph_cl_mem(t->mem);
  }
  if ((st = ph_cl_view(y, &views[4])) != PH_OK) return st;
  mems[4] = ph_cl_mem(y->mem);

  const int64_t dv = y->shape[r - 1];
  int64_t rows = 1;
  for (uint32_t i = 0; i + 1 < r; ++i) rows *= y->shape[i];
  if (rows <= 0 || dv <= 0) return PH_OK;

  ph_cl_device_t *dev = ph_cl_stream_device(s);
  size_t wg = ATT_WG;
  if (ph_cl_max_work_group(dev) < wg) wg = ph_cl_max_work_group(dev);
  if (wg == 0) wg = 1;
  const uint64_t local = ((uint64_t)dv + 2u * wg) * sizeof(float);
  if (local > ph_cl_local_mem_bytes(dev))
    return ph_cl_error(PH_ERROR_UNSUPPORTED,
                       "attention: Dv %lld needs %llu bytes of local memory, the device has %llu",
                       (long long)dv, (unsigned long long)local,
                       (unsigned long long)ph_cl_local_mem_bytes(dev));

  const char *name = "ph_attention";
  cl_kernel k = NULL;
  if ((st = ph_cl_kernel(dev, "attention", NULL, name, &k)) != PH_OK) return st;
  /* The kernel's own limit (registers) may be below the device's; any
   * group size works, the score blocks just get shorter. NULL device: the
   * program is built for the one device. */
  size_t kernel_wg = 0;
  if (clGetKernelWorkGroupInfo(k, NULL, CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_wg, &kernel_wg,
                               NULL) == CL_SUCCESS &&
      kernel_wg > 0 && kernel_wg < wg)
    wg = kernel_wg;
  const float scale = at->scale;
  const cl_int causal = at->causal != 0, has_mask = want == 4;
  cl_uint i = 0;
  for (int t = 0; t < 5 && st == PH_OK; ++t) {
    st = ph_cl_arg(k, name, i++, sizeof mems[t], &mems[t]);
    if (st == PH_OK) st = ph_cl_arg(k, name, i++, sizeof views[t], &views[t]);
  }
  if (st == PH_OK) st = ph_cl_arg(k, name, i++, sizeof scale, &scale);
  if (st == PH_OK) st = ph_cl_arg(k, name, i++, sizeof causal, &causal);
  if (st == PH_OK) st = ph_cl_arg(k, name, i++, sizeof has_mask, &has_mask);
  if (st == PH_OK) st = ph_cl_arg(k, name, i++, wg * sizeof(float), NULL);
  if (st == PH_OK) st = ph_cl_arg(k, name, i++, wg * sizeof(float), NULL);
  if (st == PH_OK) st = ph_cl_arg(k, name, i++, (size_t)dv * sizeof(float), NULL);
  if (st == PH_OK) {
    const size_t global = wg * (size_t)rows;
    st = ph_cl_enqueue(s, k, 1, &global, &wg);
  }
  clReleaseKernel(k);
  return st;
}
