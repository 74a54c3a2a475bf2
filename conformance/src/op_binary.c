/*
 * Binary elementwise op (ph_op_binary): add/sub/mul/div (correctly rounded
 * in f32), max/min (exact) and pow, on f32/f16/bf16, with numpy
 * broadcasting ([M,1] op [1,N], rank-0 scalars, rank 4 with mixed
 * broadcast, operands of different rank), strided operands, and a
 * "special" case per function of IEEE-settled values (x/0, 0/0, inf-inf,
 * 0*inf, overflow). pow takes positive bases only: the spec does not say
 * how a negative base with an integral exponent behaves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "ref.h"

enum { P_FUNC = 0, P_RA = 1, P_SA = 2, P_RB = 10, P_SB = 11, P_LA = 19, P_LB = 20, P_SPECIAL = 21 };

static const char *const k_names[PH_BINARY_COUNT_] = {"add", "sub", "mul", "div",
                                                      "max", "min", "pow"};

static phc_tol_class_t tol_class(uint32_t func) {
  switch (func) {
    case PH_BINARY_MAX:
    case PH_BINARY_MIN: return PHC_TOL_EXACT;
    case PH_BINARY_POW: return PHC_TOL_POW;
    default: return PHC_TOL_ARITH;
  }
}

static void random_pair(phc_rng_t *r, uint32_t func, double *a, double *b, bool want_a,
                        bool want_b) {
  double va, vb;
  switch (func) {
    case PH_BINARY_DIV: /* divisors away from 0 keep f16 results finite */
      va = phc_rand_uniform(r, -10, 10);
      vb = phc_rand_uniform(r, 0.1, 10) * (phc_rand_int(r, 0, 1) ? 1 : -1);
      break;
    case PH_BINARY_POW: /* results within [1e-3, 1e3] */
      va = phc_rand_uniform(r, 0.1, 10);
      vb = phc_rand_uniform(r, -3, 3);
      break;
    default:
      va = phc_rand_uniform(r, -10, 10);
      vb = phc_rand_uniform(r, -10, 10);
      break;
  }
  if (want_a) *a = va;
  if (want_b) *b = vb;
}

/* Pairs whose IEEE results are settled; |big| overflows when doubled. */
static size_t specials(uint32_t func, double big, double *a, double *b) {
  const double inf = INFINITY, nan = NAN;
  size_t n = 0;
#define PAIR(x, y) (a[n] = (x), b[n] = (y), ++n)
  switch (func) {
    case PH_BINARY_ADD:
      PAIR(inf, 1); PAIR(inf, -inf); PAIR(nan, 1); PAIR(-inf, -inf); PAIR(big, big);
      PAIR(-big, -big); PAIR(1, -1);
      break;
    case PH_BINARY_SUB:
      PAIR(inf, inf); PAIR(inf, -inf); PAIR(1, nan); PAIR(big, -big); PAIR(2, 2);
      break;
    case PH_BINARY_MUL:
      PAIR(0, inf); PAIR(inf, -2); PAIR(nan, 1); PAIR(big, 2); PAIR(-big, 2);
      break;
    case PH_BINARY_DIV:
      PAIR(1, 0); PAIR(-1, 0); PAIR(0, 0); PAIR(1, -0.0); PAIR(inf, inf); PAIR(1, inf);
      PAIR(nan, 1); PAIR(big, 0.5);
      break;
    case PH_BINARY_MAX:
    case PH_BINARY_MIN:
      PAIR(inf, 1); PAIR(-inf, 1); PAIR(-inf, inf); PAIR(-3, -3);
      break;
    case PH_BINARY_POW:
      PAIR(0, 2); PAIR(0, -1); PAIR(inf, 2); PAIR(2, -inf); PAIR(nan, 2); PAIR(4, 0.5);
      PAIR(3, 0);
      break;
    default: break;
  }
  static const double fa[] = {1.5, 3.0, 0.75, 2.5, 6.0, 1.25, 5.0, 0.5};
  static const double fb[] = {2.25, 0.5, 1.5, 3.0, 1.75, 2.0, 0.25, 4.0};
  for (size_t i = 0; i < sizeof fa / sizeof fa[0]; ++i) PAIR(fa[i], fb[i]);
#undef PAIR
  return n;
}

