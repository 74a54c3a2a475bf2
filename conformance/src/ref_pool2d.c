/*
 * Independent fp64 reference for ph_op_pool2d, from polyhal.h: max or
 * average over a KH x KW window moved by the stride over the input padded
 * by (top, left, bottom, right). Padding never wins a max; an average
 * divides by the in-bounds count, or with count_include_pad by the full
 * window (the API's OH formula keeps every window inside the padded
 * extent, so "full window" is KH * KW). |scale| (nullable) gets the
 * average of |x| over the same window, for a relative tolerance.
 */
#include <math.h>

#include "ref.h"

void phc_ref_pool2d(const phc_tensor_t *x, const ph_pool2d_attrs_t *at, const int64_t *y_shape,
                    double *y, double *scale) {
  const bool nhwc = at->layout == PH_LAYOUT_NHWC;
  const int64_t N = x->t.shape[0];
  const int64_t C = nhwc ? x->t.shape[3] : x->t.shape[1];
  const int64_t H = nhwc ? x->t.shape[1] : x->t.shape[2];
  const int64_t W = nhwc ? x->t.shape[2] : x->t.shape[3];
  const int64_t OH = nhwc ? y_shape[1] : y_shape[2];
  const int64_t OW = nhwc ? y_shape[2] : y_shape[3];
  const int64_t KH = at->kernel[0], KW = at->kernel[1];

  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double best = -INFINITY, sum = 0.0, mag = 0.0;
          int64_t count = 0;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              const int64_t ih = oh * at->stride[0] - at->pad[0] + kh;
              const int64_t iw = ow * at->stride[1] - at->pad[1] + kw;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              const double v = nhwc ? x->host[((n * H + ih) * W + iw) * C + c]
                                    : x->host[((n * C + c) * H + ih) * W + iw];
              if (v > best) best = v;
              sum += v;
              mag += fabs(v);
              ++count;
            }
          const int64_t o = nhwc ? ((n * OH + oh) * OW + ow) * C + c
                                 : ((n * C + c) * OH + oh) * OW + ow;
          const double div = (double)(at->count_include_pad ? KH * KW : count);
          y[o] = at->mode == PH_POOL_MAX ? best : sum / div;
          if (scale != NULL) scale[o] = mag / div;
        }
}
