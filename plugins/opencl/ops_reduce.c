/*
 * Reduce launcher (sum, mean, max, min over a set of axes): one
 * work-group per output element (kernels/opencl/reduce.cl).
 */
#include "ocl_launch.h"
#include "ops_util.h"

ph_status_t ph_cl_launch_reduce(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d) {
  const ph_reduce_attrs_t *at = d->attrs;
  if (at == NULL || !PH_STRUCT_HAS(at, ph_reduce_attrs_t, keepdims) ||
      at->func >= PH_REDUCE_COUNT_)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl reduce: missing or bad attributes");
  ph_cl_view_t v[2];
  ph_status_t st = ph_cl_views(d, 1, "reduce", v);
  if (st != PH_OK) return st;
  /* Split x into the kept axes (y's order, x's offset) and the reduced
   * ones (offset 0); keepdims only changes y's shape, not its order. */
  ph_cl_view_t kept = v[0], red = v[0];
  kept.rank = 0;
  red.rank = 0;
  red.offset = 0;
  for (cl_int i = 0; i < v[0].rank; ++i) {
    ph_cl_view_t *t = (at->axes >> i) & 1u ? &red : &kept;
    t->shape[t->rank] = v[0].shape[i];
    t->strides[t->rank] = v[0].strides[i];
    ++t->rank;
  }
  cl_mem x = ph_cl_mem(d->inputs[0]->mem), y = ph_cl_mem(d->outputs[0]->mem);
  cl_long nred = ph_cl_view_numel(&red);
  int sums = at->func == PH_REDUCE_SUM || at->func == PH_REDUCE_MEAN;
  /* ph_reduce_sum takes "mean", ph_reduce_extreme takes "is_max". */
  cl_uint flag = sums ? at->func == PH_REDUCE_MEAN : at->func == PH_REDUCE_MAX;
  const ph_cl_argv_t args[] = {
      {sizeof x, &x}, {sizeof kept, &kept}, {sizeof red, &red},   {sizeof nred, &nred},
      {sizeof y, &y}, {sizeof v[1], &v[1]}, {sizeof flag, &flag},
  };
  return ph_cl_run(s, "reduce", sums ? "ph_reduce_sum" : "ph_reduce_extreme", args, 7,
                   ph_cl_view_numel(&kept), 1, nred);
}
