/*
 * Reference 2-D convolution (cross-correlation, as every framework means
 * it), NCHW or NHWC, with stride, asymmetric padding, dilation and groups.
 *
 * NCHW: x [N, C, H, W], w [OC, C/groups, KH, KW], y [N, OC, OH, OW].
 * NHWC: x [N, H, W, C], w [OC, KH, KW, C/groups], y [N, OH, OW, OC].
 * Output channel oc reads input channels g*C/groups .. (g+1)*C/groups - 1,
 * g = oc / (OC/groups). Padding positions contribute nothing.
 *
 * Floating dtypes accumulate in f32: y = act(acc + bias[oc]).
 * int8: x and w are i8, exact integer accumulation, bias f32,
 * y = act(out_scale * acc + bias[oc]) stored to i8 (RNE, saturating) or f32.
 *
 * One unit = one contiguous output row: (n, oc, oh) over OW for NCHW,
 * (n, oh, ow) over OC for NHWC.
 */
#include "dtype.h"
#include "kernel.h"

/* x, w and y seen through logical (n|oc, c, h, w) axes whatever the
 * layout, so the arithmetic below is written once. */
typedef struct conv_geom {
  int64_t c, h, w;       /* input channels and spatial extent */
  int64_t oc, oh, ow;    /* output channels and spatial extent */
  int64_t kh, kw;
  int64_t cg, ocg;       /* channels per group, input and output */
  int64_t xs[4], ws[4], ys[4]; /* strides along (n|oc, c, h, w) */
} conv_geom_t;

/* Physical dim of logical axis (n, c, h, w); the same map serves x, w, y. */
static int conv_dim(uint32_t layout, int axis) {
  static const int nchw[4] = {0, 1, 2, 3}, nhwc[4] = {0, 3, 1, 2};
  return layout == PH_LAYOUT_NHWC ? nhwc[axis] : nchw[axis];
}

/* Fills |g|; 0 when the arguments would make run() divide by zero or
 * index outside the views (the API rejects these before they get here). */
static int conv_geom(const ph_kargs_t *args, conv_geom_t *g) {
  const ph_conv2d_attrs_t *at = (const ph_conv2d_attrs_t *)args->attrs;
  if (at == NULL || args->num_outputs < 1 || args->num_inputs < (at->has_bias ? 3u : 2u))
    return 0;
  const ph_kview_t *x = &args->inputs[0], *w = &args->inputs[1], *y = &args->outputs[0];
  if (x->rank != 4 || w->rank != 4 || y->rank != 4) return 0;
  if (at->has_bias && args->inputs[2].rank != 1) return 0;
  if (at->groups <= 0 || at->stride[0] <= 0 || at->stride[1] <= 0 ||
      at->dilation[0] <= 0 || at->dilation[1] <= 0)
    return 0;
  const uint32_t l = at->layout;
  g->c = x->shape[conv_dim(l, 1)];
  g->h = x->shape[conv_dim(l, 2)];
  g->w = x->shape[conv_dim(l, 3)];
  g->oc = y->shape[conv_dim(l, 1)];
  g->oh = y->shape[conv_dim(l, 2)];
  g->ow = y->shape[conv_dim(l, 3)];
  g->kh = w->shape[conv_dim(l, 2)];
  g->kw = w->shape[conv_dim(l, 3)];
  g->cg = g->c / at->groups;
  g->ocg = g->oc / at->groups;
  if (g->ocg <= 0 && g->oc > 0) return 0;
  for (int i = 0; i < 4; ++i) {
    g->xs[i] = x->strides[conv_dim(l, i)];
    g->ws[i] = w->strides[conv_dim(l, i)];
    g->ys[i] = y->strides[conv_dim(l, i)];
  }
  return 1;
}

