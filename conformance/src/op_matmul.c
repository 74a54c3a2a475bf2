/*
 * matmul conformance: every dtype the op allows (f32, f16, bf16, and i8
 * inputs with an i8 or f32 output), transposes, broadcast batch dims,
 * the alpha/bias/beta*c/activation epilogue, strided inputs, and
 * integer-valued inputs whose result must match exactly.
 *
 * Exactness, thought through: f16/bf16 compute in f32, so integer inputs
 * with sum_k |a b| + |bias| + |beta c| < 2^24 give every partial sum
 * exactly; we further keep that bound within the output's contiguous
 * integer range (2048 for f16, 256 for bf16) so even a device that rounds
 * partial results to the output dtype stays exact. int8 exact cases use a
 * power-of-two alpha * out_scale and beta, and biases/c in multiples of
 * 1/8, so every f32 step of y = alpha*out_scale*acc + bias + beta*c is
 * exact and the one rounding (RNE to i8, ties included) is the same as
 * the fp64 reference's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ref.h"

enum { P_M, P_N, P_K, P_TA, P_TB, P_BATCH, P_BIAS, P_CMODE, P_ACT, P_LA, P_LB, P_EXACT, P_YDT };
enum { F_ALPHA, F_BETA, F_OSCALE };
/* Batch modes. */
enum { B_NONE = 0, B_BCAST = 1, B_RANK2A = 2 };
/* c modes: none, y's shape, [M, 1] (broadcasts over batch and N), y's
 * shape filled with NaN and beta 0 (must not leak). */
enum { C_NONE = 0, C_FULL = 1, C_BCAST = 2, C_NAN = 3 };

/* Exact integer range per float dtype (see the header comment). */
static int64_t int_range(uint32_t dt) { return dt == PH_DTYPE_BF16 ? 2 : 4; }
static double int_limit(uint32_t dt) {
  return dt == PH_DTYPE_BF16 ? 256.0 : dt == PH_DTYPE_F16 ? 2048.0 : 16777216.0;
}

/* Multiples of 1/8 in [-lo/8, hi/8]: exact in f32 sums with power-of-two scales. */
static bool fill_eighths(phc_ctx_t *ctx, phc_tensor_t *t, int64_t lo, int64_t hi) {
  if (!phc_fill_int(ctx, t, lo, hi)) return false;
  for (int64_t i = 0; i < t->numel; ++i) t->host[i] /= 8.0;
  return phc_upload(ctx, t);
}

