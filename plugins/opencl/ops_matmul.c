/*
 * Matmul launcher: picks ph_matmul_tiled (float dtypes) or
 * ph_matmul_tiled_i8 (int8) from kernels/opencl/matmul_tiled.cl when the
 * product is big enough to fill tiles and the device can hold a tile's
 * work-group and local memory, else ph_matmul_general (one work-item per
 * output, any shape). Descriptor as kernels/ref/matmul.c reads it:
 * inputs a, b[, bias][, c], output y; beta == 0 never reads c.
 */
#include "ocl_launch.h"

/* The tile defaults of matmul_tiled.cl, which launches build with (options
 * NULL); they must stay equal (matmul_tiled.tunables declares them). */
enum {
  MM_TILE_M = 64,
  MM_TILE_N = 64,
  MM_TILE_K = 16,
  MM_WPT_M = 4,
  MM_WPT_N = 4,
  MM_PAD = 1,
  MM_RTS_M = MM_TILE_M / MM_WPT_M,
  MM_RTS_N = MM_TILE_N / MM_WPT_N
};

/* Below this many multiply-adds per batch, or with an edge shorter than a
 * quarter tile, the general kernel wastes less. */
#define MM_TILED_MIN_WORK (64 * 64 * 16)

/* Whether the tiled kernel |k| can run as a (MM_RTS_N, MM_RTS_M) group on
 * |dev|: device and kernel work-group limits, and local memory. */
static int mm_tiled_fits(ph_cl_device_t *dev, cl_kernel k) {
  const size_t threads = (size_t)MM_RTS_M * MM_RTS_N;
  const uint64_t local = (uint64_t)MM_TILE_K * (MM_TILE_M + MM_TILE_N + 2 * MM_PAD) * 4u;
  if (ph_cl_max_work_group(dev) < threads || ph_cl_local_mem_bytes(dev) < local) return 0;
  /* NULL device: the kernel's program is built for the one device (a
   * failure just falls back to the general kernel). */
  size_t kernel_wg = 0;
  if (clGetKernelWorkGroupInfo(k, NULL, CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_wg, &kernel_wg,
                               NULL) != CL_SUCCESS)
    return 0;
  return kernel_wg >= threads;
}

ph_status_t ph_cl_launch_matmul(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_matmul_attrs_t *at = (const ph_matmul_attrs_t *)d->attrs;
  if (at == NULL) return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "matmul: no attributes");
  const size_t want = 2 + (at->has_bias ? 1u : 0u) + (at->has_c ? 1u : 0u);
  if (d->num_inputs < want || d->num_outputs < 1)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "matmul: %zu inputs, %zu outputs",
                       d->num_inputs, d->num_outputs);
  const ph_plugin_tensor_t *a = d->inputs[0], *b = d->inputs[1], *y = d->outputs[0];
  const ph_plugin_tensor_t *bias = at->has_bias ? d->inputs[2] : NULL;
  const ph_plugin_tensor_t *c = at->has_c && at->beta != 0.0f ? d->inputs[want - 1] : NULL;
  const uint32_t r = y->rank;
  if (r < 2 || a->rank != r || b->rank != r || (bias && bias->rank != 1) || (c && c->rank != r))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "matmul: ranks do not agree");

  ph_cl_view_t av, bv, yv, biasv, cv;
  ph_status_t st;
  if ((st = ph_cl_view(a, &av)) != PH_OK || (st = ph_cl_view(b, &bv)) != PH_OK ||
      (st = ph_cl_view(y, &yv)) != PH_OK)
    return st;
  biasv = yv;
  cv = yv;
  if (bias && (st = ph_cl_view(bias, &biasv)) != PH_OK) return st;
  if (c && (st = ph_cl_view(c, &cv)) != PH_OK) return st;

  const int64_t m_count = y->shape[r - 2], n_count = y->shape[r - 1];
  const int64_t k_count = at->trans_a ? a->shape[r - 2] : a->shape[r - 1];
  int64_t batch = 1;
  for (uint32_t i = 0; i + 2 < r; ++i) batch *= y->shape[i];
  if (m_count <= 0 || n_count <= 0 || batch <= 0) return PH_OK;

  const int is_i8 = a->dtype == PH_DTYPE_I8 && b->dtype == PH_DTYPE_I8;
  const float scale = is_i8 ? at->alpha * at->out_scale : at->alpha;
  ph_cl_device_t *dev = ph_cl_stream_device(s);

  int big = m_count >= MM_TILE_M / 4 && n_count >= MM_TILE_N / 4 &&
                  m_count * n_count * k_count >= MM_TILED_MIN_WORK;
  const char *name = big ? (is_i8 ? "ph_matmul_tiled_i8" : "ph_matmul_tiled") : "ph_matmul_general";
  cl_kernel k = NULL;
  if ((st = ph_cl_kernel(dev, "matmul_tiled", NULL, name, &k)) != PH_OK) return st;
  if (big && !mm_tiled_fits(dev, k)) {
    clReleaseKernel(k);
    name = "ph_matmul_general";
    big = 0;
    if ((st = ph_cl_kernel(dev, "matmul_tiled", NULL, name, &k)) != PH_OK) return st;
  }

  cl_mem am = ph_cl_mem(a->mem), bm = ph_cl_mem(b->mem), ym = ph_cl_mem(y->mem);
  cl_mem biasm = bias ? ph_cl_mem(bias->mem) : ym, cm = c ? ph_cl_mem(c->mem) : ym;
  const cl_int trans_a = at->trans_a != 0, trans_b = at->trans_b != 0;
  const cl_int act = (cl_int)at->activation, has_bias = bias != NULL, has_c = c != NULL;
  const float beta = at->beta;
  const struct {
    size_t size;
    const void *value;
  } args[] = {{sizeof am, &am},       {sizeof av, &av},       {sizeof bm, &bm},
              {sizeof bv, &bv},       {sizeof biasm, &biasm}, {sizeof biasv, &biasv},
              {sizeof cm, &cm},       {sizeof cv, &cv},       {sizeof ym, &ym},
              {sizeof yv, &yv},       {sizeof trans_a, &trans_a}, {sizeof trans_b, &trans_b},
              {sizeof scale, &scale}, {sizeof beta, &beta},   {sizeof act, &act},
              {sizeof has_bias, &has_bias}, {sizeof has_c, &has_c}};
  for (cl_uint i = 0; i < sizeof args / sizeof args[0]; ++i)
    if ((st = ph_cl_arg(k, name, i, args[i].size, args[i].value)) != PH_OK) {
      clReleaseKernel(k);
      return st;
    }

  if (big) {
    const size_t global[3] = {(size_t)((n_count + MM_TILE_N - 1) / MM_TILE_N) * MM_RTS_N,
                              (size_t)((m_count + MM_TILE_M - 1) / MM_TILE_M) * MM_RTS_M,
                              (size_t)batch};
    const size_t local[3] = {MM_RTS_N, MM_RTS_M, 1};
    st = ph_cl_enqueue(s, k, 3, global, local);
  } else {
    const size_t global[3] = {(size_t)n_count, (size_t)m_count, (size_t)batch};
    st = ph_cl_enqueue(s, k, 3, global, NULL);
  }
  clReleaseKernel(k);
  return st;
}
