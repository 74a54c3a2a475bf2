/*
 * Tests the reference attention kernel (kernels/ref/attention.c) against
 * an fp64 softmax(scale q.k^T + mask) v written here: odd sizes, causal
 * with Sq == Sk, Sq < Sk and Sq > Sk, additive masks (dense, broadcast by
 * zero strides, with -inf entries and fully masked rows), non-contiguous
 * q/k/v, every dtype. Each case runs split into 1 and into 3 ranges; both
 * must agree bit for bit.
 */
#include "ktest.h"

/*===--- cases --------------------------------------------------------===*/

enum { MASK_RANDOM = 0, MASK_WITH_INF = 1 };

typedef struct attn_case {
  const char *name;
  int64_t b, h, sq, sk, d, dv;
  uint32_t causal, has_mask;
  uint32_t mask_bcast; /* dims of the mask with stride 0 */
  int mask_kind;       /* MASK_WITH_INF: scattered -inf and row 1 all -inf */
  int q_style, k_style, v_style, mask_style;
} attn_case_t;

/* Fields in order: name, b, h, sq, sk, d, dv, causal, has_mask,
 * mask_bcast, mask_kind, q/k/v/mask_style. */
static const attn_case_t cases[] = {
    {"1x1x1", 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0},
    {"basic", 2, 3, 7, 7, 5, 3, 0, 0, 0, 0, 0, 0, 0, 0},
    {"causal square", 2, 3, 7, 7, 8, 8, 1, 0, 0, 0, 0, 0, 0, 0},
    {"causal sq < sk", 1, 2, 3, 9, 5, 7, 1, 0, 0, 0, 0, 0, 0, 0},
    {"causal sq > sk (rows with no key)", 1, 2, 5, 3, 4, 2, 1, 0, 0, 0, 0, 0, 0, 0},
    {"mask dense", 2, 2, 5, 9, 4, 4, 0, 1, 0, MASK_RANDOM, 0, 0, 0, 0},
    {"mask [1,1,1,sk] with -inf", 2, 3, 7, 9, 4, 5, 0, 1, 7, MASK_WITH_INF, 0, 0, 0, 0},
    {"mask [1,1,sq,sk], a fully masked row", 2, 2, 4, 6, 3, 3, 0, 1, 3, MASK_WITH_INF, 0, 0, 0, 0},
    {"causal + mask", 2, 2, 7, 7, 5, 5, 1, 1, 1, MASK_RANDOM, 0, 0, 0, 0},
    {"strided q k v mask", 2, 3, 7, 9, 5, 3, 0, 1, 2, MASK_RANDOM, ST_GAPS, ST_REVERSED, ST_GAPS, ST_REVERSED},
    {"strided mask, causal", 1, 2, 5, 8, 3, 4, 1, 1, 0, MASK_WITH_INF, 0, 0, 0, ST_GAPS},
    {"long causal", 1, 1, 63, 129, 64, 63, 1, 0, 0, 0, ST_REVERSED, ST_GAPS, 0, 0},
};

