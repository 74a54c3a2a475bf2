/*
 * Unary elementwise op (ph_op_unary): all twelve functions on f32, f16
 * and bf16, random inputs over ranges that exercise each function (large
 * negative x for the gelu/silu tails, both exp tails, log-uniform
 * positives for log/sqrt/rsqrt), odd and strided shapes, and a "special"
 * case per function whose values IEEE arithmetic settles (NaN, infinities,
 * domain edges, overflow).
 *
 * Tolerance classes: relu/neg/abs exact; exp/log/tanh/sqrt/rsqrt their own
 * ULP rows; gelu (erf form) is COMPOSITE, not ERF: it is erf(c) (or erfc)
 * of a rounded argument followed by a multiply and an add, and in the
 * negative tail the argument's rounding alone moves erfc(z) by about
 * 2 z^2 ulps (~100 ulps at x = -10), beyond ERF's bound for any f32
 * implementation. sigmoid, silu and gelu_tanh are COMPOSITE.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "ref.h"

enum { P_FUNC = 0, P_RANK = 1, P_SHAPE = 2, P_LAYOUT = 10, P_SPECIAL = 11 };

static const char *const k_names[PH_UNARY_COUNT_] = {
    "relu", "gelu", "gelu_tanh", "silu", "sigmoid", "tanh",
    "exp",  "log",  "sqrt",      "rsqrt", "neg",    "abs"};

static phc_tol_class_t tol_class(uint32_t func) {
  switch (func) {
    case PH_UNARY_EXP: return PHC_TOL_EXP;
    case PH_UNARY_LOG: return PHC_TOL_LOG;
    case PH_UNARY_TANH: return PHC_TOL_TANH;
    case PH_UNARY_SQRT: return PHC_TOL_SQRT;
    case PH_UNARY_RSQRT: return PHC_TOL_RSQRT;
    case PH_UNARY_GELU:
    case PH_UNARY_GELU_TANH:
    case PH_UNARY_SILU:
    case PH_UNARY_SIGMOID: return PHC_TOL_COMPOSITE;
    default: return PHC_TOL_EXACT;
  }
}

/* |x f'(x)| by a central difference in fp64: how much a relative
 * perturbation of the argument moves the result (COMPOSITE's scale). */
static double arg_condition(uint32_t func, double x) {
  if (!isfinite(x) || x == 0) return 0;
  const double h = 0x1p-20;
  double d = (phc_ref_unary(func, x * (1 + h)) - phc_ref_unary(func, x * (1 - h))) / (2 * h);
  return isfinite(d) ? fabs(d) : 0;
}

/* A random input for |func| in |dtype|: ranges chosen so each function's
 * interesting region is covered and no output overflows the dtype. */
static double random_input(phc_rng_t *r, uint32_t func, uint32_t dtype) {
  bool f16 = dtype == PH_DTYPE_F16;
  switch (func) {
    case PH_UNARY_GELU: return phc_rand_uniform(r, -10, 6);
    case PH_UNARY_GELU_TANH: return phc_rand_uniform(r, -8, 6);
    case PH_UNARY_SILU: return phc_rand_uniform(r, -30, 10);
    case PH_UNARY_SIGMOID: return phc_rand_uniform(r, -30, 30);
    case PH_UNARY_TANH: return phc_rand_uniform(r, -6, 6);
    case PH_UNARY_EXP: return f16 ? phc_rand_uniform(r, -16, 11) : phc_rand_uniform(r, -80, 80);
    case PH_UNARY_LOG:
    case PH_UNARY_SQRT:
    case PH_UNARY_RSQRT: {
      double e = f16 ? 10 : 30; /* log-uniform magnitudes, subnormal f16 included */
      return exp(phc_rand_uniform(r, -e, e));
    }
    default: return phc_rand_uniform(r, -100, 100);
  }
}

/* Inputs whose results IEEE arithmetic fixes; NaN is left out of relu
 * (max(x, 0) may give either) and -inf out of gelu/silu (the limit is 0 but
 * x * 0 gives NaN: the spec does not say which). */
static size_t specials(uint32_t func, double *v) {
  const double inf = INFINITY, nan = NAN;
  size_t n = 0;
  switch (func) {
    case PH_UNARY_RELU: v[n++] = -inf; v[n++] = inf; v[n++] = 0; v[n++] = -1e30; break;
    case PH_UNARY_GELU:
    case PH_UNARY_GELU_TANH: v[n++] = inf; v[n++] = nan; v[n++] = 0; v[n++] = -20; break;
    case PH_UNARY_SILU: v[n++] = inf; v[n++] = nan; v[n++] = 0; v[n++] = -50; break;
    case PH_UNARY_SIGMOID: v[n++] = inf; v[n++] = -inf; v[n++] = nan; v[n++] = -80; break;
    case PH_UNARY_TANH: v[n++] = inf; v[n++] = -inf; v[n++] = nan; v[n++] = 20; v[n++] = -0.0; break;
    case PH_UNARY_EXP:
      v[n++] = inf; v[n++] = -inf; v[n++] = nan; v[n++] = 100; v[n++] = -200; v[n++] = 12;
      v[n++] = 0;
      break;
    case PH_UNARY_LOG:
      v[n++] = 0; v[n++] = -0.0; v[n++] = -1; v[n++] = inf; v[n++] = -inf; v[n++] = nan;
      v[n++] = 1;
      break;
    case PH_UNARY_SQRT:
      v[n++] = 0; v[n++] = -0.0; v[n++] = inf; v[n++] = -1; v[n++] = -inf; v[n++] = nan;
      break;
    case PH_UNARY_RSQRT: v[n++] = 0; v[n++] = inf; v[n++] = -1; v[n++] = nan; break;
    case PH_UNARY_NEG: v[n++] = inf; v[n++] = -inf; v[n++] = nan; v[n++] = 0; break;
    case PH_UNARY_ABS: v[n++] = -inf; v[n++] = inf; v[n++] = nan; v[n++] = -0.0; break;
    default: break;
  }
  /* Ordinary values, so the reference is not mostly special. */
  static const double filler[] = {0.25, 0.5, 1.5, 2.0, 3.0, 7.5, 0.125, 1.25, 4.5, 0.75};
  for (size_t i = 0; i < sizeof filler / sizeof filler[0]; ++i) v[n++] = filler[i];
  return n;
}

