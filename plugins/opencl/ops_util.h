/*
 * Small helpers the elementwise, layout, reduce, softmax and norm
 * launchers share: element counts of a view, and one-kernel launches
 * (create, set every argument, enqueue, release) either with one
 * work-item per element or with one work-group per row.
 */
#ifndef PH_OPENCL_OPS_UTIL_H_
#define PH_OPENCL_OPS_UTIL_H_

#include <stdint.h>

#include "ocl_launch.h"

/* Largest row work-group; must not exceed PH_ROW_WG in
 * kernels/opencl/common.h, which sizes the kernels' local arrays. */
#define PH_CL_ROW_WG 256u

/* One kernel argument: its size and a pointer to its value. */
typedef struct ph_cl_argv {
  size_t size;
  const void *value;
} ph_cl_argv_t;

static inline int64_t ph_cl_view_numel(const ph_cl_view_t *v) {
  int64_t n = 1;
  for (cl_int d = 0; d < v->rank; ++d) n *= v->shape[d];
  return n;
}

/* Views of |nin| inputs then one output, after checking the counts. */
static inline ph_status_t ph_cl_views(const ph_plugin_op_desc_t *d, size_t nin, const char *op,
                               ph_cl_view_t *views) {
  if (d->num_inputs != nin || d->num_outputs != 1)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl %s: %zu inputs, %zu outputs", op,
                       d->num_inputs, d->num_outputs);
  for (size_t i = 0; i < nin; ++i) {
    ph_status_t st = ph_cl_view(d->inputs[i], &views[i]);
    if (st != PH_OK) return st;
  }
  return ph_cl_view(d->outputs[0], &views[nin]);
}

/* Runs |kernel| of |program| with |args|: |rows| == 0 launches |items|
 * work-items (local size left to the driver); otherwise one work-group
 * per row (|items| rows of |row_len| elements) whose size is the largest
 * power of two not above row_len, PH_CL_ROW_WG or what the kernel and
 * device allow. Launches nothing for zero work. */
static inline ph_status_t ph_cl_run(ph_cl_stream_t *s, const char *program, const char *kname,
                                    const ph_cl_argv_t *args, cl_uint nargs, int64_t items,
                                    int rows, int64_t row_len) {
  if (items <= 0) return PH_OK;
  ph_cl_device_t *dev = ph_cl_stream_device(s);
  cl_kernel k = NULL;
  ph_status_t st = ph_cl_kernel(dev, program, NULL, kname, &k);
  if (st != PH_OK) return st;
  for (cl_uint i = 0; i < nargs && st == PH_OK; ++i)
    st = ph_cl_arg(k, kname, i, args[i].size, args[i].value);
  if (st == PH_OK && !rows) {
    size_t global = (size_t)items;
    st = ph_cl_enqueue(s, k, 1, &global, NULL);
  } else if (st == PH_OK) {
    size_t limit = PH_CL_ROW_WG, kwg = 0;
    size_t dwg = ph_cl_max_work_group(dev);
    if (dwg > 0 && dwg < limit) limit = dwg;
    /* The kernel's own limit can be lower (registers, local memory). */
    if (clGetKernelWorkGroupInfo(k, NULL, CL_KERNEL_WORK_GROUP_SIZE, sizeof kwg, &kwg, NULL) ==
            CL_SUCCESS &&
        kwg > 0 && kwg < limit)
      limit = kwg;
    size_t local = 1;
    while (local * 2 <= limit && (int64_t)(local * 2) <= row_len) local *= 2;
    size_t global = (size_t)items * local;
    st = ph_cl_enqueue(s, k, 1, &global, &local);
  }
  clReleaseKernel(k);
  return st;
}

#endif /* PH_OPENCL_OPS_UTIL_H_ */