static void run_case(const attn_case_t *cs, uint32_t dt) {
  char what[160];
  snprintf(what, sizeof what, "%s [%s]", cs->name, dt_name(dt));
  const int64_t B = cs->b, H = cs->h, SQ = cs->sq, SK = cs->sk, D = cs->d, DV = cs->dv;
  const int64_t qs[4] = {B, H, SQ, D}, ks[4] = {B, H, SK, D}, vs[4] = {B, H, SK, DV};
  const int64_t ms[4] = {B, H, SQ, SK}, ys[4] = {B, H, SQ, DV};

  ph_kview_t in[4];
  in[0] = tv_make(dt, 4, qs, 0, cs->q_style);
  tv_fill(&in[0], -2, 2, 0);
  in[1] = tv_make(dt, 4, ks, 0, cs->k_style);
  tv_fill(&in[1], -2, 2, 0);
  in[2] = tv_make(dt, 4, vs, 0, cs->v_style);
  tv_fill(&in[2], -1, 1, 0);
  if (cs->has_mask) {
    in[3] = tv_make(dt, 4, ms, cs->mask_bcast, cs->mask_style);
    tv_fill(&in[3], -3, 1, 0);
    if (cs->mask_kind == MASK_WITH_INF) {
      int64_t n = ph_kview_numel(&in[3]);
      for (int64_t i = 0; i < n; i += 4)
        ph_kstore(in[3].data, dt, ph_kview_offset(&in[3], i), -INFINITY);
      if (!((cs->mask_bcast >> 2) & 1u)) /* query row 1 sees no key at all */
        for (int64_t i = 0; i < n; ++i)
          if ((i / SK) % SQ == 1) ph_kstore(in[3].data, dt, ph_kview_offset(&in[3], i), -INFINITY);
    }
  }
  const size_t nin = cs->has_mask ? 4 : 3;
  ph_kview_t y1 = tv_output(dt, 4, ys), y3 = tv_output(dt, 4, ys);

  ph_attention_attrs_t at = {sizeof at, (float)(1.0 / sqrt((double)D)), cs->causal,
                             cs->has_mask};
  ph_kargs_t args = {PH_OP_ATTENTION, nin, in, 1, &y1, &at};
  KT_CHECK(ph_ref_attention.units(&args) == B * H * SQ, "%s: units %lld", what,
           (long long)ph_ref_attention.units(&args));
  run_split(what, &ph_ref_attention, &args, &y1, &y3);

  double *q = tv_doubles(&in[0]), *k = tv_doubles(&in[1]), *v = tv_doubles(&in[2]);
  double *mask = cs->has_mask ? tv_doubles(&in[3]) : NULL;
  const int64_t ny = B * H * SQ * DV;
  double *want = malloc((size_t)ny * sizeof *want), *tol = malloc((size_t)ny * sizeof *tol);
  double *s = malloc((size_t)SK * sizeof *s);
  const double u = ldexp(1.0, -24); /* f32 unit roundoff */
  const double scale = (double)at.scale;
  int all_exact = 1;
  for (int64_t bh = 0; bh < B * H; ++bh)
    for (int64_t i = 0; i < SQ; ++i) {
      double mx = -INFINITY, serr = 0;
      for (int64_t j = 0; j < SK; ++j) {
        if (cs->causal && j > i + (SK - SQ)) {
          s[j] = -INFINITY;
          continue;
        }
        double dot = 0, mag = 0;
        for (int64_t d = 0; d < D; ++d) {
          double p = q[(bh * SQ + i) * D + d] * k[(bh * SK + j) * D + d];
          dot += p, mag += fabs(p);
        }
        double mv = mask ? mask[(bh * SQ + i) * SK + j] : 0;
        s[j] = scale * dot + mv;
        /* f32 dot product of D terms, the scale and the mask add: at most
         * (D+2)u of the magnitudes involved (Higham gamma_n). */
        if (!isinf(mv)) serr = fmax(serr, (double)(D + 2) * u * (scale * mag + fabs(mv)));
        mx = fmax(mx, s[j]);
      }
      int64_t visible = 0;
      for (int64_t j = 0; j < SK; ++j) visible += s[j] != -INFINITY;
      double sum = 0;
      for (int64_t j = 0; j < SK; ++j) {
        s[j] = mx == -INFINITY ? 0 : exp(s[j] - mx);
        sum += s[j];
      }
      for (int64_t e = 0; e < DV; ++e) {
        double acc = 0, mag = 0;
        for (int64_t j = 0; j < SK; ++j) {
          acc += s[j] * v[(bh * SK + j) * DV + e];
          mag += s[j] * fabs(v[(bh * SK + j) * DV + e]);
        }
        const int64_t o = (bh * SQ + i) * DV + e;
        want[o] = sum > 0 ? acc / sum : 0; /* no visible key: 0 */
        /* Each weight exp(s_j - max) errs relatively by twice the score
         * error plus expf's few ulps; summing Sk weights and Sk weighted
         * values in f32 and dividing adds (2 Sk + 3)u. All of it scales
         * sum p|v| / sum p. The store rounds once: kt_eps * |y|, with f16's
         * subnormal spacing as a floor. */
        tol[o] = (4.0 * serr + (double)(2 * SK + 8) * u) * (sum > 0 ? mag / sum : 0) +
                 kt_eps(dt) * fabs(want[o]) + (dt == PH_DTYPE_F16 ? ldexp(1.0, -24) : 1e-30);
        /* One visible key: its weight is exp(0) = 1 exactly and y = v_j
         * bit for bit; none: y = 0 exactly. */
        if (visible <= 1) tol[o] = 0;
        all_exact &= tol[o] == 0;
      }
    }
  if (all_exact) {
    kt_compare(what, &y1, want, 0, 0);
    kt_compare(what, &y3, want, 0, 0);
  } else {
    check_bound(what, &y1, want, tol);
    check_bound(what, &y3, want, tol);
  }

  free(q), free(k), free(v), free(mask), free(want), free(tol), free(s);
  for (size_t i = 0; i < nin; ++i) free(in[i].data);
  free(y1.data), free(y3.data);
}

