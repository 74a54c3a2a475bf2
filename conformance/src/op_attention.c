/*
 * attention conformance (f32, f16, bf16): B, H, Sq, Sk, D, Dv including
 * Sq != Sk, D = 1 and odd sizes; default and explicit scales; causal on
 * and off; additive masks broadcast from [Sq, Sk] and [B, 1, Sq, Sk] (one
 * with -inf entries, never a whole row); strided q/k/v views. Checked with
 * the attention policy, k = Sk, scale = sum_j p_ij |v_j|.
 *
 * Causal cases keep Sq <= Sk: with Sq > Sk the first Sq - Sk queries see
 * no key at all and the spec does not define their output.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ref.h"

enum { P_B, P_H, P_SQ, P_SK, P_D, P_DV, P_CAUSAL, P_MASK, P_LQ, P_LK, P_LV };
enum { M_NONE = 0, M_2D = 1, M_4D = 2, M_2D_INF = 3 };

static void run_attention(phc_ctx_t *ctx, const phc_case_t *c) {
  const uint32_t dt = c->dtype;
  const bool strided = c->p[P_LQ] != PHC_DENSE || c->p[P_LK] != PHC_DENSE || c->p[P_LV] != PHC_DENSE;
  if (!phc_require_op(ctx, PH_OP_ATTENTION, dt, strided)) return;
  const int64_t B = c->p[P_B], H = c->p[P_H], Sq = c->p[P_SQ], Sk = c->p[P_SK], D = c->p[P_D],
                Dv = c->p[P_DV];
  const int mmode = (int)c->p[P_MASK];
  const bool causal = c->p[P_CAUSAL] != 0;
  const float scale = c->f[0] != 0.0 ? (float)c->f[0] : (float)(1.0 / sqrt((double)D));
  const int64_t qsh[4] = {B, H, Sq, D}, ksh[4] = {B, H, Sk, D}, vsh[4] = {B, H, Sk, Dv};
  const int64_t ysh[4] = {B, H, Sq, Dv};
  const int64_t m2[2] = {Sq, Sk}, m4[4] = {B, 1, Sq, Sk};

  phc_tensor_t q = {0}, k = {0}, v = {0}, mask = {0}, y = {0};
  double *ref = NULL, *mag = NULL;
  if (!phc_tensor(ctx, &q, dt, 4, qsh, (phc_layout_t)c->p[P_LQ]) ||
      !phc_tensor(ctx, &k, dt, 4, ksh, (phc_layout_t)c->p[P_LK]) ||
      !phc_tensor(ctx, &v, dt, 4, vsh, (phc_layout_t)c->p[P_LV]) ||
      !phc_tensor(ctx, &y, dt, 4, ysh, PHC_DENSE))
    goto done;
  if (mmode != M_NONE &&
      !(mmode == M_4D ? phc_tensor(ctx, &mask, dt, 4, m4, PHC_DENSE)
                      : phc_tensor(ctx, &mask, dt, 2, m2, PHC_DENSE)))
    goto done;
  if (!phc_fill_uniform(ctx, &q, -1.0, 1.0) || !phc_fill_uniform(ctx, &k, -1.0, 1.0) ||
      !phc_fill_uniform(ctx, &v, -1.0, 1.0))
    goto done;
  if (mmode != M_NONE) {
    if (!phc_fill_uniform(ctx, &mask, -2.0, 2.0)) goto done;
    if (mmode == M_2D_INF) {
      /* About a third of the keys masked out; key 0 never, so no row is
       * empty (causal rows always keep key 0 too). */
      for (int64_t i = 0; i < Sq; ++i)
        for (int64_t j = 1; j < Sk; ++j)
          if (phc_rand_int(&ctx->rng, 0, 2) == 0) mask.host[i * Sk + j] = -INFINITY;
      if (!phc_upload(ctx, &mask)) goto done;
    }
  }
  if (!phc_ok(ctx, ph_op_attention(ctx->stream, &q.t, &k.t, &v.t, mmode ? &mask.t : NULL, &y.t,
                                   scale, causal),
              "ph_op_attention"))
    goto done;

  ref = malloc((size_t)y.numel * sizeof *ref);
  mag = malloc((size_t)y.numel * sizeof *mag);
  if (ref == NULL || mag == NULL) {
    phc_fail(ctx, "out of host memory");
    goto done;
  }
  phc_ref_attention(&q, &k, &v, mmode ? &mask : NULL, (double)scale, causal, ref, mag);
  const phc_tol_t tol = phc_tolerance(PHC_TOL_ATTENTION, dt, Sk);
  phc_check_tensor(ctx, &y, ref, tol.scale_rel != 0.0 ? mag : NULL, tol);

