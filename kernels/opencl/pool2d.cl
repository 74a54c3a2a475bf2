/*
 * 2-D max / average pooling, NCHW or NHWC, as kernels/ref/pool2d.c (the
 * semantics to match): the window is clipped to the input; padding never
 * takes part in a max (a NaN in the window propagates); average sums in f32
 * in (ih, iw) order and divides by the in-bounds count, or with
 * count_include_pad by the window positions inside the padded extent
 * [-top, H+bottom) x [-left, W+right); an empty window gives 0 (average) or
 * -inf (max, saturated to -128 for i8). Stores go through ph_storef, so an
 * i8 average rounds to nearest even and saturates, as the reference's
 * ph_kstore does.
 *
 * One work-item per output element: global (OW, OH, N * C).
 */

/* Physical dim of logical axis (n, c, h, w). */
int pool_dim(int layout, int axis) {
  if (layout == 1) return axis == 0 ? 0 : axis == 1 ? 3 : axis - 1;
  return axis;
}

__kernel void ph_pool2d(const __global void *x, ph_view xv, __global void *y, ph_view yv,
                        int mode, int layout, long kh, long kw, long sh, long sw, long pt,
                        long pl, long pb, long pr, int include_pad) {
  const long C = xv.shape[pool_dim(layout, 1)], H = xv.shape[pool_dim(layout, 2)],
             W = xv.shape[pool_dim(layout, 3)];
  const long OH = yv.shape[pool_dim(layout, 2)], OW = yv.shape[pool_dim(layout, 3)];
  const long ow = get_global_id(0), oh = get_global_id(1), nc = get_global_id(2);
  if (ow >= OW || oh >= OH || nc >= yv.shape[0] * C) return;
  const long n = nc / C, c = nc % C;
  const long xs0 = xv.strides[pool_dim(layout, 0)], xs1 = xv.strides[pool_dim(layout, 1)];
  const long xs2 = xv.strides[pool_dim(layout, 2)], xs3 = xv.strides[pool_dim(layout, 3)];
  const long h0 = oh * sh - pt, h1 = h0 + kh, w0 = ow * sw - pl, w1 = w0 + kw;
  const long hb = max(h0, 0L), he = min(h1, H), wb = max(w0, 0L), we = min(w1, W);
  const long base = xv.offset + n * xs0 + c * xs1;
  float v;
  if (mode == 0) {
    v = -INFINITY;
    for (long ih = hb; ih < he; ++ih)
      for (long iw = wb; iw < we; ++iw) {
        const float e = ph_loadf(x, xv.dtype, base + ih * xs2 + iw * xs3);
        if (e > v || isnan(e)) v = e; /* once NaN, nothing compares above it */
      }
  } else {
    float sum = 0.0f;
    for (long ih = hb; ih < he; ++ih)
      for (long iw = wb; iw < we; ++iw) sum += ph_loadf(x, xv.dtype, base + ih * xs2 + iw * xs3);
    long count = max(he - hb, 0L) * max(we - wb, 0L);
    if (include_pad) count = max(min(h1, H + pb) - h0, 0L) * max(min(w1, W + pr) - w0, 0L);
    v = count > 0 ? sum / (float)count : 0.0f;
  }
  ph_storef(y, yv.dtype,
            yv.offset + n * yv.strides[pool_dim(layout, 0)] + c * yv.strides[pool_dim(layout, 1)] +
                oh * yv.strides[pool_dim(layout, 2)] + ow * yv.strides[pool_dim(layout, 3)],
            v);
}
