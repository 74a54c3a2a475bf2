/*
 * conv2d conformance: f32, f16, bf16 and i8 (y i8 or f32), NCHW and NHWC,
 * 1x1/3x3/5x5 kernels, strides 1/2, asymmetric pads, dilation 2, groups
 * 1/2/depthwise, bias, relu, odd spatial sizes, strided input views, and
 * integer-valued inputs that must match exactly. Exactness follows
 * op_matmul.c's reasoning: integer sums within the output dtype's exact
 * integer range, and for int8 a power-of-two out_scale with biases in
 * multiples of 1/8 so every f32 step is exact and the one rounding to i8
 * (ties included) matches the reference's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ref.h"

enum {
  P_N, P_C, P_H, P_W, P_OC, P_KH, P_KW, P_SH, P_SW, P_PT, P_PL, P_PB, P_PR, P_DH, P_DW, P_G,
  P_LAYOUT, P_BIAS, P_ACT, P_XLAY, P_EXACT, P_YDT
};

static int64_t int_range(uint32_t dt) { return dt == PH_DTYPE_BF16 ? 2 : 4; }
static double int_limit(uint32_t dt) {
  return dt == PH_DTYPE_BF16 ? 256.0 : dt == PH_DTYPE_F16 ? 2048.0 : 16777216.0;
}

static void run_conv2d(phc_ctx_t *ctx, const phc_case_t *c) {
  const uint32_t dt = c->dtype;
  const bool int8 = dt == PH_DTYPE_I8;
  const uint32_t ydt = int8 ? (uint32_t)c->p[P_YDT] : dt;
  const phc_layout_t xlay = (phc_layout_t)c->p[P_XLAY];
  if (!phc_require_op(ctx, PH_OP_CONV2D, dt, xlay != PHC_DENSE)) return;

  ph_conv2d_attrs_t at = ph_conv2d_attrs_default();
  at.layout = (uint32_t)c->p[P_LAYOUT];
  at.stride[0] = c->p[P_SH];
  at.stride[1] = c->p[P_SW];
  at.pad[0] = c->p[P_PT];
  at.pad[1] = c->p[P_PL];
  at.pad[2] = c->p[P_PB];
  at.pad[3] = c->p[P_PR];
  at.dilation[0] = c->p[P_DH];
  at.dilation[1] = c->p[P_DW];
  at.groups = c->p[P_G];
  at.activation = (uint32_t)c->p[P_ACT];
  const bool nhwc = at.layout == PH_LAYOUT_NHWC, has_bias = c->p[P_BIAS] != 0;
  const int64_t N = c->p[P_N], C = c->p[P_C], H = c->p[P_H], W = c->p[P_W], OC = c->p[P_OC];
  const int64_t KH = c->p[P_KH], KW = c->p[P_KW], CG = C / at.groups;
  const int64_t OH = (H + at.pad[0] + at.pad[2] - at.dilation[0] * (KH - 1) - 1) / at.stride[0] + 1;
  const int64_t OW = (W + at.pad[1] + at.pad[3] - at.dilation[1] * (KW - 1) - 1) / at.stride[1] + 1;
  const int64_t K = CG * KH * KW; /* the dot product's length */
  const int64_t xsh[4] = {N, nhwc ? H : C, nhwc ? W : H, nhwc ? C : W};
  const int64_t wsh[4] = {OC, nhwc ? KH : CG, nhwc ? KW : KH, nhwc ? CG : KW};
  const int64_t ysh[4] = {N, nhwc ? OH : OC, nhwc ? OW : OH, nhwc ? OC : OW};

  phc_tensor_t x = {0}, w = {0}, bias = {0}, y = {0};
  double *ref = NULL, *scale = NULL;
  if (!phc_tensor(ctx, &x, dt, 4, xsh, xlay) || !phc_tensor(ctx, &w, dt, 4, wsh, PHC_DENSE) ||
      !phc_tensor(ctx, &y, ydt, 4, ysh, PHC_DENSE))
    goto done;
  if (has_bias && !phc_tensor(ctx, &bias, int8 ? PH_DTYPE_F32 : dt, 1, &OC, PHC_DENSE)) goto done;

  const bool exact = int8 || c->p[P_EXACT];
  if (int8) {
    if (!phc_fill_int(ctx, &x, -128, 127) || !phc_fill_int(ctx, &w, -128, 127)) goto done;
    /* Power of two putting the typical |acc| (std ~ 5461 sqrt K) near 96,
     * so outputs spread over i8 and the tails saturate. */
    at.out_scale = (float)ldexp(1.0, (int)lround(log2(96.0 / (5461.0 * sqrt((double)K)))));
    if (has_bias) {
      if (!phc_fill_int(ctx, &bias, -256, 256)) goto done;
      for (int64_t i = 0; i < OC; ++i) bias.host[i] /= 8.0;
      if (!phc_upload(ctx, &bias)) goto done;
    }
  } else if (exact) {
    const int64_t r = int_range(dt);
    const double bound = (double)K * (double)(r * r) + (has_bias ? (double)r : 0.0);
    if (bound > int_limit(dt)) {
      phc_fail(ctx, "case design: integer bound %.0f exceeds %s's exact range", bound,
               ph_dtype_name(dt));
      goto done;
    }
    if (!phc_fill_int(ctx, &x, -r, r) || !phc_fill_int(ctx, &w, -r, r)) goto done;
    if (has_bias && !phc_fill_int(ctx, &bias, -r, r)) goto done;
  } else {
    if (!phc_fill_uniform(ctx, &x, -1.0, 1.0) || !phc_fill_uniform(ctx, &w, -1.0, 1.0)) goto done;
    if (has_bias && !phc_fill_uniform(ctx, &bias, -1.0, 1.0)) goto done;
  }

  if (!phc_ok(ctx, ph_op_conv2d(ctx->stream, &x.t, &w.t, has_bias ? &bias.t : NULL, &y.t, &at),
              "ph_op_conv2d"))
    goto done;

  ref = malloc((size_t)y.numel * sizeof *ref);
  scale = malloc((size_t)y.numel * sizeof *scale);
  if (ref == NULL || scale == NULL) {
    phc_fail(ctx, "out of host memory");
    goto done;
  }
  phc_ref_conv2d(&x, &w, has_bias ? &bias : NULL, &at, ysh, ref, scale);
  phc_tol_t tol;
  if (exact) {
    for (int64_t i = 0; i < y.numel; ++i) ref[i] = phc_round_to(ydt, ref[i]);
    tol = phc_tolerance(PHC_TOL_EXACT, ydt, 0);
  } else {
    tol = phc_tolerance(PHC_TOL_DOT, ydt, K);
  }
  phc_check_tensor(ctx, &y, ref, tol.scale_rel != 0.0 ? scale : NULL, tol);