/* y's broadcast shape; false when the operands do not broadcast. */
static bool broadcast(uint32_t ra, const int64_t *sa, uint32_t rb, const int64_t *sb,
                      uint32_t *ry, int64_t *sy) {
  *ry = ra > rb ? ra : rb;
  for (uint32_t i = 0; i < *ry; ++i) {
    int64_t ea = i + ra >= *ry ? sa[i + ra - *ry] : 1;
    int64_t eb = i + rb >= *ry ? sb[i + rb - *ry] : 1;
    if (ea != eb && ea != 1 && eb != 1) return false;
    sy[i] = ea == 1 ? eb : ea;
  }
  return true;
}

/* Linear index into an operand of rank |r| for y's multi-index |yi|. */
static int64_t operand_index(uint32_t ry, const int64_t *yi, uint32_t r, const int64_t *s) {
  int64_t idx[PH_MAX_RANK];
  for (uint32_t i = 0; i < r; ++i) idx[i] = s[i] == 1 ? 0 : yi[i + ry - r];
  return phc_linear(r, s, idx);
}

static void run(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t func = (uint32_t)c->p[P_FUNC], dt = c->dtype;
  uint32_t ra = (uint32_t)c->p[P_RA], rb = (uint32_t)c->p[P_RB], ry;
  phc_layout_t la = (phc_layout_t)c->p[P_LA], lb = (phc_layout_t)c->p[P_LB];
  if (!phc_require_op(ctx, PH_OP_BINARY, dt, la != PHC_DENSE || lb != PHC_DENSE)) return;
  int64_t sa[PH_MAX_RANK], sb[PH_MAX_RANK], sy[PH_MAX_RANK], yi[PH_MAX_RANK];
  double va[32], vb[32];
  size_t ns = 0;
  if (c->p[P_SPECIAL]) {
    ns = specials(func, dt == PH_DTYPE_F16 ? 60000.0 : 3e38, va, vb);
    ra = rb = 1;
    sa[0] = sb[0] = (int64_t)ns;
  } else {
    for (uint32_t i = 0; i < ra; ++i) sa[i] = c->p[P_SA + i];
    for (uint32_t i = 0; i < rb; ++i) sb[i] = c->p[P_SB + i];
  }
  if (!broadcast(ra, sa, rb, sb, &ry, sy)) {
    phc_fail(ctx, "suite bug: operands do not broadcast");
    return;
  }
  phc_tensor_t a = {0}, b = {0}, y = {0};
  double *ref = NULL;
  if (!phc_tensor(ctx, &a, dt, ra, sa, la) || !phc_tensor(ctx, &b, dt, rb, sb, lb) ||
      !phc_tensor(ctx, &y, dt, ry, sy, PHC_DENSE))
    goto done;
  if (ns) {
    memcpy(a.host, va, ns * sizeof *va);
    memcpy(b.host, vb, ns * sizeof *vb);
  } else {
    int64_t n = a.numel > b.numel ? a.numel : b.numel;
    for (int64_t i = 0; i < n; ++i)
      random_pair(&ctx->rng, func, i < a.numel ? &a.host[i] : NULL,
                  i < b.numel ? &b.host[i] : NULL, i < a.numel, i < b.numel);
  }
  if (!phc_upload(ctx, &a) || !phc_upload(ctx, &b)) goto done;
  ref = malloc(sizeof *ref * (size_t)y.numel);
  if (!ref) { phc_fail(ctx, "out of host memory"); goto done; }
  for (int64_t i = 0; i < y.numel; ++i) {
    phc_unravel(ry, sy, i, yi);
    double r = phc_ref_binary(func, a.host[operand_index(ry, yi, ra, sa)],
                              b.host[operand_index(ry, yi, rb, sb)]);
    /* A finite result beyond the dtype's range is an overflow: infinity. */
    if (isfinite(r) && isinf(phc_round_to(dt, r))) r = copysign(INFINITY, r);
    ref[i] = r;
  }
  if (!phc_ok(ctx, ph_op_binary(ctx->stream, func, &a.t, &b.t, &y.t), "ph_op_binary")) goto done;
  phc_check_tensor(ctx, &y, ref, NULL, phc_tolerance(tol_class(func), dt, 0));
done:
  free(ref);
  phc_tensor_free(&a);
  phc_tensor_free(&b);
  phc_tensor_free(&y);
}

