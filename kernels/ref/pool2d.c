/*
 * Reference 2-D pooling, NCHW or NHWC: max or average over a KH x KW window
 * moved by the stride over the input padded by (top, left, bottom, right).
 *
 * Padding positions never take part in a max (a NaN inside the window
 * propagates). Average sums the in-bounds elements in f32 and divides by
 * their number, or with count_include_pad by the number of window positions
 * inside the padded extent [-top, H+bottom) x [-left, W+right) (PyTorch's
 * rule: the window may overhang the padding at the far edge). A window with
 * nothing to count gives 0 for average and -inf (saturated for i8) for max,
 * the empty sum and the empty max. Results are stored with ph_kstore, so
 * an i8 average rounds to nearest even.
 *
 * One unit = one contiguous output row: (n, c, oh) over OW for NCHW,
 * (n, oh, ow) over C for NHWC.
 */
#include <math.h>

#include "dtype.h"
#include "kernel.h"

/* x and y through logical (n, c, h, w) axes, whatever the layout. */
typedef struct pool_geom {
  int64_t c, h, w, oh, ow;
  int64_t xs[4], ys[4]; /* strides along (n, c, h, w) */
} pool_geom_t;

static int pool_dim(uint32_t layout, int axis) {
  static const int nchw[4] = {0, 1, 2, 3}, nhwc[4] = {0, 3, 1, 2};
  return layout == PH_LAYOUT_NHWC ? nhwc[axis] : nchw[axis];
}

/* Fills |g|; 0 for arguments run() could not survive (the API rejects
 * them before they get here). */
static int pool_geom(const ph_kargs_t *args, pool_geom_t *g) {
  const ph_pool2d_attrs_t *at = (const ph_pool2d_attrs_t *)args->attrs;
  if (at == NULL || args->num_inputs < 1 || args->num_outputs < 1) return 0;
  const ph_kview_t *x = &args->inputs[0], *y = &args->outputs[0];
  if (x->rank != 4 || y->rank != 4) return 0;
  if (at->stride[0] <= 0 || at->stride[1] <= 0 || at->kernel[0] < 0 || at->kernel[1] < 0)
    return 0;
  g->c = x->shape[pool_dim(at->layout, 1)];
  g->h = x->shape[pool_dim(at->layout, 2)];
  g->w = x->shape[pool_dim(at->layout, 3)];
  g->oh = y->shape[pool_dim(at->layout, 2)];
  g->ow = y->shape[pool_dim(at->layout, 3)];
  for (int i = 0; i < 4; ++i) {
    g->xs[i] = x->strides[pool_dim(at->layout, i)];
    g->ys[i] = y->strides[pool_dim(at->layout, i)];
  }
  return 1;
}

static int64_t pool2d_units(const ph_kargs_t *args) {
  pool_geom_t g;
  if (!pool_geom(args, &g)) return 0;
  const ph_pool2d_attrs_t *at = (const ph_pool2d_attrs_t *)args->attrs;
  const int64_t n = args->outputs[0].shape[0];
  return at->layout == PH_LAYOUT_NHWC ? n * g.oh * g.ow : n * g.c * g.oh;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* One output element y[n, c, oh, ow]. */
static void pool_point(const ph_kargs_t *args, const pool_geom_t *g, int64_t n,
                       int64_t c, int64_t oh, int64_t ow) {
  const ph_pool2d_attrs_t *at = (const ph_pool2d_attrs_t *)args->attrs;
  const ph_kview_t *x = &args->inputs[0], *y = &args->outputs[0];
  /* The window in input coordinates, then clipped to the input. */
  const int64_t h0 = oh * at->stride[0] - at->pad[0], h1 = h0 + at->kernel[0];
  const int64_t w0 = ow * at->stride[1] - at->pad[1], w1 = w0 + at->kernel[1];
  const int64_t hb = max64(h0, 0), he = min64(h1, g->h);
  const int64_t wb = max64(w0, 0), we = min64(w1, g->w);
  float v;
  if (at->mode == PH_POOL_MAX) {
    v = -INFINITY;
    for (int64_t ih = hb; ih < he; ++ih)
      for (int64_t iw = wb; iw < we; ++iw) {
        const float e = ph_kload(x->data, x->dtype,
                                 n * g->xs[0] + c * g->xs[1] + ih * g->xs[2] + iw * g->xs[3]);
        if (e > v || isnan(e)) v = e; /* once NaN, nothing compares above it */
      }
  } else {
    float sum = 0.0f;
    for (int64_t ih = hb; ih < he; ++ih)
      for (int64_t iw = wb; iw < we; ++iw)
        sum += ph_kload(x->data, x->dtype,
                        n * g->xs[0] + c * g->xs[1] + ih * g->xs[2] + iw * g->xs[3]);
    int64_t count = max64(he - hb, 0) * max64(we - wb, 0);
    if (at->count_include_pad)
      count = max64(min64(h1, g->h + at->pad[2]) - h0, 0) *
              max64(min64(w1, g->w + at->pad[3]) - w0, 0);
    v = count > 0 ? sum / (float)count : 0.0f;
  }
  ph_kstore(y->data, y->dtype, n * g->ys[0] + c * g->ys[1] + oh * g->ys[2] + ow * g->ys[3], v);
}

static ph_status_t pool2d_run(const ph_kargs_t *args, int64_t begin, int64_t end) {
  pool_geom_t g;
  if (!pool_geom(args, &g)) return PH_ERROR_INVALID_ARGUMENT;
  const ph_pool2d_attrs_t *at = (const ph_pool2d_attrs_t *)args->attrs;
  if (g.c <= 0 || g.oh <= 0 || g.ow <= 0) return PH_OK;
  for (int64_t u = begin; u < end; ++u) {
    if (at->layout == PH_LAYOUT_NHWC) {
      const int64_t ow = u % g.ow, oh = (u / g.ow) % g.oh, n = u / g.ow / g.oh;
      for (int64_t c = 0; c < g.c; ++c) pool_point(args, &g, n, c, oh, ow);
    } else {
      const int64_t oh = u % g.oh, c = (u / g.oh) % g.c, n = u / g.oh / g.c;
      for (int64_t ow = 0; ow < g.ow; ++ow) pool_point(args, &g, n, c, oh, ow);
    }
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_pool2d = {PH_OP_POOL2D, ph_kcaps_float_i8, pool2d_units, pool2d_run};