done:
  free(ref);
  free(scale);
  phc_tensor_free(&x);
  phc_tensor_free(&w);
  phc_tensor_free(&bias);
  phc_tensor_free(&y);
}

typedef struct conv_spec {
  int64_t n, c, h, w, oc, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g;
} conv_spec_t;

static void add(phc_suite_t *s, uint32_t profile, uint32_t dt, uint32_t ydt, uint32_t layout,
                const conv_spec_t *k, int bias, int act, int xlay, int exact) {
  phc_case_t c = {0};
  static const char *const lay_names[] = {"", ".padded", ".reversed"};
  char ydesc[8] = "";
  if (dt == PH_DTYPE_I8) snprintf(ydesc, sizeof ydesc, "y%s.", ph_dtype_name(ydt));
  phc_name(&c, "op.conv2d.%s.%s%s.n%lldc%lldh%lldw%lld.oc%lld.k%lldx%lld.s%lld%lld.p%lld%lld%lld%lld"
               ".d%lld%lld.g%lld%s%s%s%s",
           ph_dtype_name(dt), ydesc, layout == PH_LAYOUT_NHWC ? "nhwc" : "nchw", (long long)k->n,
           (long long)k->c, (long long)k->h, (long long)k->w, (long long)k->oc, (long long)k->kh,
           (long long)k->kw, (long long)k->sh, (long long)k->sw, (long long)k->pt, (long long)k->pl,
           (long long)k->pb, (long long)k->pr, (long long)k->dh, (long long)k->dw, (long long)k->g,
           bias ? ".bias" : "", act ? ".relu" : "", exact && dt != PH_DTYPE_I8 ? ".int" : "",
           lay_names[xlay]);
  c.op = PH_OP_CONV2D;
  c.dtype = dt;
  c.profile = profile;
  c.run = run_conv2d;
  const int64_t v[] = {k->n, k->c, k->h, k->w, k->oc, k->kh, k->kw, k->sh, k->sw, k->pt, k->pl,
                       k->pb, k->pr, k->dh, k->dw, k->g};
  for (int i = 0; i <= P_G; ++i) c.p[i] = v[i];
  c.p[P_LAYOUT] = layout;
  c.p[P_BIAS] = bias;
  c.p[P_ACT] = act ? PH_ACT_RELU : PH_ACT_NONE;
  c.p[P_XLAY] = xlay;
  c.p[P_EXACT] = exact;
  c.p[P_YDT] = ydt;
  phc_add(s, &c);
}