static void run_matmul(phc_ctx_t *ctx, const phc_case_t *c) {
  const uint32_t dt = c->dtype;
  const bool int8 = dt == PH_DTYPE_I8;
  const uint32_t ydt = int8 ? (uint32_t)c->p[P_YDT] : dt;
  const bool strided = c->p[P_LA] != PHC_DENSE || c->p[P_LB] != PHC_DENSE;
  if (!phc_require_op(ctx, PH_OP_MATMUL, dt, strided)) return;

  const int64_t M = c->p[P_M], N = c->p[P_N], K = c->p[P_K];
  const bool exact = int8 || c->p[P_EXACT];
  ph_matmul_attrs_t at = ph_matmul_attrs_default();
  at.trans_a = (uint32_t)c->p[P_TA];
  at.trans_b = (uint32_t)c->p[P_TB];
  at.activation = (uint32_t)c->p[P_ACT];
  at.alpha = (float)c->f[F_ALPHA];
  at.beta = c->p[P_CMODE] == C_NAN ? 0.0f : (float)c->f[F_BETA];

  int64_t ash[4], bsh[4], ysh[4];
  uint32_t ra = 2, rb = 2, ry = 2;
  if (c->p[P_BATCH] == B_BCAST) {
    ash[0] = 2; ash[1] = 1; ra = 4;
    bsh[0] = 3; rb = 3;
    ysh[0] = 2; ysh[1] = 3; ry = 4;
  } else if (c->p[P_BATCH] == B_RANK2A) {
    bsh[0] = 2; rb = 3;
    ysh[0] = 2; ry = 3;
  }
  ash[ra - 2] = at.trans_a ? K : M;
  ash[ra - 1] = at.trans_a ? M : K;
  bsh[rb - 2] = at.trans_b ? N : K;
  bsh[rb - 1] = at.trans_b ? K : N;
  ysh[ry - 2] = M;
  ysh[ry - 1] = N;

  phc_tensor_t a = {0}, b = {0}, bias = {0}, cc = {0}, y = {0};
  double *ref = NULL, *scale = NULL;
  const uint32_t bias_dt = int8 ? PH_DTYPE_F32 : dt;
  const bool has_bias = c->p[P_BIAS] != 0, has_c = c->p[P_CMODE] != C_NONE;
  const int64_t cbsh[2] = {M, 1};

  if (!phc_tensor(ctx, &a, dt, ra, ash, (phc_layout_t)c->p[P_LA]) ||
      !phc_tensor(ctx, &b, dt, rb, bsh, (phc_layout_t)c->p[P_LB]) ||
      !phc_tensor(ctx, &y, ydt, ry, ysh, PHC_DENSE))
    goto done;
  if (has_bias && !phc_tensor(ctx, &bias, bias_dt, 1, &N, PHC_DENSE)) goto done;
  if (has_c) {
    bool ok = c->p[P_CMODE] == C_BCAST ? phc_tensor(ctx, &cc, ydt, 2, cbsh, PHC_DENSE)
                                       : phc_tensor(ctx, &cc, ydt, ry, ysh, PHC_DENSE);
    if (!ok) goto done;
  }

  /* Inputs. */
  double oscale = c->f[F_OSCALE];
  if (int8) {
    if (!phc_fill_int(ctx, &a, -128, 127) || !phc_fill_int(ctx, &b, -128, 127)) goto done;
    if (oscale == 0.0) {
      /* A power of two putting the typical |acc| (std ~ 5461 sqrt K for
       * uniform i8) near 96, so outputs spread over the i8 range and the
       * tails saturate. */
      const double sd = 5461.0 * sqrt((double)K);
      oscale = ldexp(1.0, (int)lround(log2(96.0 / sd)));
    }
    at.out_scale = (float)oscale;
    if (has_bias && !fill_eighths(ctx, &bias, -256, 256)) goto done;
    if (has_c && c->p[P_CMODE] != C_NAN) {
      if (ydt == PH_DTYPE_I8 ? !phc_fill_int(ctx, &cc, -128, 127) : !fill_eighths(ctx, &cc, -512, 512))
        goto done;
    }
  } else if (exact) {
    const int64_t r = int_range(dt);
    const double bound = (double)K * (double)(r * r) * fabs(at.alpha) + (has_bias ? (double)r : 0.0) +
                         (has_c ? fabs(at.beta) * (double)r : 0.0);
    if (bound > int_limit(dt)) {
      phc_fail(ctx, "case design: integer bound %.0f exceeds %s's exact range", bound,
               ph_dtype_name(dt));
      goto done;
    }
    if (!phc_fill_int(ctx, &a, -r, r) || !phc_fill_int(ctx, &b, -r, r)) goto done;
    if (has_bias && !phc_fill_int(ctx, &bias, -r, r)) goto done;
    if (has_c && c->p[P_CMODE] != C_NAN && !phc_fill_int(ctx, &cc, -r, r)) goto done;
  } else {
    if (!phc_fill_uniform(ctx, &a, -1.0, 1.0) || !phc_fill_uniform(ctx, &b, -1.0, 1.0)) goto done;
    if (has_bias && !phc_fill_uniform(ctx, &bias, -1.0, 1.0)) goto done;
    if (has_c && c->p[P_CMODE] != C_NAN && !phc_fill_uniform(ctx, &cc, -1.0, 1.0)) goto done;
  }
  /* C_NAN: cc is never uploaded, so the device holds its NaN fill. */

  if (!phc_ok(ctx, ph_op_matmul(ctx->stream, &a.t, &b.t, has_bias ? &bias.t : NULL,
                                has_c ? &cc.t : NULL, &y.t, &at),
              "ph_op_matmul"))
    goto done;

  ref = malloc((size_t)y.numel * sizeof *ref);
  scale = malloc((size_t)y.numel * sizeof *scale);
  if (ref == NULL || scale == NULL) {
    phc_fail(ctx, "out of host memory");
    goto done;
  }
  phc_ref_matmul(&a, &b, has_bias ? &bias : NULL, has_c ? &cc : NULL, &at, ry, ysh, ref, scale);

  phc_tol_t tol;
  const bool pow2 = frexp(fabs((double)at.alpha * (int8 ? (double)at.out_scale : 1.0)), &(int){0}) == 0.5;
  if (exact && (!int8 || pow2)) {
    /* Exact: compare with the reference rounded once to y's dtype. */
    for (int64_t i = 0; i < y.numel; ++i) ref[i] = phc_round_to(ydt, ref[i]);
    tol = phc_tolerance(PHC_TOL_EXACT, ydt, 0);
  } else if (int8) {
    /* alpha * out_scale not a power of two: the device's f32 products
     * round, and fp64 vs f32 can fall on either side of an i8 rounding
     * tie, so allow one step of i8, or a few f32 ulps of the terms. */
    for (int64_t i = 0; i < y.numel; ++i) ref[i] = phc_round_to(ydt, ref[i]);
    tol = ydt == PH_DTYPE_I8 ? (phc_tol_t){.abs = 1.0, .source = "int8 inexact scale: 1 step"}
                             : (phc_tol_t){.ulps = 2.0, .scale_rel = ldexp(1.0, -21),
                                           .source = "int8 inexact scale: f32 epilogue"};
  } else {
    tol = phc_tolerance(PHC_TOL_DOT, ydt, K);
    if (at.activation == PH_ACT_GELU || at.activation == PH_ACT_SILU) {
      /* The activation's own error, plus the dot's error carried through
       * a slope of at most ~1.13 (gelu) / 1.1 (silu). */
      const phc_tol_t comp = phc_tolerance(PHC_TOL_COMPOSITE, ydt, 0);
      tol.ulps += comp.ulps;
      tol.rel += comp.rel;
      tol.abs += comp.abs;
      tol.scale_rel *= 1.25;
    }
  }
  phc_check_tensor(ctx, &y, ref, tol.scale_rel != 0.0 ? scale : NULL, tol);

done:
  free(ref);
  free(scale);
  phc_tensor_free(&a);
  phc_tensor_free(&b);
  phc_tensor_free(&bias);
  phc_tensor_free(&cc);
  phc_tensor_free(&y);
}