int main(void) {
  kt_seed(0x617474656eull); /* "atten" */
  printf("test_attention: seed 0x617474656e\n");

  const uint32_t dts[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
  for (size_t t = 0; t < 3; ++t)
    KT_CHECK(ph_ref_attention.caps(dts[t]) == (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED),
             "caps(%s)", dt_name(dts[t]));
  KT_CHECK(ph_ref_attention.caps(PH_DTYPE_I8) == 0, "caps(i8) should be 0");
  KT_CHECK(ph_ref_attention.caps(PH_DTYPE_I32) == 0, "caps(i32) should be 0");
  KT_CHECK(ph_ref_attention.op == PH_OP_ATTENTION, "op kind");

  for (size_t t = 0; t < 3; ++t)
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) run_case(&cases[i], dts[t]);
  /* No keys at all (Sk = 0): every row has nothing to attend to, y = 0. */
  {
    const int64_t qs[4] = {1, 2, 3, 4}, ks[4] = {1, 2, 0, 4}, vs[4] = {1, 2, 0, 5},
                  ys[4] = {1, 2, 3, 5};
    ph_kview_t in[3] = {tv_make(PH_DTYPE_F32, 4, qs, 0, ST_DENSE),
                        tv_make(PH_DTYPE_F32, 4, ks, 0, ST_DENSE),
                        tv_make(PH_DTYPE_F32, 4, vs, 0, ST_DENSE)};
    tv_fill(&in[0], -1, 1, 0);
    ph_kview_t y = tv_output(PH_DTYPE_F32, 4, ys);
    ph_attention_attrs_t at = {sizeof at, 0.5f, 0, 0};
    ph_kargs_t args = {PH_OP_ATTENTION, 3, in, 1, &y, &at};
    KT_CHECK(kt_run(&ph_ref_attention, &args, 3) == PH_OK, "sk 0: run");
    double zeros[30] = {0};
    kt_compare("sk 0", &y, zeros, 0, 0);
    /* What the API rejects must still not crash run(). */
    args.attrs = NULL;
    KT_CHECK(ph_ref_attention.units(&args) == 0, "no attrs: units should be 0");
    KT_CHECK(ph_ref_attention.run(&args, 0, 1) == PH_ERROR_INVALID_ARGUMENT, "no attrs: run");
    at.has_mask = 1;
    args.attrs = &at;
    KT_CHECK(ph_ref_attention.run(&args, 0, 1) == PH_ERROR_INVALID_ARGUMENT, "missing mask");
    for (int i = 0; i < 3; ++i) free(in[i].data);
    free(y.data);
  }
  return kt_finish("test_attention");
}