static void register_dtype(phc_suite_t *s, uint32_t dt, uint32_t ydt) {
  const uint32_t Q = PHC_QUICK, F = PHC_FULL, NCHW = PH_LAYOUT_NCHW, NHWC = PH_LAYOUT_NHWC;
  const bool i8 = dt == PH_DTYPE_I8;
  /* Integer-valued float cases keep K = C/g * KH * KW within the dtype's
   * exact range: <= 60 (r = 2) for bf16, <= 127 (r = 4) for f16. */
  /* Quick: a few small cases covering the main features. */
  {
    const conv_spec_t a = {1, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const conv_spec_t b = {2, 4, 9, 7, 6, 3, 3, 2, 2, 1, 0, 2, 1, 1, 1, 2};
    const conv_spec_t d = {1, 4, 13, 11, 8, 5, 5, 1, 1, 2, 3, 1, 2, 2, 2, 4};
    const conv_spec_t e = {2, 6, 7, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1};
    add(s, Q, dt, ydt, NCHW, &a, 1, 0, PHC_DENSE, 0);
    add(s, Q, dt, ydt, NHWC, &b, 0, 1, PHC_DENSE, 0);
    if (!i8 || ydt == PH_DTYPE_I8) {
      add(s, Q, dt, ydt, NCHW, &d, 1, 0, PHC_DENSE, 0);
      add(s, Q, dt, ydt, NHWC, &e, 1, 0, PHC_PADDED, 1);
    }
  }
  /* Full: layout x kernel x stride x pads x groups. */
  static const int64_t ks[] = {1, 3, 5};
  static const int64_t gs[] = {1, 2, 4}; /* 4 == C: depthwise */
  for (int lay = 0; lay < 2; ++lay)
    for (int ki = 0; ki < 3; ++ki)
      for (int st = 1; st <= 2; ++st)
        for (int pi = 0; pi < 2; ++pi)
          for (int gi = 0; gi < 3; ++gi) {
            const int64_t kk = ks[ki];
            /* Asymmetric pads below the kernel's extent. */
            const int64_t pt = pi ? kk / 2 : 0, pl = pi ? kk - 1 : 0, pb = pi ? (kk > 1 ? 1 : 0) : 0,
                          pr = pi ? kk / 2 + (kk > 1 ? 1 : 0) : 0;
            const conv_spec_t k = {2, 4, 13, 11, gs[gi] == 4 ? 8 : 6, kk, kk, st, st, pt, pl, pb, pr,
                                   1, 1, gs[gi]};
            add(s, F, dt, ydt, lay ? NHWC : NCHW, &k, (ki + gi) % 2, (st + pi) % 2, PHC_DENSE, 0);
          }
  /* Dilation 2, mixed strides, odd sizes, each layout. */
  for (int lay = 0; lay < 2; ++lay) {
    const conv_spec_t d1 = {1, 3, 13, 11, 5, 3, 3, 1, 2, 2, 1, 0, 3, 2, 2, 1};
    const conv_spec_t d2 = {2, 6, 9, 13, 6, 3, 5, 2, 1, 1, 2, 2, 0, 2, 1, 3};
    const conv_spec_t d3 = {1, 4, 11, 9, 4, 5, 3, 1, 1, 4, 2, 4, 2, 2, 2, 4};
    add(s, F, dt, ydt, lay ? NHWC : NCHW, &d1, 1, 1, PHC_DENSE, 0);
    add(s, F, dt, ydt, lay ? NHWC : NCHW, &d2, 0, 0, PHC_DENSE, 0);
    add(s, F, dt, ydt, lay ? NHWC : NCHW, &d3, 1, 0, PHC_DENSE, 0);
    /* Strided input views. */
    const conv_spec_t v1 = {2, 4, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2};
    add(s, F, dt, ydt, lay ? NHWC : NCHW, &v1, 1, 1, PHC_PADDED, 0);
    add(s, F, dt, ydt, lay ? NHWC : NCHW, &v1, 0, 0, PHC_REVERSED, 0);
    /* Larger: 32 channels (K = 288). */
    const conv_spec_t big = {2, 32, 15, 17, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    add(s, F, dt, ydt, lay ? NHWC : NCHW, &big, 1, 0, PHC_DENSE, 0);
    /* Integer-valued, exact (K <= 60: fits bf16 with r = 2 too). */
    if (!i8) {
      const conv_spec_t x1 = {2, 6, 13, 11, 4, 3, 3, 2, 1, 1, 0, 2, 1, 1, 1, 1};  /* K 54 */
      const conv_spec_t x2 = {1, 4, 9, 7, 8, 5, 5, 1, 1, 2, 2, 2, 2, 2, 1, 2};    /* K 50 */
      const conv_spec_t x3 = {2, 4, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4};    /* K 9 */
      add(s, F, dt, ydt, lay ? NHWC : NCHW, &x1, 1, 0, PHC_DENSE, 1);
      add(s, F, dt, ydt, lay ? NHWC : NCHW, &x2, 1, 1, PHC_REVERSED, 1);
      add(s, F, dt, ydt, lay ? NHWC : NCHW, &x3, 0, 0, PHC_PADDED, 1);
    }
  }
}

void phc_register_op_conv2d(phc_suite_t *s) {
  register_dtype(s, PH_DTYPE_F32, PH_DTYPE_F32);
  register_dtype(s, PH_DTYPE_F16, PH_DTYPE_F16);
  register_dtype(s, PH_DTYPE_BF16, PH_DTYPE_BF16);
  register_dtype(s, PH_DTYPE_I8, PH_DTYPE_I8);
  register_dtype(s, PH_DTYPE_I8, PH_DTYPE_F32);
}