static const char *const act_names[] = {"", ".relu", ".gelu", ".silu"};
static const char *const trans_names[] = {"nn", "nt", "tn", "tt"};

/* Registers one case; |variant| names everything beyond dtype and shape. */
static void add(phc_suite_t *s, uint32_t profile, uint32_t dt, uint32_t ydt, int64_t m, int64_t n,
                int64_t k, int tr, int batch, int bias, int cmode, int act, int la, int lb,
                int exact, double alpha, double beta, double oscale) {
  phc_case_t c = {0};
  static const char *const batch_names[] = {"", ".b2x1-3", ".b2"};
  static const char *const c_names[] = {"", ".c", ".cbc", ".cnan"};
  static const char *const lay_names[] = {"d", "p", "r"};
  char extra[96];
  snprintf(extra, sizeof extra, "%s%s%s%s%s%s%s%s%s", exact && dt != PH_DTYPE_I8 ? ".int" : "",
           batch_names[batch], bias ? ".bias" : "", c_names[cmode], act_names[act],
           alpha != 1.0 ? ".alpha" : "", (cmode == C_FULL || cmode == C_BCAST) && beta != 1.0 ? ".beta" : "",
           oscale != 0.0 ? ".oscale" : "", "");
  char lay[8] = "";
  if (la != PHC_DENSE || lb != PHC_DENSE) snprintf(lay, sizeof lay, ".%s%s", lay_names[la], lay_names[lb]);
  if (dt == PH_DTYPE_I8)
    phc_name(&c, "op.matmul.i8.y%s.%s.%lldx%lldx%lld%s%s", ph_dtype_name(ydt), trans_names[tr],
             (long long)m, (long long)n, (long long)k, extra, lay);
  else
    phc_name(&c, "op.matmul.%s.%s.%lldx%lldx%lld%s%s", ph_dtype_name(dt), trans_names[tr],
             (long long)m, (long long)n, (long long)k, extra, lay);
  c.op = PH_OP_MATMUL;
  c.dtype = dt;
  c.profile = profile;
  c.run = run_matmul;
  c.p[P_M] = m; c.p[P_N] = n; c.p[P_K] = k;
  c.p[P_TA] = tr >> 1; c.p[P_TB] = tr & 1;
  c.p[P_BATCH] = batch; c.p[P_BIAS] = bias; c.p[P_CMODE] = cmode; c.p[P_ACT] = act;
  c.p[P_LA] = la; c.p[P_LB] = lb; c.p[P_EXACT] = exact; c.p[P_YDT] = ydt;
  c.f[F_ALPHA] = alpha; c.f[F_BETA] = beta; c.f[F_OSCALE] = oscale;
  phc_add(s, &c);
}

