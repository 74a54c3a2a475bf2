/*
 * Layer normalisation and RMS normalisation over the trailing axes
 * (PH_OP_LAYERNORM, PH_OP_RMSNORM), one work-group per group of n =
 * prod(shape[axis:]) elements, mirroring kernels/ref/norm.c:
 *   layernorm: y = (x - mean) / sqrt(var + eps) * scale + bias
 *   rmsnorm:   y = x / sqrt(mean(x^2) + eps) * scale
 * Two passes (mean, then squared deviations) in ph_acc (double where
 * available). |outer| is x's leading axes (x's offset included), |group|
 * the trailing ones (offset 0): element j of group u sits at
 * ph_offset(outer, u) + ph_offset(group, j). scale/bias views index by j;
 * has_scale/has_bias zero means the buffer argument is a placeholder.
 */
__kernel void ph_norm(const __global uchar *x, ph_view outer, ph_view group, long n,
                      const __global uchar *scale, ph_view sv, int has_scale,
                      const __global uchar *bias, ph_view bv, int has_bias,
                      __global uchar *y, ph_view yv, int layer, float eps) {
  __local ph_acc sacc[PH_ROW_WG], scmp[PH_ROW_WG];
  long u = (long)get_group_id(0);
  long lid = (long)get_local_id(0), L = (long)get_local_size(0);
  int dt = outer.dtype;
  long xo = ph_offset(outer, u);

  /* rmsnorm reduces zeros here rather than skipping the call: the barriers
   * inside ph_wg_sum stay out of conditional code, which PoCL mishandles. */
  ph_acc s = 0, c = 0;
  if (layer)
    for (long j = lid; j < n; j += L)
      ph_acc_add(&s, &c, (ph_acc)ph_loadf(x, dt, xo + ph_offset(group, j)));
  const ph_acc total = ph_wg_sum(sacc, scmp, s, c);
  const ph_acc mean = layer ? total / (ph_acc)n : (ph_acc)0;
  ph_acc q = 0, c2 = 0;
  for (long j = lid; j < n; j += L) {
    ph_acc d = (ph_acc)ph_loadf(x, dt, xo + ph_offset(group, j)) - mean;
    ph_acc_add(&q, &c2, d * d);
  }
  ph_acc sq = ph_wg_sum(sacc, scmp, q, c2);
  ph_acc rstd = (ph_acc)1 / sqrt(sq / (ph_acc)n + (ph_acc)eps);

  for (long j = lid; j < n; j += L) {
    ph_acc r = ((ph_acc)ph_loadf(x, dt, xo + ph_offset(group, j)) - mean) * rstd;
    if (has_scale) r *= (ph_acc)ph_loadf(scale, sv.dtype, ph_offset(sv, j));
    if (has_bias) r += (ph_acc)ph_loadf(bias, bv.dtype, ph_offset(bv, j));
    ph_storef(y, yv.dtype, yv.offset + u * n + j, (float)r);
  }
}
