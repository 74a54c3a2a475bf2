/*
 * pool2d conformance: max and average, NCHW and NHWC, 2x2/3x3 (and one
 * 3x2) windows, strides 1/2, pads below the window, count_include_pad on
 * and off, strided input views; f32, f16, bf16, i8. Max pooling selects an
 * input, so it is exact; average uses the avgpool policy with k = window
 * (for i8 that is exact: the f32 mean of integers over <= 9 terms is never
 * near an i8 rounding tie unless it is one exactly, so RNE agrees).
 */
#include <stdio.h>
#include <stdlib.h>

#include "ref.h"

enum { P_N, P_C, P_H, P_W, P_KH, P_KW, P_SH, P_SW, P_PT, P_PL, P_PB, P_PR, P_MODE, P_LAYOUT, P_CIP, P_XLAY };

static void run_pool2d(phc_ctx_t *ctx, const phc_case_t *c) {
  const uint32_t dt = c->dtype;
  const phc_layout_t xlay = (phc_layout_t)c->p[P_XLAY];
  if (!phc_require_op(ctx, PH_OP_POOL2D, dt, xlay != PHC_DENSE)) return;

  ph_pool2d_attrs_t at = ph_pool2d_attrs_default((uint32_t)c->p[P_MODE], c->p[P_KH], c->p[P_KW]);
  at.layout = (uint32_t)c->p[P_LAYOUT];
  at.stride[0] = c->p[P_SH];
  at.stride[1] = c->p[P_SW];
  at.pad[0] = c->p[P_PT];
  at.pad[1] = c->p[P_PL];
  at.pad[2] = c->p[P_PB];
  at.pad[3] = c->p[P_PR];
  at.count_include_pad = (uint32_t)c->p[P_CIP];
  const bool nhwc = at.layout == PH_LAYOUT_NHWC;
  const int64_t N = c->p[P_N], C = c->p[P_C], H = c->p[P_H], W = c->p[P_W];
  const int64_t OH = (H + at.pad[0] + at.pad[2] - at.kernel[0]) / at.stride[0] + 1;
  const int64_t OW = (W + at.pad[1] + at.pad[3] - at.kernel[1]) / at.stride[1] + 1;
  const int64_t xsh[4] = {N, nhwc ? H : C, nhwc ? W : H, nhwc ? C : W};
  const int64_t ysh[4] = {N, nhwc ? OH : C, nhwc ? OW : OH, nhwc ? C : OW};

  phc_tensor_t x = {0}, y = {0};
  double *ref = NULL, *scale = NULL;
  if (!phc_tensor(ctx, &x, dt, 4, xsh, xlay) || !phc_tensor(ctx, &y, dt, 4, ysh, PHC_DENSE)) goto done;
  /* Max pooling over all-negative padded windows would show a device that
   * lets the padding (as 0) win; the signed ranges make that likely. */
  if (dt == PH_DTYPE_I8 ? !phc_fill_int(ctx, &x, -128, 127) : !phc_fill_uniform(ctx, &x, -4.0, 4.0))
    goto done;
  if (!phc_ok(ctx, ph_op_pool2d(ctx->stream, &x.t, &y.t, &at), "ph_op_pool2d")) goto done;

  ref = malloc((size_t)y.numel * sizeof *ref);
  scale = malloc((size_t)y.numel * sizeof *scale);
  if (ref == NULL || scale == NULL) {
    phc_fail(ctx, "out of host memory");
    goto done;
  }
  phc_ref_pool2d(&x, &at, ysh, ref, scale);
  phc_tol_t tol;
  if (at.mode == PH_POOL_MAX) {
    tol = phc_tolerance(PHC_TOL_EXACT, dt, 0);
  } else {
    if (dt == PH_DTYPE_I8)
      for (int64_t i = 0; i < y.numel; ++i) ref[i] = phc_round_to(dt, ref[i]);
    tol = phc_tolerance(PHC_TOL_AVGPOOL, dt, at.kernel[0] * at.kernel[1]);
  }
  phc_check_tensor(ctx, &y, ref, tol.scale_rel != 0.0 ? scale : NULL, tol);

done:
  free(ref);
  free(scale);
  phc_tensor_free(&x);
  phc_tensor_free(&y);
}

