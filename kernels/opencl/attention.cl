/*
 * Scaled dot-product attention, as kernels/ref/attention.c (the semantics
 * to match): for query row i, s_j = scale * q_i . k_j + mask_ij, -inf where
 * causal and j > i + (Sk - Sq); y_i = softmax(s) . v; a row whose scores
 * are all -inf gives y_i = 0. q [.., Sq, D], k [.., Sk, D], v [.., Sk, Dv],
 * mask [.., Sq, Sk], y [.., Sq, Dv] share y's rank with batch dims
 * broadcast by zero strides. Storage dtypes are computed in f32.
 *
 * One work-group per query row, keys in blocks of the work-group size L:
 * work-item t scores key j0 + t, then the group folds the block into an
 * online softmax (running max m, running sum l, output accumulators
 * rescaled by exp(m_old - m_new)). Work-item t owns output columns
 * t, t + L, ... of the row's f32 accumulator in local memory, so Dv is not
 * bounded by private memory. Every work-item computes the block's max and
 * sum itself, in the same order, so all agree without another barrier.
 *
 * Local arguments: sl[L] scores, pl[L] probabilities, acc[Dv].
 * Global: (L * rows), local (L), rows = numel(y) / Dv.
 */

/* Element offset in |t| of batch index |bi|, row-major over y's batch
 * dims. */
long att_batch_off(const ph_view *y, const ph_view *t, long bi) {
  long off = 0;
  for (int d = y->rank - 3; d >= 0; --d) {
    off += (bi % y->shape[d]) * t->strides[d];
    bi /= y->shape[d];
  }
  return off;
}

__kernel void ph_attention(const __global void *q, ph_view qv, const __global void *k, ph_view kv,
                           const __global void *v, ph_view vv, const __global void *mask,
                           ph_view mv, __global void *y, ph_view yv, float scale, int causal,
                           int has_mask, __local float *sl, __local float *pl,
                           __local float *acc) {
  const int r = yv.rank;
  const int t = get_local_id(0), L = get_local_size(0);
  const long row = get_group_id(0);
  const long sq = qv.shape[r - 2], sk = kv.shape[r - 2];
  const long d_count = qv.shape[r - 1], dv_count = vv.shape[r - 1];
  const long bi = row / sq, i = row % sq;
  const long q_row = qv.offset + att_batch_off(&yv, &qv, bi) + i * qv.strides[r - 2];
  const long k_base = kv.offset + att_batch_off(&yv, &kv, bi);
  const long v_base = vv.offset + att_batch_off(&yv, &vv, bi);
  const long m_row =
      has_mask ? mv.offset + att_batch_off(&yv, &mv, bi) + i * mv.strides[r - 2] : 0;
  const long y_row = yv.offset + att_batch_off(&yv, &yv, bi) + i * yv.strides[r - 2];

  for (long e = t; e < dv_count; e += L) acc[e] = 0.0f;
  float m = -INFINITY, l = 0.0f;

  for (long j0 = 0; j0 < sk; j0 += L) {
    const long j = j0 + t;
    const int nb = (int)min((long)L, sk - j0);
    float s = -INFINITY;
    if (j < sk && !(causal && j > i + (sk - sq))) {
      float dot = 0.0f;
      for (long d = 0; d < d_count; ++d)
        dot += ph_loadf(q, qv.dtype, q_row + d * qv.strides[r - 1]) *
               ph_loadf(k, kv.dtype, k_base + j * kv.strides[r - 2] + d * kv.strides[r - 1]);
      s = scale * dot;
      if (has_mask) s += ph_loadf(mask, mv.dtype, m_row + j * mv.strides[r - 1]);
    }
    sl[t] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    float bm = -INFINITY;
    for (int u = 0; u < nb; ++u)
      if (sl[u] > bm) bm = sl[u]; /* NaN never wins, as in the reference */
    const float m_new = max(m, bm);
    /* live: some key so far is unmasked (else there is nothing to add).
     * The barrier stays outside the branch: PoCL mishandles barriers in
     * (uniform) conditionals, crashing or reading out of bounds. */
    const int live = m_new != -INFINITY;
    pl[t] = live && t < nb ? exp(sl[t] - m_new) : 0.0f;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (live) {
      const float corr = exp(m - m_new); /* 0 while m is still -inf */
      float bs = 0.0f;
      for (int u = 0; u < nb; ++u) bs += pl[u];
      l = l * corr + bs;
      for (long e = t; e < dv_count; e += L) {
        float a = acc[e] * corr;
        for (int u = 0; u < nb; ++u)
          a += pl[u] * ph_loadf(v, vv.dtype,
                                v_base + (j0 + u) * vv.strides[r - 2] + e * vv.strides[r - 1]);
        acc[e] = a;
      }
      m = m_new;
    }
    barrier(CLK_LOCAL_MEM_FENCE); /* sl and pl are rewritten next block */
  }

  for (long e = t; e < dv_count; e += L)
    ph_storef(y, yv.dtype, y_row + e * yv.strides[r - 1], m == -INFINITY ? 0.0f : acc[e] / l);
}