typedef struct shape_cfg {
  uint32_t ra;
  int64_t sa[4];
  uint32_t rb;
  int64_t sb[4];
  phc_layout_t la, lb;
} shape_cfg_t;

static void add_case(phc_suite_t *s, uint32_t func, uint32_t dt, uint32_t profile,
                     const shape_cfg_t *g, bool special) {
  phc_case_t c;
  memset(&c, 0, sizeof c);
  c.op = PH_OP_BINARY;
  c.dtype = dt;
  c.profile = profile;
  c.run = run;
  c.p[P_FUNC] = func;
  c.p[P_SPECIAL] = special;
  if (special) {
    phc_name(&c, "op.binary.%s.%s.special", ph_dtype_name(dt), k_names[func]);
    phc_add(s, &c);
    return;
  }
  c.p[P_RA] = g->ra;
  c.p[P_RB] = g->rb;
  c.p[P_LA] = g->la;
  c.p[P_LB] = g->lb;
  for (uint32_t i = 0; i < g->ra; ++i) c.p[P_SA + i] = g->sa[i];
  for (uint32_t i = 0; i < g->rb; ++i) c.p[P_SB + i] = g->sb[i];
  static const char *const lay[] = {"", "p", "r"};
  char da[48], db[48];
  phc_dims_text(da, sizeof da, g->ra, g->sa);
  phc_dims_text(db, sizeof db, g->rb, g->sb);
  phc_name(&c, "op.binary.%s.%s.%s%s_%s%s", ph_dtype_name(dt), k_names[func], da, lay[g->la], db,
           lay[g->lb]);
  phc_add(s, &c);
}

void phc_register_op_binary(phc_suite_t *s) {
  static const uint32_t dts[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
  /* Quick for every dtype: same shape, [M,1] op [1,N], rank-4 mixed. */
  static const shape_cfg_t quick[] = {
      {2, {7, 33}, 2, {7, 33}, PHC_DENSE, PHC_DENSE},
      {2, {17, 1}, 2, {1, 13}, PHC_DENSE, PHC_DENSE},
      {4, {2, 1, 5, 1}, 4, {1, 3, 1, 7}, PHC_DENSE, PHC_DENSE},
  };
  /* Quick for f32, full for the others: scalar and strided operands. */
  static const shape_cfg_t quick32[] = {
      {0, {0}, 2, {5, 9}, PHC_DENSE, PHC_DENSE},
      {2, {7, 33}, 2, {7, 33}, PHC_PADDED, PHC_REVERSED},
  };
  static const shape_cfg_t full[] = {
      {2, {5, 9}, 0, {0}, PHC_DENSE, PHC_DENSE},
      {0, {0}, 0, {0}, PHC_DENSE, PHC_DENSE},
      {3, {6, 1, 9}, 1, {9}, PHC_DENSE, PHC_DENSE},
      {1, {9}, 3, {6, 4, 9}, PHC_DENSE, PHC_PADDED},
      {2, {17, 1}, 2, {1, 13}, PHC_PADDED, PHC_REVERSED},
      {4, {2, 1, 5, 1}, 4, {1, 3, 1, 7}, PHC_REVERSED, PHC_PADDED},
      {4, {2, 3, 5, 7}, 4, {2, 1, 5, 1}, PHC_PADDED, PHC_DENSE},
      {2, {128, 1031}, 1, {1031}, PHC_DENSE, PHC_DENSE},
      {2, {1, 1}, 2, {1, 1}, PHC_DENSE, PHC_DENSE},
  };
  for (uint32_t f = 0; f < PH_BINARY_COUNT_; ++f) {
    for (size_t d = 0; d < sizeof dts / sizeof dts[0]; ++d) {
      uint32_t dt = dts[d];
      for (size_t i = 0; i < sizeof quick / sizeof quick[0]; ++i)
        add_case(s, f, dt, PHC_QUICK, &quick[i], false);
      for (size_t i = 0; i < sizeof quick32 / sizeof quick32[0]; ++i)
        add_case(s, f, dt, dt == PH_DTYPE_F32 ? PHC_QUICK : PHC_FULL, &quick32[i], false);
      for (size_t i = 0; i < sizeof full / sizeof full[0]; ++i)
        add_case(s, f, dt, PHC_FULL, &full[i], false);
      add_case(s, f, dt, PHC_QUICK, NULL, true);
    }
  }
}