static void add(phc_suite_t *s, uint32_t profile, uint32_t dt, uint32_t mode, uint32_t layout,
                const int64_t g[12], int cip, int xlay) {
  phc_case_t c = {0};
  static const char *const lay_names[] = {"", ".padded", ".reversed"};
  phc_name(&c, "op.pool2d.%s.%s.%s.n%lldc%lldh%lldw%lld.k%lldx%lld.s%lld%lld.p%lld%lld%lld%lld%s%s",
           ph_dtype_name(dt), mode == PH_POOL_MAX ? "max" : "avg",
           layout == PH_LAYOUT_NHWC ? "nhwc" : "nchw", (long long)g[0], (long long)g[1],
           (long long)g[2], (long long)g[3], (long long)g[4], (long long)g[5], (long long)g[6],
           (long long)g[7], (long long)g[8], (long long)g[9], (long long)g[10], (long long)g[11],
           cip ? ".cip" : "", lay_names[xlay]);
  c.op = PH_OP_POOL2D;
  c.dtype = dt;
  c.profile = profile;
  c.run = run_pool2d;
  for (int i = 0; i < 12; ++i) c.p[i] = g[i];
  c.p[P_MODE] = mode;
  c.p[P_LAYOUT] = layout;
  c.p[P_CIP] = cip;
  c.p[P_XLAY] = xlay;
  phc_add(s, &c);
}

static void register_dtype(phc_suite_t *s, uint32_t dt) {
  const uint32_t Q = PHC_QUICK, F = PHC_FULL, NCHW = PH_LAYOUT_NCHW, NHWC = PH_LAYOUT_NHWC;
  const uint32_t MAX = PH_POOL_MAX, AVG = PH_POOL_AVG;
  /* Quick. */
  const int64_t q1[12] = {1, 3, 7, 9, 2, 2, 2, 2, 0, 0, 1, 1};
  const int64_t q2[12] = {2, 5, 13, 11, 3, 3, 1, 1, 1, 2, 2, 0};
  const int64_t q3[12] = {1, 4, 9, 7, 3, 3, 2, 2, 1, 1, 1, 1};
  add(s, Q, dt, MAX, NCHW, q1, 0, PHC_DENSE);
  add(s, Q, dt, MAX, NHWC, q2, 0, PHC_PADDED);
  add(s, Q, dt, AVG, NCHW, q3, 1, PHC_DENSE);
  add(s, Q, dt, AVG, NHWC, q2, 0, PHC_DENSE);

  /* Full: mode x layout x window x stride x pads x count_include_pad. */
  for (int mode = 0; mode < 2; ++mode)
    for (int lay = 0; lay < 2; ++lay)
      for (int64_t k = 2; k <= 3; ++k)
        for (int64_t st = 1; st <= 2; ++st)
          for (int pi = 0; pi < 3; ++pi)
            for (int cip = 0; cip <= (mode == 1 && pi ? 1 : 0); ++cip) {
              /* No pads; symmetric; asymmetric (each below the window). */
              const int64_t pt = pi == 0 ? 0 : pi == 1 ? 1 : k - 1, pl = pi == 0 ? 0 : pi == 1 ? 1 : 0;
              const int64_t pb = pi == 0 ? 0 : pi == 1 ? 1 : 1, pr = pi == 0 ? 0 : pi == 1 ? 1 : k - 1;
              const int64_t g[12] = {2, 5, 13, 11, k, k, st, st, pt, pl, pb, pr};
              add(s, F, dt, mode ? AVG : MAX, lay ? NHWC : NCHW, g, cip, PHC_DENSE);
            }
  /* Non-square window and strides, strided views, a larger plane. */
  for (int mode = 0; mode < 2; ++mode)
    for (int lay = 0; lay < 2; ++lay) {
      const int64_t r1[12] = {2, 3, 11, 13, 3, 2, 2, 1, 2, 0, 1, 1};
      const int64_t r2[12] = {2, 6, 9, 7, 3, 3, 1, 2, 1, 2, 1, 0};
      const int64_t r3[12] = {1, 16, 31, 33, 3, 3, 2, 2, 1, 1, 1, 1};
      add(s, F, dt, mode ? AVG : MAX, lay ? NHWC : NCHW, r1, mode, PHC_DENSE);
      add(s, F, dt, mode ? AVG : MAX, lay ? NHWC : NCHW, r2, 0, PHC_PADDED);
      add(s, F, dt, mode ? AVG : MAX, lay ? NHWC : NCHW, r2, mode, PHC_REVERSED);
      add(s, F, dt, mode ? AVG : MAX, lay ? NHWC : NCHW, r3, mode, PHC_DENSE);
    }
}

void phc_register_op_pool2d(phc_suite_t *s) {
  register_dtype(s, PH_DTYPE_F32);
  register_dtype(s, PH_DTYPE_F16);
  register_dtype(s, PH_DTYPE_BF16);
  register_dtype(s, PH_DTYPE_I8);
}
