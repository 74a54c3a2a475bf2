/*
 * Softmax / log-softmax along one axis (PH_OP_SOFTMAX), one work-group
 * per row, mirroring kernels/ref/softmax.c:
 *   softmax_i = exp(x_i - m) / sum_j exp(x_j - m), log: (x_i - m) - log(sum)
 * with m the row maximum (NaN-propagating). The host passes |rows| (x
 * without the axis, x's offset included: row u starts at ph_offset(rows,
 * u)) and the axis extent and stride. In dense y consecutive axis
 * elements are |inner| apart. The exponentials and the sum are computed
 * in ph_acc (double where available, as the reference does).
 */
__kernel void ph_softmax(const __global uchar *x, ph_view rows, long len, long xstep,
                         __global uchar *y, ph_view yv, long inner, uint log_mode) {
  __local ph_acc sacc[PH_ROW_WG], scmp[PH_ROW_WG];
  __local float sext[PH_ROW_WG];
  long u = (long)get_group_id(0);
  long lid = (long)get_local_id(0), L = (long)get_local_size(0);
  int dt = rows.dtype;
  long xo = ph_offset(rows, u);
  long yo = yv.offset + (u / inner) * len * inner + u % inner;

  float m = -INFINITY;
  for (long k = lid; k < len; k += L) m = ph_maxnan(m, ph_loadf(x, dt, xo + k * xstep));
  m = ph_wg_extreme(sext, m, 1);

  ph_acc s = 0, c = 0;
  for (long k = lid; k < len; k += L)
    ph_acc_add(&s, &c, exp((ph_acc)ph_loadf(x, dt, xo + k * xstep) - (ph_acc)m));
  ph_acc sum = ph_wg_sum(sacc, scmp, s, c);
  ph_acc log_sum = log(sum);

  for (long k = lid; k < len; k += L) {
    ph_acc t = (ph_acc)ph_loadf(x, dt, xo + k * xstep) - (ph_acc)m;
    ph_acc r = log_mode ? t - log_sum : exp(t) / sum;
    ph_storef(y, yv.dtype, yo + k * inner, (float)r);
  }
}