/* Short-hands: a plain float case and an int8 case. */
static void addf(phc_suite_t *s, uint32_t pr, uint32_t dt, int64_t m, int64_t n, int64_t k, int tr,
                 int batch, int bias, int cmode, int act, int la, int lb, int exact, double alpha,
                 double beta) {
  add(s, pr, dt, dt, m, n, k, tr, batch, bias, cmode, act, la, lb, exact, alpha, beta, 0.0);
}

static void register_float(phc_suite_t *s, uint32_t dt) {
  const uint32_t Q = PHC_QUICK, F = PHC_FULL;
  /* Largest K the integer-valued cases may use (header comment). */
  const int64_t kx = dt == PH_DTYPE_BF16 ? 57 : dt == PH_DTYPE_F16 ? 117 : 263;

  /* Quick: a handful touching every feature once. */
  addf(s, Q, dt, 7, 9, 63, 0, B_NONE, 0, C_NONE, 0, 0, 0, 0, 1.0, 0.0);
  addf(s, Q, dt, 13, 1, 33, 3, B_NONE, 1, C_NONE, PH_ACT_GELU, 0, 0, 0, 1.0, 0.0);
  addf(s, Q, dt, 5, 7, 9, 1, B_BCAST, 0, C_FULL, 0, 0, 0, 0, 0.5, 1.5);
  addf(s, Q, dt, 9, 11, 17, 2, B_NONE, 1, C_NAN, PH_ACT_SILU, PHC_PADDED, PHC_REVERSED, 0, 1.0, 0.0);
  addf(s, Q, dt, 11, 13, dt == PH_DTYPE_BF16 ? 31 : 63, 0, B_RANK2A, 1, C_BCAST, PH_ACT_RELU, 0, 0, 1,
       1.0, 2.0);

  /* Full: shapes x transposes, plain. */
  static const int64_t shapes[][3] = {{1, 1, 1},   {1, 7, 63},   {7, 1, 129},  {7, 7, 7},
                                      {63, 129, 7}, {129, 63, 63}, {1, 129, 263}, {255, 257, 263}};
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; ++i)
    for (int tr = 0; tr < 4; ++tr)
      addf(s, F, dt, shapes[i][0], shapes[i][1], shapes[i][2], tr, B_NONE, 0, C_NONE, 0, 0, 0, 0, 1.0,
           0.0);
  /* Epilogues on one odd shape. */
  for (int act = 0; act < 4; ++act) {
    addf(s, F, dt, 33, 17, 65, 0, B_NONE, 1, C_NONE, act, 0, 0, 0, 1.0, 0.0);
    addf(s, F, dt, 33, 17, 65, 1, B_NONE, 1, C_FULL, act, 0, 0, 0, 0.75, -0.5);
  }
  addf(s, F, dt, 33, 17, 65, 0, B_NONE, 0, C_NONE, 0, 0, 0, 0, -1.25, 0.0);
  addf(s, F, dt, 33, 17, 65, 0, B_NONE, 0, C_FULL, 0, 0, 0, 0, 1.0, 0.5);
  addf(s, F, dt, 33, 17, 65, 2, B_NONE, 0, C_BCAST, 0, 0, 0, 0, 1.0, 1.0);
  addf(s, F, dt, 33, 17, 65, 3, B_NONE, 1, C_NAN, PH_ACT_RELU, 0, 0, 0, 1.0, 0.0);
  addf(s, F, dt, 33, 17, 65, 0, B_NONE, 0, C_NAN, 0, 0, 0, 0, 2.0, 0.0);
  /* Batched, broadcast batch dims, with every transpose. */
  for (int tr = 0; tr < 4; ++tr) {
    addf(s, F, dt, 7, 13, 31, tr, B_BCAST, 0, C_NONE, 0, 0, 0, 0, 1.0, 0.0);
    addf(s, F, dt, 13, 7, 63, tr, B_RANK2A, 1, C_BCAST, PH_ACT_GELU, 0, 0, 0, 1.0, 0.5);
    addf(s, F, dt, 9, 5, 17, tr, B_BCAST, 1, C_FULL, 0, 0, 0, 0, 0.5, 1.0);
  }
  /* Strided inputs: every layout pair, with transposes. */
  for (int la = 0; la < 3; ++la)
    for (int lb = 0; lb < 3; ++lb)
      if (la != 0 || lb != 0)
        for (int tr = 0; tr < 4; tr += 3)
          addf(s, F, dt, 17, 31, 63, tr, (la + lb) % 2 ? B_BCAST : B_NONE, 1, C_NONE, 0, la, lb, 0, 1.0,
               0.0);
  /* Integer-valued, exact. */
  for (int tr = 0; tr < 4; ++tr) {
    addf(s, F, dt, 1, 1, 1, tr, B_NONE, 0, C_NONE, 0, 0, 0, 1, 1.0, 0.0);
    addf(s, F, dt, 7, 63, kx, tr, B_NONE, 0, C_NONE, 0, 0, 0, 1, 1.0, 0.0);
    addf(s, F, dt, 65, 33, 7, tr, B_BCAST, 1, C_FULL, PH_ACT_RELU, 0, 0, 1, 1.0, 1.0);
  }
  addf(s, F, dt, 31, 29, kx - 2, 1, B_NONE, 1, C_BCAST, 0, PHC_PADDED, PHC_REVERSED, 1, 1.0, -2.0);
  if (dt == PH_DTYPE_F32) addf(s, F, dt, 255, 257, 263, 0, B_NONE, 1, C_FULL, 0, 0, 0, 1, 1.0, 1.0);
}

