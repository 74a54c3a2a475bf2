/*
 * Cast (ph_op_cast) between every ordered pair of f32, f16, bf16, i8 and
 * i32 (identity included). The reference is phc_round_to(out, x) of the
 * exact input, and every cast is EXACT: round to nearest even (ties such
 * as 2.5 and halfway points between f16/bf16 values), overflow to
 * infinity for floats, saturation and NaN -> 0 for integers, subnormals.
 * Because the whole op rests on phc_round_to, the special case first
 * checks phc_round_to against hand-worked values.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "ref.h"

enum { P_OUT = 0, P_RANDOM = 1, P_LAYOUT = 2, P_M = 3, P_N = 4 };

static const uint32_t k_dtypes[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16, PH_DTYPE_I8,
                                    PH_DTYPE_I32};

/* Values chosen to hit a rounding rule of some pair (rounded to the input
 * dtype first, so each input dtype sees its own version of them). */
static size_t special_values(double *v) {
  static const double list[] = {
      0, -0.0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 42, -7.75, 0.1, 127, 127.5, 128, -128,
      -128.5, -129, 255.5, 300, -300, 1e10, -1e10, 2147483520.0, 2147483648.0, -2147483648.0,
      65504, 65519, 65520, -65520, 1e5,
      3.4e38, -3e38,
      1 + 0x1p-11,     /* f16 tie between 1 and 1+2^-10: to 1 */
      1 + 3 * 0x1p-11, /* f16 tie: to 1+2^-9 (even) */
      0x1p-24,         /* f16 smallest subnormal */
      3 * 0x1p-25,     /* f16 subnormal tie: to 2^-23 */
      0x1p-25,         /* f16 tie with 0: to 0 */
      5 * 0x1p-24,     /* f16 subnormal */
      0x1p-14, 1e-5, 1 + 0x1p-8, 1 + 3 * 0x1p-8, /* bf16 ties */
      257, 259, 16777217, 16777219, /* bf16 / f32 integer ties */
      0x1p-126, 1e-40,              /* f32 min normal, f32 subnormal */
      NAN, INFINITY, -INFINITY};
  size_t n = sizeof list / sizeof list[0];
  memcpy(v, list, sizeof list);
  return n;
}

/* Hand-worked roundings; a wrong phc_round_to would make every cast check
 * compare against the wrong thing. */
static bool self_check(phc_ctx_t *ctx) {
  static const struct { uint32_t dt; double in, want; } t[] = {
      {PH_DTYPE_I8, 2.5, 2}, {PH_DTYPE_I8, -0.5, 0}, {PH_DTYPE_I8, 3.5, 4},
      {PH_DTYPE_I8, 300, 127}, {PH_DTYPE_I8, -300, -128}, {PH_DTYPE_I8, NAN, 0},
      {PH_DTYPE_I8, INFINITY, 127}, {PH_DTYPE_I32, -1e10, -2147483648.0},
      {PH_DTYPE_I32, 1e10, 2147483647.0}, {PH_DTYPE_I32, -2.5, -2}, {PH_DTYPE_I32, NAN, 0},
      {PH_DTYPE_F16, 65520, INFINITY}, {PH_DTYPE_F16, 65519, 65504},
      {PH_DTYPE_F16, -65520, -INFINITY}, {PH_DTYPE_F16, 1 + 0x1p-11, 1},
      {PH_DTYPE_F16, 1 + 3 * 0x1p-11, 1 + 0x1p-9}, {PH_DTYPE_F16, 0x1p-25, 0},
      {PH_DTYPE_F16, 3 * 0x1p-25, 0x1p-23}, {PH_DTYPE_F16, 0x1p-24, 0x1p-24},
      {PH_DTYPE_BF16, 1 + 0x1p-8, 1}, {PH_DTYPE_BF16, 1 + 3 * 0x1p-8, 1 + 0x1p-6},
      {PH_DTYPE_BF16, 257, 256}, {PH_DTYPE_BF16, 259, 260}, {PH_DTYPE_BF16, 3.4e38, INFINITY},
      {PH_DTYPE_F32, 16777217, 16777216}, {PH_DTYPE_F32, 16777219, 16777220},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; ++i) {
    double got = phc_round_to(t[i].dt, t[i].in);
    if (!(got == t[i].want)) {
      phc_fail(ctx, "reference self-check: phc_round_to(%s, %.17g) = %.17g, want %.17g",
               ph_dtype_name(t[i].dt), t[i].in, got, t[i].want);
      return false;
    }
  }
  return true;
}

