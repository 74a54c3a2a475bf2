/*
 * Independent fp64 reference for ph_op_conv2d (cross-correlation), from
 * polyhal.h: NCHW x [N,C,H,W], w [OC,C/g,KH,KW], y [N,OC,OH,OW]; NHWC x
 * [N,H,W,C], w [OC,KH,KW,C/g], y [N,OH,OW,OC]. Taps that fall in the
 * padding contribute nothing. int8: y = act(out_scale * acc + bias).
 */
#include <math.h>

#include "ref.h"

void phc_ref_conv2d(const phc_tensor_t *x, const phc_tensor_t *w, const phc_tensor_t *bias,
                    const ph_conv2d_attrs_t *at, const int64_t *y_shape, double *y,
                    double *scale) {
  const bool nhwc = at->layout == PH_LAYOUT_NHWC;
  const int64_t N = x->t.shape[0];
  const int64_t C = nhwc ? x->t.shape[3] : x->t.shape[1];
  const int64_t H = nhwc ? x->t.shape[1] : x->t.shape[2];
  const int64_t W = nhwc ? x->t.shape[2] : x->t.shape[3];
  const int64_t OC = w->t.shape[0];
  const int64_t KH = nhwc ? w->t.shape[1] : w->t.shape[2];
  const int64_t KW = nhwc ? w->t.shape[2] : w->t.shape[3];
  const int64_t OH = nhwc ? y_shape[1] : y_shape[2];
  const int64_t OW = nhwc ? y_shape[2] : y_shape[3];
  const int64_t G = at->groups, CG = C / G, OCG = OC / G;
  const double mul = x->t.dtype == PH_DTYPE_I8 ? (double)at->out_scale : 1.0;

  for (int64_t n = 0; n < N; ++n)
    for (int64_t oc = 0; oc < OC; ++oc)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          const int64_t g = oc / OCG;
          double acc = 0.0, mag = 0.0;
          for (int64_t ci = 0; ci < CG; ++ci)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                const int64_t ih = oh * at->stride[0] - at->pad[0] + kh * at->dilation[0];
                const int64_t iw = ow * at->stride[1] - at->pad[1] + kw * at->dilation[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                const int64_t c = g * CG + ci;
                const double xv = nhwc ? x->host[((n * H + ih) * W + iw) * C + c]
                                       : x->host[((n * C + c) * H + ih) * W + iw];
                const double wv = nhwc ? w->host[((oc * KH + kh) * KW + kw) * CG + ci]
                                       : w->host[((oc * CG + ci) * KH + kh) * KW + kw];
                acc += xv * wv;
                mag += fabs(xv * wv);
              }
          double v = mul * acc;
          mag *= fabs(mul);
          if (bias != NULL) {
            v += bias->host[oc];
            mag += fabs(bias->host[oc]);
          }
          const int64_t o = nhwc ? ((n * OH + oh) * OW + ow) * OC + oc
                                 : ((n * OC + oc) * OH + oh) * OW + ow;
          y[o] = phc_ref_activation(at->activation, v);
          if (scale != NULL) scale[o] = mag;
        }
}