static void register_int8(phc_suite_t *s) {
  const uint32_t Q = PHC_QUICK, F = PHC_FULL, I8 = PH_DTYPE_I8, F32 = PH_DTYPE_F32;
  add(s, Q, I8, I8, 7, 9, 63, 0, B_NONE, 0, C_NONE, 0, 0, 0, 1, 1.0, 0.0, 0.0);
  add(s, Q, I8, F32, 5, 7, 33, 1, B_BCAST, 1, C_FULL, 0, 0, 0, 1, 1.0, 0.5, 0.0);
  add(s, Q, I8, I8, 9, 11, 17, 2, B_NONE, 1, C_BCAST, PH_ACT_RELU, PHC_PADDED, PHC_REVERSED, 1, 2.0,
      0.25, 0.0);

  static const int64_t shapes[][3] = {{1, 1, 1}, {7, 7, 7}, {1, 63, 129}, {63, 129, 7}, {255, 257, 263}};
  for (int yi = 0; yi < 2; ++yi) {
    const uint32_t ydt = yi ? F32 : I8;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; ++i)
      for (int tr = 0; tr < 4; ++tr)
        add(s, F, I8, ydt, shapes[i][0], shapes[i][1], shapes[i][2], tr, B_NONE, 0, C_NONE, 0, 0, 0, 1, 1.0,
            0.0, 0.0);
    for (int tr = 0; tr < 4; ++tr) {
      add(s, F, I8, ydt, 33, 17, 65, tr, B_NONE, 1, C_NONE, PH_ACT_RELU, 0, 0, 1, 1.0, 0.0, 0.0);
      add(s, F, I8, ydt, 13, 7, 63, tr, B_BCAST, 1, C_FULL, 0, 0, 0, 1, 0.5, 2.0, 0.0);
      add(s, F, I8, ydt, 13, 7, 63, tr, B_RANK2A, 0, C_BCAST, PH_ACT_RELU, 0, 0, 1, 1.0, -0.5, 0.0);
    }
    add(s, F, I8, ydt, 17, 31, 63, 0, B_NONE, 1, C_FULL, 0, PHC_PADDED, PHC_REVERSED, 1, 1.0, 1.0, 0.0);
    add(s, F, I8, ydt, 17, 31, 63, 3, B_BCAST, 0, C_NONE, 0, PHC_REVERSED, PHC_PADDED, 1, 1.0, 0.0, 0.0);
    /* Non-power-of-two scales: one i8 step / a few f32 ulps allowed. */
    add(s, F, I8, ydt, 33, 17, 65, 0, B_NONE, 1, C_NONE, 0, 0, 0, 1, 0.7, 0.0, 0.0013);
    add(s, Q, I8, ydt, 9, 7, 33, 1, B_NONE, 1, C_NONE, 0, 0, 0, 1, 1.0, 0.0, 0.0031);
  }
  /* Float c with a NaN fill and beta 0 (f32 output only: an i8 c has no NaN). */
  add(s, F, I8, F32, 33, 17, 65, 0, B_NONE, 1, C_NAN, 0, 0, 0, 1, 1.0, 0.0, 0.0);
}

void phc_register_op_matmul(phc_suite_t *s) {
  register_float(s, PH_DTYPE_F32);
  register_float(s, PH_DTYPE_F16);
  register_float(s, PH_DTYPE_BF16);
  register_int8(s);
}