/* A random input for |dt|: a mix of wide magnitudes, integers, exact
 * halves (ties for every integer output) and values around i8's range. */
static double random_value(phc_rng_t *r, uint32_t dt) {
  if (dt == PH_DTYPE_I8) return (double)phc_rand_int(r, -128, 127);
  if (dt == PH_DTYPE_I32) {
    switch (phc_rand_int(r, 0, 2)) {
      case 0: return (double)phc_rand_int(r, INT32_MIN, INT32_MAX);
      case 1: return (double)phc_rand_int(r, -300, 300);
      default: return (double)phc_rand_int(r, -(1 << 25), 1 << 25);
    }
  }
  double sign = phc_rand_int(r, 0, 1) ? 1 : -1;
  switch (phc_rand_int(r, 0, 3)) {
    case 0: return phc_rand_uniform(r, -300, 300);
    case 1: return (double)phc_rand_int(r, -200, 200) + 0.5;
    case 2: return sign * exp2(phc_rand_uniform(r, -30, 20));
    default: return sign * exp2(phc_rand_uniform(r, -140, 130));
  }
}

static void run(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t in = c->dtype, out = (uint32_t)c->p[P_OUT];
  phc_layout_t layout = (phc_layout_t)c->p[P_LAYOUT];
  if (!phc_require_op(ctx, PH_OP_CAST, in, layout != PHC_DENSE)) return;
  if (!(ctx->props.dtypes & (1u << out))) {
    phc_skip(ctx, "device does not store %s", ph_dtype_name(out));
    return;
  }
  double sv[64];
  size_t ns = 0;
  int64_t shape[2];
  uint32_t rank;
  if (c->p[P_RANDOM]) {
    rank = 2;
    shape[0] = c->p[P_M];
    shape[1] = c->p[P_N];
  } else {
    if (!self_check(ctx)) return;
    ns = special_values(sv);
    rank = 1;
    shape[0] = (int64_t)ns;
  }
  phc_tensor_t x = {0}, y = {0};
  double *ref = NULL;
  if (!phc_tensor(ctx, &x, in, rank, shape, layout) ||
      !phc_tensor(ctx, &y, out, rank, shape, PHC_DENSE))
    goto done;
  for (int64_t i = 0; i < x.numel; ++i)
    x.host[i] = phc_round_to(in, ns ? sv[i] : random_value(&ctx->rng, in));
  if (!phc_upload(ctx, &x)) goto done;
  ref = malloc(sizeof *ref * (size_t)x.numel);
  if (!ref) { phc_fail(ctx, "out of host memory"); goto done; }
  for (int64_t i = 0; i < x.numel; ++i) ref[i] = phc_round_to(out, x.host[i]);
  if (!phc_ok(ctx, ph_op_cast(ctx->stream, &x.t, &y.t), "ph_op_cast")) goto done;
  phc_check_tensor(ctx, &y, ref, NULL, phc_tolerance(PHC_TOL_EXACT, out, 0));
done:
  free(ref);
  phc_tensor_free(&x);
  phc_tensor_free(&y);
}

static void add_case(phc_suite_t *s, uint32_t in, uint32_t out, uint32_t profile, bool random,
                     phc_layout_t layout, int64_t m, int64_t n) {
  phc_case_t c;
  memset(&c, 0, sizeof c);
  c.op = PH_OP_CAST;
  c.dtype = in;
  c.profile = profile;
  c.run = run;
  c.p[P_OUT] = out;
  c.p[P_RANDOM] = random;
  c.p[P_LAYOUT] = layout;
  c.p[P_M] = m;
  c.p[P_N] = n;
  if (random)
    phc_name(&c, "op.cast.%s.to_%s.%lldx%lld%s", ph_dtype_name(in), ph_dtype_name(out),
             (long long)m, (long long)n,
             phc_layout_suffix(layout));
  else
    phc_name(&c, "op.cast.%s.to_%s.special", ph_dtype_name(in), ph_dtype_name(out));
  phc_add(s, &c);
}

void phc_register_op_cast(phc_suite_t *s) {
  const size_t nd = sizeof k_dtypes / sizeof k_dtypes[0];
  for (size_t i = 0; i < nd; ++i)
    for (size_t o = 0; o < nd; ++o) {
      uint32_t in = k_dtypes[i], out = k_dtypes[o];
      add_case(s, in, out, PHC_QUICK, false, PHC_DENSE, 0, 0);
      add_case(s, in, out, PHC_FULL, true, PHC_DENSE, 37, 29);
      add_case(s, in, out, PHC_FULL, true, o % 2 ? PHC_PADDED : PHC_REVERSED, 65, 33);
    }
}
