/*
 * Reduction over a set of axes (PH_OP_REDUCE): sum, mean, max or min.
 * One work-group per output element; its work-items stride over the
 * reduced elements, then combine in local memory (ph_wg_sum /
 * ph_wg_extreme). The host splits x into |kept| (the unreduced axes, x's
 * offset included; y's row-major order) and |red| (the reduced axes,
 * offset 0): element r of output u sits at ph_offset(kept, u) +
 * ph_offset(red, r). Sums accumulate in ph_acc (double where available).
 * Empty sets give sum 0, mean NaN (0/0), max -inf, min +inf; max and min
 * propagate NaN, as kernels/ref/reduce.c.
 */
#define PH_REDUCE_SUM 0
#define PH_REDUCE_MEAN 1
#define PH_REDUCE_MAX 2
#define PH_REDUCE_MIN 3

__kernel void ph_reduce(const __global uchar *x, ph_view kept, ph_view red, long nred,
                        __global uchar *y, ph_view yv, uint func) {
  __local ph_acc sacc[PH_ROW_WG], scmp[PH_ROW_WG];
  __local float sext[PH_ROW_WG];
  long u = (long)get_group_id(0);
  long lid = (long)get_local_id(0), L = (long)get_local_size(0);
  long base = ph_offset(kept, u);
  float result;
  if (func == PH_REDUCE_SUM || func == PH_REDUCE_MEAN) {
    ph_acc s = 0, c = 0;
    for (long r = lid; r < nred; r += L)
      ph_acc_add(&s, &c, (ph_acc)ph_loadf(x, kept.dtype, base + ph_offset(red, r)));
    ph_acc sum = ph_wg_sum(sacc, scmp, s, c);
    result = (float)(func == PH_REDUCE_MEAN ? sum / (ph_acc)nred : sum);
  } else {
    int is_max = func == PH_REDUCE_MAX;
    float best = is_max ? -INFINITY : INFINITY;
    for (long r = lid; r < nred; r += L) {
      float v = ph_loadf(x, kept.dtype, base + ph_offset(red, r));
      best = is_max ? ph_maxnan(best, v) : ph_minnan(best, v);
    }
    result = ph_wg_extreme(sext, best, is_max);
  }
  if (lid == 0) ph_storef(y, yv.dtype, yv.offset + u, result);
}
