/*
 * Direct 2-D convolution (cross-correlation), NCHW or NHWC, stride,
 * asymmetric padding, dilation, groups (depthwise included), bias, relu and
 * int8, as kernels/ref/conv2d.c (the semantics to match).
 *
 * NCHW: x [N, C, H, W], w [OC, C/groups, KH, KW], y [N, OC, OH, OW].
 * NHWC: x [N, H, W, C], w [OC, KH, KW, C/groups], y [N, OH, OW, OC].
 * Every tensor is read through its view's strides along logical
 * (n|oc, c, h, w) axes, so one kernel serves both layouts and any strides.
 *
 * Output tiling: a work-item computes CONV_OCT output channels (of one
 * group) x CONV_OWT adjacent output columns of one output row, so each
 * input value loaded serves CONV_OCT channels and each weight CONV_OWT
 * columns. Weights are not staged in local memory (left for the autotune
 * issue; on PoCL, the only device here, local memory is ordinary cache).
 * Padding positions are skipped, not multiplied by zero, as the reference
 * does (an inf weight meets no padding).
 *
 * Floating dtypes accumulate in f32 in the reference's (ci, kh, kw) order.
 * int8: products are at most 2^14, so an int sum of one input channel's
 * KH*KW terms is exact while KH*KW < 2^17; each channel's sum is added to a
 * long, so the total is exact for any channel count.
 *
 * Global: (ceil(OW/CONV_OWT), OH, N * groups * ceil((OC/groups)/CONV_OCT)).
 * Tunables: see conv2d_direct.tunables.
 */
#ifndef CONV_OCT
#define CONV_OCT 4
#endif
#ifndef CONV_OWT
#define CONV_OWT 4
#endif

/* Physical dim of logical axis (n, c, h, w). */
int conv_dim(int layout, int axis) {
  if (layout == 1) return axis == 0 ? 0 : axis == 1 ? 3 : axis - 1;
  return axis;
}

typedef struct conv_geom {
  long c, h, w, oc, oh, ow, kh, kw, cg, ocg;
  long xs[4], ws[4], ys[4];
} conv_geom;

void conv_fill(conv_geom *g, int layout, const ph_view *xv, const ph_view *wv,
               const ph_view *yv, long groups) {
  g->c = xv->shape[conv_dim(layout, 1)];
  g->h = xv->shape[conv_dim(layout, 2)];
  g->w = xv->shape[conv_dim(layout, 3)];
  g->oc = yv->shape[conv_dim(layout, 1)];
  g->oh = yv->shape[conv_dim(layout, 2)];
  g->ow = yv->shape[conv_dim(layout, 3)];
  g->kh = wv->shape[conv_dim(layout, 2)];
  g->kw = wv->shape[conv_dim(layout, 3)];
  g->cg = g->c / groups;
  g->ocg = g->oc / groups;
  for (int i = 0; i < 4; ++i) {
    g->xs[i] = xv->strides[conv_dim(layout, i)];
    g->ws[i] = wv->strides[conv_dim(layout, i)];
    g->ys[i] = yv->strides[conv_dim(layout, i)];
  }
}