done:
  free(ref);
  free(mag);
  phc_tensor_free(&q);
  phc_tensor_free(&k);
  phc_tensor_free(&v);
  phc_tensor_free(&mask);
  phc_tensor_free(&y);
}

static void add(phc_suite_t *s, uint32_t profile, uint32_t dt, const int64_t g[6], int causal,
                int mask, int lq, int lk, int lv, double scale) {
  phc_case_t c = {0};
  static const char *const mask_names[] = {"", ".mask2d", ".mask4d", ".maskinf"};
  static const char *const lay_names[] = {"d", "p", "r"};
  char lay[8] = "";
  if (lq || lk || lv) snprintf(lay, sizeof lay, ".%s%s%s", lay_names[lq], lay_names[lk], lay_names[lv]);
  phc_name(&c, "op.attention.%s.b%lldh%lld.sq%lldsk%lld.d%lldv%lld%s%s%s%s", ph_dtype_name(dt),
           (long long)g[0], (long long)g[1], (long long)g[2], (long long)g[3], (long long)g[4],
           (long long)g[5], causal ? ".causal" : "", mask_names[mask], scale != 0.0 ? ".scale" : "",
           lay);
  c.op = PH_OP_ATTENTION;
  c.dtype = dt;
  c.profile = profile;
  c.run = run_attention;
  for (int i = 0; i < 6; ++i) c.p[i] = g[i];
  c.p[P_CAUSAL] = causal;
  c.p[P_MASK] = mask;
  c.p[P_LQ] = lq;
  c.p[P_LK] = lk;
  c.p[P_LV] = lv;
  c.f[0] = scale;
  phc_add(s, &c);
}

static void register_dtype(phc_suite_t *s, uint32_t dt) {
  const uint32_t Q = PHC_QUICK, F = PHC_FULL;
  const int p = PHC_PADDED, r = PHC_REVERSED;
  /* Quick. */
  const int64_t q1[6] = {1, 2, 7, 9, 16, 8};
  const int64_t q2[6] = {2, 1, 5, 5, 1, 3};
  const int64_t q3[6] = {1, 3, 9, 4, 8, 5};
  add(s, Q, dt, q1, 1, M_2D, 0, 0, 0, 0.0);
  add(s, Q, dt, q2, 0, M_4D, 0, 0, 0, 2.5);
  add(s, Q, dt, q3, 0, M_NONE, p, r, p, 0.0);

  /* Full: shapes x causal x masks. */
  static const int64_t shapes[][6] = {{1, 1, 1, 1, 1, 1},    {1, 1, 1, 17, 8, 8},
                                      {2, 3, 7, 7, 1, 5},    {1, 2, 13, 33, 16, 16},
                                      {2, 2, 33, 13, 7, 9},  {1, 4, 63, 65, 64, 32},
                                      {2, 1, 129, 127, 33, 65}};
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; ++i)
    for (int causal = 0; causal < 2; ++causal) {
      if (causal && shapes[i][2] > shapes[i][3]) continue; /* see header */
      for (int mask = 0; mask < 4; ++mask) add(s, F, dt, shapes[i], causal, mask, 0, 0, 0, 0.0);
    }
  /* Explicit scales (peaky and flat softmax). */
  const int64_t sc[6] = {2, 2, 11, 19, 12, 7};
  add(s, F, dt, sc, 0, M_NONE, 0, 0, 0, 3.0);
  add(s, F, dt, sc, 1, M_4D, 0, 0, 0, 0.05);
  add(s, F, dt, sc, 0, M_2D, 0, 0, 0, -0.75);
  /* Strided views. */
  const int64_t st[6] = {2, 3, 9, 17, 11, 13};
  add(s, F, dt, st, 0, M_NONE, p, p, p, 0.0);
  add(s, F, dt, st, 1, M_2D, r, r, r, 0.0);
  add(s, F, dt, st, 0, M_4D, r, p, 0, 0.0);
  add(s, F, dt, st, 1, M_2D_INF, 0, r, p, 0.0);
}

void phc_register_op_attention(phc_suite_t *s) {
  register_dtype(s, PH_DTYPE_F32);
  register_dtype(s, PH_DTYPE_F16);
  register_dtype(s, PH_DTYPE_BF16);
}
