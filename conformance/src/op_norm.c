/*
 * Layer and RMS normalisation (ph_op_layernorm, ph_op_rmsnorm) on
 * f32/f16/bf16: over the last axis and over the last two, with and
 * without scale/bias, several epsilons, rows of 1, 7, 129 and 1024 (full),
 * strided inputs, and a large-mean input (mean 100, std 1) that a variance
 * computed as E[x^2] - E[x]^2 in f32 gets visibly wrong.
 *
 * Tolerance PHC_TOL_NORM, k = the normalised group's size, with the scale
 * term per element:
 *   layernorm: |s_i| (|yhat_i| + 1 + 2 |mean| / sigma) + |b_i|, yhat the
 *     normalised value: (|x_i| + |mean|) / sigma bounds the condition of
 *     the result with respect to the sums of mean and variance (see
 *     TOLERANCES.md), so an accurate implementation with any summation
 *     order passes on data far from zero, while E[x^2] - E[x]^2 does not;
 *   rmsnorm:   |y_i| (every step is a relative error).
 * Layernorm of a group of one element is exactly the bias, so those cases
 * always carry a bias (otherwise the reference would be all zero).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "ref.h"

enum {
  P_OP = 0, P_RANK = 1, P_SHAPE = 2, P_AXIS = 10, P_SCALE = 11, P_BIAS = 12, P_LAYOUT = 13,
  P_MEAN = 14
};

static void run(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t op = (uint32_t)c->p[P_OP], dt = c->dtype, rank = (uint32_t)c->p[P_RANK];
  int32_t axis = (int32_t)c->p[P_AXIS];
  uint32_t ax = (uint32_t)(axis < 0 ? axis + (int32_t)rank : axis);
  bool has_scale = c->p[P_SCALE] != 0, has_bias = c->p[P_BIAS] != 0;
  phc_layout_t layout = (phc_layout_t)c->p[P_LAYOUT];
  float eps = (float)c->f[0];
  double mean = (double)c->p[P_MEAN];
  if (!phc_require_op(ctx, op, dt, layout != PHC_DENSE)) return;
  int64_t shape[PH_MAX_RANK], n = 1, rows = 1;
  for (uint32_t i = 0; i < rank; ++i) {
    shape[i] = c->p[P_SHAPE + i];
    if (i < ax) rows *= shape[i]; else n *= shape[i];
  }
  phc_tensor_t x = {0}, sc = {0}, bi = {0}, y = {0};
  double *ref = NULL, *scale = NULL;
  if (!phc_tensor(ctx, &x, dt, rank, shape, layout) ||
      !phc_tensor(ctx, &y, dt, rank, shape, PHC_DENSE))
    goto done;
  if (has_scale && !phc_tensor(ctx, &sc, dt, rank - ax, shape + ax, layout)) goto done;
  if (has_bias && !phc_tensor(ctx, &bi, dt, rank - ax, shape + ax, PHC_DENSE)) goto done;
  /* std 1 around |mean| (uniform on +-sqrt 3), else values in [-2, 2). */
  if (mean != 0 ? !phc_fill_uniform(ctx, &x, mean - sqrt(3.0), mean + sqrt(3.0))
                : !phc_fill_uniform(ctx, &x, -2, 2))
    goto done;
  if (has_scale && !phc_fill_uniform(ctx, &sc, -2, 2)) goto done;
  if (has_bias && !phc_fill_uniform(ctx, &bi, -1, 1)) goto done;
  ref = malloc(sizeof *ref * (size_t)x.numel);
  scale = malloc(sizeof *scale * (size_t)x.numel);
  if (!ref || !scale) { phc_fail(ctx, "out of host memory"); goto done; }
  const double *sv = has_scale ? sc.host : NULL, *bv = has_bias ? bi.host : NULL;
  ph_status_t st;
  if (op == PH_OP_LAYERNORM) {
    /* yhat alone (no scale, no bias) sizes the tolerance. */
    phc_ref_layernorm(x.host, NULL, NULL, rows, n, (double)eps, scale);
    for (int64_t r = 0; r < rows; ++r) {
      const double *xr = x.host + r * n;
      double mu = 0, var = 0;
      for (int64_t j = 0; j < n; ++j) mu += xr[j];
      mu /= (double)n;
      for (int64_t j = 0; j < n; ++j) var += (xr[j] - mu) * (xr[j] - mu);
      var /= (double)n;
      double cond = 1 + 2 * fabs(mu) / sqrt(var + (double)eps);
      for (int64_t j = 0; j < n; ++j) {
        int64_t i = r * n + j;
        double s = sv ? sv[j] : 1.0, b = bv ? bv[j] : 0.0;
        ref[i] = scale[i] * s + b;
        scale[i] = fabs(s) * (fabs(scale[i]) + cond) + fabs(b);
      }
    }
    st = ph_op_layernorm(ctx->stream, &x.t, has_scale ? &sc.t : NULL, has_bias ? &bi.t : NULL,
                         &y.t, axis, eps);
  } else {
    phc_ref_rmsnorm(x.host, sv, rows, n, (double)eps, ref);
    for (int64_t i = 0; i < x.numel; ++i) scale[i] = fabs(ref[i]);
    st = ph_op_rmsnorm(ctx->stream, &x.t, has_scale ? &sc.t : NULL, &y.t, axis, eps);
  }
  if (!phc_ok(ctx, st, op == PH_OP_LAYERNORM ? "ph_op_layernorm" : "ph_op_rmsnorm")) goto done;
  phc_check_tensor(ctx, &y, ref, scale, phc_tolerance(PHC_TOL_NORM, dt, n));