static int64_t conv2d_units(const ph_kargs_t *args) {
  conv_geom_t g;
  if (!conv_geom(args, &g)) return 0;
  const ph_conv2d_attrs_t *at = (const ph_conv2d_attrs_t *)args->attrs;
  const int64_t n = args->outputs[0].shape[0];
  return at->layout == PH_LAYOUT_NHWC ? n * g.oh * g.ow : n * g.oc * g.oh;
}

/* One output element y[n, oc, oh, ow]. */
static void conv_point(const ph_kargs_t *args, const conv_geom_t *g, int64_t n,
                       int64_t oc, int64_t oh, int64_t ow) {
  const ph_conv2d_attrs_t *at = (const ph_conv2d_attrs_t *)args->attrs;
  const ph_kview_t *x = &args->inputs[0], *w = &args->inputs[1], *y = &args->outputs[0];
  const int is_int8 = x->dtype == PH_DTYPE_I8 && w->dtype == PH_DTYPE_I8;
  const int64_t c0 = (oc / g->ocg) * g->cg;
  const int64_t ih0 = oh * at->stride[0] - at->pad[0];
  const int64_t iw0 = ow * at->stride[1] - at->pad[1];
  int64_t iacc = 0; /* int8: exact; int64 so no K can overflow it */
  float facc = 0.0f;
  for (int64_t ci = 0; ci < g->cg; ++ci) {
    for (int64_t kh = 0; kh < g->kh; ++kh) {
      const int64_t ih = ih0 + kh * at->dilation[0];
      if (ih < 0 || ih >= g->h) continue;
      for (int64_t kw = 0; kw < g->kw; ++kw) {
        const int64_t iw = iw0 + kw * at->dilation[1];
        if (iw < 0 || iw >= g->w) continue;
        const int64_t xo = n * g->xs[0] + (c0 + ci) * g->xs[1] + ih * g->xs[2] + iw * g->xs[3];
        const int64_t wo = oc * g->ws[0] + ci * g->ws[1] + kh * g->ws[2] + kw * g->ws[3];
        if (is_int8)
          iacc += (int64_t)((const int8_t *)x->data)[xo] * ((const int8_t *)w->data)[wo];
        else
          facc += ph_kload(x->data, x->dtype, xo) * ph_kload(w->data, w->dtype, wo);
      }
    }
  }
  float v = is_int8 ? at->out_scale * (float)iacc : facc;
  if (at->has_bias) {
    const ph_kview_t *b = &args->inputs[2];
    v += ph_kload(b->data, b->dtype, oc * b->strides[0]);
  }
  if (at->activation == PH_ACT_RELU && v < 0.0f) v = 0.0f; /* NaN stays NaN */
  const int64_t yo = n * g->ys[0] + oc * g->ys[1] + oh * g->ys[2] + ow * g->ys[3];
  ph_kstore(y->data, y->dtype, yo, v);
}

static ph_status_t conv2d_run(const ph_kargs_t *args, int64_t begin, int64_t end) {
  conv_geom_t g;
  if (!conv_geom(args, &g)) return PH_ERROR_INVALID_ARGUMENT;
  const ph_conv2d_attrs_t *at = (const ph_conv2d_attrs_t *)args->attrs;
  if (g.oc <= 0 || g.oh <= 0 || g.ow <= 0) return PH_OK;
  for (int64_t u = begin; u < end; ++u) {
    if (at->layout == PH_LAYOUT_NHWC) {
      const int64_t ow = u % g.ow, oh = (u / g.ow) % g.oh, n = u / g.ow / g.oh;
      for (int64_t oc = 0; oc < g.oc; ++oc) conv_point(args, &g, n, oc, oh, ow);
    } else {
      const int64_t oh = u % g.oh, oc = (u / g.oh) % g.oc, n = u / g.oh / g.oc;
      for (int64_t ow = 0; ow < g.ow; ++ow) conv_point(args, &g, n, oc, oh, ow);
    }
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_conv2d = {PH_OP_CONV2D, ph_kcaps_float_i8, conv2d_units, conv2d_run};
