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
/* Two kernels rather than one with a branch on the function: every
 * barrier (inside ph_wg_sum / ph_wg_extreme) then sits in straight-line
 * code. PoCL 5 crashed building the work-group function of the branchy
 * form, although OpenCL allows barriers in uniform branches. */

/* Sum, or mean when |mean| is nonzero. */
__kernel void ph_reduce_sum(const __global uchar *x, ph_view kept, ph_view red, long nred,
                            __global uchar *y, ph_view yv, uint mean) {
  __local ph_acc sacc[PH_ROW_WG], scmp[PH_ROW_WG];
  long u = (long)get_group_id(0);
  long lid = (long)get_local_id(0), L = (long)get_local_size(0);
  long base = ph_offset(kept, u);
  ph_acc s = 0, c = 0;
  for (long r = lid; r < nred; r += L)
    ph_acc_add(&s, &c, (ph_acc)ph_loadf(x, kept.dtype, base + ph_offset(red, r)));
  ph_acc sum = ph_wg_sum(sacc, scmp, s, c);
  if (lid == 0) ph_storef(y, yv.dtype, yv.offset + u, (float)(mean ? sum / (ph_acc)nred : sum));
}

/* Max, or min when |is_max| is zero; NaN propagates. */
__kernel void ph_reduce_extreme(const __global uchar *x, ph_view kept, ph_view red, long nred,
                                __global uchar *y, ph_view yv, uint is_max) {
  __local float sext[PH_ROW_WG];
  long u = (long)get_group_id(0);
  long lid = (long)get_local_id(0), L = (long)get_local_size(0);
  long base = ph_offset(kept, u);
  float best = is_max ? -INFINITY : INFINITY;
  for (long r = lid; r < nred; r += L) {
    float v = ph_loadf(x, kept.dtype, base + ph_offset(red, r));
    best = is_max ? ph_maxnan(best, v) : ph_minnan(best, v);
  }
  float result = ph_wg_extreme(sext, best, is_max);
  if (lid == 0) ph_storef(y, yv.dtype, yv.offset + u, result);
}