__kernel void ph_conv2d_direct(const __global void *x, ph_view xv, const __global void *w,
                               ph_view wv, const __global void *bias, ph_view biasv,
                               __global void *y, ph_view yv, int layout, long sh, long sw,
                               long pt, long pl, long dh, long dw, long groups, int act,
                               int has_bias, float out_scale) {
  conv_geom g;
  conv_fill(&g, layout, &xv, &wv, &yv, groups);
  const long ocb_count = (g.ocg + CONV_OCT - 1) / CONV_OCT;
  const long ow0 = (long)get_global_id(0) * CONV_OWT, oh = get_global_id(1);
  long z = get_global_id(2);
  const long ocb = z % ocb_count;
  z /= ocb_count;
  const long grp = z % groups, n = z / groups;
  if (ow0 >= g.ow || oh >= g.oh || n >= yv.shape[0]) return;
  const long oc0 = grp * g.ocg + ocb * CONV_OCT;
  const int noc = (int)min((long)CONV_OCT, g.ocg - ocb * CONV_OCT);
  const int now = (int)min((long)CONV_OWT, g.ow - ow0);
  const long xb = xv.offset + n * g.xs[0] + grp * g.cg * g.xs[1];
  const long wb = wv.offset + oc0 * g.ws[0];
  const long ih0 = oh * sh - pt;
  const int is_int8 = xv.dtype == PH_DTYPE_I8 && wv.dtype == PH_DTYPE_I8;

  float out[CONV_OCT][CONV_OWT];
  if (is_int8) {
    const __global char *xp = (const __global char *)x, *wp = (const __global char *)w;
    long total[CONV_OCT][CONV_OWT];
    for (int o = 0; o < CONV_OCT; ++o)
      for (int t = 0; t < CONV_OWT; ++t) total[o][t] = 0;
    for (long ci = 0; ci < g.cg; ++ci) {
      int acc[CONV_OCT][CONV_OWT];
      for (int o = 0; o < CONV_OCT; ++o)
        for (int t = 0; t < CONV_OWT; ++t) acc[o][t] = 0;
      for (long kh = 0; kh < g.kh; ++kh) {
        const long ih = ih0 + kh * dh;
        if (ih < 0 || ih >= g.h) continue;
        for (long kw = 0; kw < g.kw; ++kw) {
          int xr[CONV_OWT], ok[CONV_OWT];
          for (int t = 0; t < CONV_OWT; ++t) {
            const long iw = (ow0 + t) * sw - pl + kw * dw;
            ok[t] = t < now && iw >= 0 && iw < g.w;
            xr[t] = ok[t] ? (int)xp[xb + ci * g.xs[1] + ih * g.xs[2] + iw * g.xs[3]] : 0;
          }
          for (int o = 0; o < noc; ++o) {
            const int wr = (int)wp[wb + o * g.ws[0] + ci * g.ws[1] + kh * g.ws[2] + kw * g.ws[3]];
            for (int t = 0; t < CONV_OWT; ++t) acc[o][t] += wr * xr[t];
          }
        }
      }
      for (int o = 0; o < CONV_OCT; ++o)
        for (int t = 0; t < CONV_OWT; ++t) total[o][t] += acc[o][t];
    }
    for (int o = 0; o < CONV_OCT; ++o)
      for (int t = 0; t < CONV_OWT; ++t) out[o][t] = out_scale * (float)total[o][t];
  } else {
    for (int o = 0; o < CONV_OCT; ++o)
      for (int t = 0; t < CONV_OWT; ++t) out[o][t] = 0.0f;
    for (long ci = 0; ci < g.cg; ++ci) {
      for (long kh = 0; kh < g.kh; ++kh) {
        const long ih = ih0 + kh * dh;
        if (ih < 0 || ih >= g.h) continue;
        for (long kw = 0; kw < g.kw; ++kw) {
          float xr[CONV_OWT];
          int ok[CONV_OWT];
          for (int t = 0; t < CONV_OWT; ++t) {
            const long iw = (ow0 + t) * sw - pl + kw * dw;
            ok[t] = t < now && iw >= 0 && iw < g.w;
            xr[t] = ok[t] ? ph_loadf(x, xv.dtype, xb + ci * g.xs[1] + ih * g.xs[2] + iw * g.xs[3])
                          : 0.0f;
          }
          for (int o = 0; o < noc; ++o) {
            const float wr = ph_loadf(
                w, wv.dtype, wb + o * g.ws[0] + ci * g.ws[1] + kh * g.ws[2] + kw * g.ws[3]);
            for (int t = 0; t < CONV_OWT; ++t)
              if (ok[t]) out[o][t] += wr * xr[t];
          }
        }
      }
    }
  }

  for (int o = 0; o < noc; ++o) {
    const long oc = oc0 + o;
    const float b =
        has_bias ? ph_loadf(bias, biasv.dtype, biasv.offset + oc * biasv.strides[0]) : 0.0f;
    for (int t = 0; t < now; ++t) {
      float v = out[o][t];
      if (has_bias) v += b;
      if (act == 1 && v < 0.0f) v = 0.0f; /* NaN stays NaN */
      ph_storef(y, yv.dtype,
                yv.offset + n * g.ys[0] + oc * g.ys[1] + oh * g.ys[2] + (ow0 + t) * g.ys[3], v);
    }
  }
}