done:
  free(ref);
  free(scale);
  phc_tensor_free(&x);
  phc_tensor_free(&sc);
  phc_tensor_free(&bi);
  phc_tensor_free(&y);
}

static void add_case(phc_suite_t *s, uint32_t op, uint32_t dt, uint32_t profile, uint32_t rank,
                     const int64_t *shape, int32_t axis, bool has_scale, bool has_bias,
                     double eps, phc_layout_t layout, int64_t mean) {
  phc_case_t c;
  memset(&c, 0, sizeof c);
  c.op = op;
  c.dtype = dt;
  c.profile = profile;
  c.run = run;
  c.p[P_OP] = op;
  c.p[P_RANK] = rank;
  c.p[P_AXIS] = axis;
  c.p[P_SCALE] = has_scale;
  c.p[P_BIAS] = op == PH_OP_LAYERNORM && has_bias;
  c.p[P_LAYOUT] = layout;
  c.p[P_MEAN] = mean;
  c.f[0] = eps;
  char dims[64];
  for (uint32_t i = 0; i < rank; ++i) c.p[P_SHAPE + i] = shape[i];
  phc_dims_text(dims, sizeof dims, rank, shape);
  phc_name(&c, "op.%s.%s.%s.ax%s%d.%s%s.eps%g%s%s", op == PH_OP_LAYERNORM ? "layernorm" : "rmsnorm",
           ph_dtype_name(dt), dims, axis < 0 ? "m" : "", axis < 0 ? -axis : axis,
           has_scale ? "s" : "", c.p[P_BIAS] ? "b" : (has_scale ? "" : "plain"), eps,
           phc_layout_suffix(layout),
           mean ? ".mean100" : "");
  phc_add(s, &c);
}

void phc_register_op_norm(phc_suite_t *s) {
  static const uint32_t dts[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
  static const uint32_t ops[] = {PH_OP_LAYERNORM, PH_OP_RMSNORM};
  static const int64_t r1[] = {5, 1}, r7[] = {6, 7}, r129[] = {3, 129}, r1024[] = {4, 1024},
                       two[] = {3, 5, 7}, two_big[] = {2, 16, 64};
  for (size_t o = 0; o < 2; ++o)
    for (size_t d = 0; d < sizeof dts / sizeof dts[0]; ++d) {
      uint32_t op = ops[o], dt = dts[d];
      /* Quick: plain and scale+bias rows of 7 and 129, the last two axes,
       * the large mean, a group of one (with bias). */
      add_case(s, op, dt, PHC_QUICK, 2, r7, -1, false, false, 1e-5, PHC_DENSE, 0);
      add_case(s, op, dt, PHC_QUICK, 2, r129, 1, true, true, 1e-5, PHC_PADDED, 0);
      add_case(s, op, dt, PHC_QUICK, 3, two, -2, true, true, 1e-2, PHC_DENSE, 0);
      add_case(s, op, dt, PHC_QUICK, 2, r129, -1, false, false, 1e-5, PHC_DENSE, 100);
      add_case(s, op, dt, PHC_QUICK, 2, r1, -1, false, true, 1e-5, PHC_DENSE, 0);
      /* Full: the cross product of rows, axes, scale/bias, eps, layouts. */
      const int64_t *rowsh[] = {r1, r7, r129, r1024};
      for (size_t r = 0; r < 4; ++r)
        for (int sb = 0; sb < 4; ++sb) {
          bool hs = sb & 1, hb = (sb & 2) || r == 0;
          if (r == 0 && (sb & 2) == 0 && op == PH_OP_LAYERNORM) continue;
          add_case(s, op, dt, PHC_FULL, 2, rowsh[r], sb % 2 ? 1 : -1, hs, hb,
                   sb == 3 ? (r == 0 ? 1e-3 : 0.0) : sb == 2 ? 1e-2 : 1e-5, sb == 1 ? PHC_REVERSED : sb == 0 ? PHC_PADDED : PHC_DENSE,
                   0);
        }
      add_case(s, op, dt, PHC_FULL, 2, r7, -1, true, true, 1e-5, PHC_DENSE, 100);
      add_case(s, op, dt, PHC_FULL, 2, r1024, -1, true, true, 1e-5, PHC_PADDED, 100);
      add_case(s, op, dt, PHC_FULL, 3, two_big, 1, false, false, 1e-5, PHC_DENSE, 100);
      add_case(s, op, dt, PHC_FULL, 3, two_big, -2, true, false, 0.5, PHC_REVERSED, 0);
      add_case(s, op, dt, PHC_FULL, 3, two, 1, false, true, 1e-5, PHC_PADDED, 0);
      add_case(s, op, dt, PHC_FULL, 3, two, 0, true, true, 1e-5, PHC_DENSE, 0);
    }
}