static void run(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t func = (uint32_t)c->p[P_FUNC], dt = c->dtype, rank = (uint32_t)c->p[P_RANK];
  phc_layout_t layout = (phc_layout_t)c->p[P_LAYOUT];
  if (!phc_require_op(ctx, PH_OP_UNARY, dt, layout != PHC_DENSE)) return;
  int64_t shape[PH_MAX_RANK];
  double sv[32];
  size_t ns = 0;
  if (c->p[P_SPECIAL]) {
    ns = specials(func, sv);
    rank = 1;
    shape[0] = (int64_t)ns;
  } else {
    for (uint32_t i = 0; i < rank; ++i) shape[i] = c->p[P_SHAPE + i];
  }
  phc_tensor_t x = {0}, y = {0};
  double *ref = NULL, *scale = NULL;
  if (!phc_tensor(ctx, &x, dt, rank, shape, layout) ||
      !phc_tensor(ctx, &y, dt, rank, shape, PHC_DENSE))
    goto done;
  for (int64_t i = 0; i < x.numel; ++i)
    x.host[i] = ns ? sv[i] : random_input(&ctx->rng, func, dt);
  if (!phc_upload(ctx, &x)) goto done;
  ref = malloc(sizeof *ref * (size_t)x.numel);
  if (!ref) { phc_fail(ctx, "out of host memory"); goto done; }
  for (int64_t i = 0; i < x.numel; ++i) {
    double r = phc_ref_unary(func, x.host[i]);
    /* A finite result beyond the dtype's range is an overflow: infinity. */
    if (isfinite(r) && isinf(phc_round_to(dt, r))) r = copysign(INFINITY, r);
    ref[i] = r;
  }
  phc_tol_t tol = phc_tolerance(tol_class(func), dt, 0);
  if (tol.scale_rel > 0) {
    scale = malloc(sizeof *scale * (size_t)x.numel);
    if (!scale) { phc_fail(ctx, "out of host memory"); goto done; }
    for (int64_t i = 0; i < x.numel; ++i) scale[i] = arg_condition(func, x.host[i]);
  }
  if (!phc_ok(ctx, ph_op_unary(ctx->stream, func, &x.t, &y.t), "ph_op_unary")) goto done;
  phc_check_tensor(ctx, &y, ref, scale, tol);
done:
  free(ref);
  free(scale);
  phc_tensor_free(&x);
  phc_tensor_free(&y);
}

static void add_case(phc_suite_t *s, uint32_t func, uint32_t dt, uint32_t profile, uint32_t rank,
                     const int64_t *shape, phc_layout_t layout, bool special) {
  phc_case_t c;
  memset(&c, 0, sizeof c);
  c.op = PH_OP_UNARY;
  c.dtype = dt;
  c.profile = profile;
  c.run = run;
  c.p[P_FUNC] = func;
  c.p[P_RANK] = rank;
  c.p[P_LAYOUT] = layout;
  c.p[P_SPECIAL] = special;
  char dims[96] = "";
  for (uint32_t i = 0; i < rank; ++i) c.p[P_SHAPE + i] = shape[i];
  phc_dims_text(dims, sizeof dims, rank, shape);
  if (rank == 0) snprintf(dims, sizeof dims, "scalar");
  if (special)
    phc_name(&c, "op.unary.%s.%s.special", ph_dtype_name(dt), k_names[func]);
  else
    phc_name(&c, "op.unary.%s.%s.%s%s", ph_dtype_name(dt), k_names[func], dims,
             phc_layout_suffix(layout));
  phc_add(s, &c);
}

void phc_register_op_unary(phc_suite_t *s) {
  static const uint32_t dts[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
  static const int64_t odd[] = {7, 33}, one[] = {1}, pad[] = {63, 129}, rev[] = {3, 5, 7},
                       big[] = {128, 1031}, small_pad[] = {5, 13};
  for (uint32_t f = 0; f < PH_UNARY_COUNT_; ++f) {
    for (size_t d = 0; d < sizeof dts / sizeof dts[0]; ++d) {
      uint32_t dt = dts[d];
      add_case(s, f, dt, PHC_QUICK, 2, odd, PHC_DENSE, false);
      add_case(s, f, dt, PHC_QUICK, 0, NULL, PHC_DENSE, true);
      add_case(s, f, dt, dt == PH_DTYPE_F32 ? PHC_QUICK : PHC_FULL, 2, small_pad, PHC_PADDED,
               false);
      add_case(s, f, dt, PHC_FULL, 1, one, PHC_DENSE, false);
      add_case(s, f, dt, PHC_FULL, 0, NULL, PHC_DENSE, false); /* rank 0 */
      add_case(s, f, dt, PHC_FULL, 2, pad, PHC_PADDED, false);
      add_case(s, f, dt, PHC_FULL, 3, rev, PHC_REVERSED, false);
      add_case(s, f, dt, PHC_FULL, 2, big, PHC_DENSE, false);
    }
  }
}
