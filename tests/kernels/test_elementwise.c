/*
 * Tests of the reference unary and binary kernels against fp64 results
 * computed here from the exact inputs: every function, f32/f16/bf16, odd
 * sizes, padded, transposed and broadcast (stride 0 in every position)
 * inputs, NaN/Inf/zero/overflow edge values, runs whole and in 3 parts.
 *
 * Tolerance policy (f32 results), in units of 2^-23 * |want| (>= 1 ulp):
 * - relu, neg, abs, max, min: exact.
 * - add, sub, mul, div: 1 (IEEE operations round correctly: 0.5 ulp).
 * - sqrt 1, exp and log 2 (glibc documents <= 1 ulp for these), rsqrt 2
 *   (sqrt then divide: two roundings), tanh 3 (glibc tanhf <= 2 ulp), pow
 *   2 (glibc powf < 1 ulp).
 * - sigmoid 4, silu 5: one expf (1 ulp) plus two or three roundings.
 * - gelu 6 + 2*cond, gelu_tanh 8 + 4*cond: their f32 arguments (x/sqrt2,
 *   the cubic) carry one to three roundings, which erfc / the exponential
 *   amplify by the function's condition number |x f'(x) / f(x)|,
 *   estimated here numerically in double.
 * Results below FLT_MIN may be off by up to FLT_MIN (subnormal
 * intermediates lose relative precision). f16/bf16 results add kt_eps
 * (one ulp of the output format; rounding costs half of it), with atol
 * one f16 subnormal step (2^-24) or FLT_MIN for bf16. A result that
 * equals the exactly rounded reference always passes (covers overflow
 * to infinity in f16).
 */
#include <float.h>

#include "ktest.h"

#define NFDT 3
static const uint32_t fdtypes[NFDT] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};

/* ---- independent rounding (double and ldexp only; dec_f16, dec_bf16,
 * round_fmt are in ktest.h) ---- */

static double round_dt(double x, uint32_t dt) {
  switch (dt) {
    case PH_DTYPE_F16: return round_fmt(x, 11, -14, 65504.0);
    case PH_DTYPE_BF16: return round_fmt(x, 8, -126, ldexp(255, 120));
    default: return round_fmt(x, 24, -126, FLT_MAX);
  }
}
static double raw_get(const void *data, uint32_t dt, int64_t off) {
  const unsigned char *p = (const unsigned char *)data + off * (int64_t)kt_dtype_size(dt);
  float f;
  uint16_t h;
  switch (dt) {
    case PH_DTYPE_F32: memcpy(&f, p, 4); return f;
    case PH_DTYPE_F16: memcpy(&h, p, 2); return dec_f16(h);
    default: memcpy(&h, p, 2); return dec_bf16(h);
  }
}
static int64_t numel(uint32_t rank, const int64_t *shape) {
  int64_t n = 1;
  for (uint32_t d = 0; d < rank; ++d) n *= shape[d];
  return n;
}

/* ---- views ---- */

/* A view of |shape|: axes in |bcast| (bit d) get stride 0; the others are
 * laid out row-major, or column-major if |transposed|, with gaps between
 * elements and rows if |padded|. *|count| = stored elements. */
static ph_kview_t make_view(uint32_t dt, uint32_t rank, const int64_t *shape, unsigned bcast,
                            int transposed, int padded, int64_t *count) {
  ph_kview_t v;
  memset(&v, 0, sizeof v);
  v.dtype = dt;
  v.rank = rank;
  int64_t s = padded ? 2 : 1, maxoff = 0;
  for (uint32_t k = 0; k < rank; ++k) {
    uint32_t d = transposed ? k : rank - 1 - k;
    v.shape[d] = shape[d];
    v.strides[d] = (bcast >> d) & 1 ? 0 : s;
    if (!((bcast >> d) & 1)) s = s * shape[d] + (padded ? 3 : 0);
    maxoff += (shape[d] - 1) * v.strides[d];
  }
  *count = maxoff + 1;
  v.data = calloc((size_t)*count, kt_dtype_size(dt));
  return v;
}

static const double edges[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 100, -100, 1e-30, -1e-30,
                               88.8, -88, -104, 1e30, -1e30, 10, -10, 0.5, 1, -1, 1e-7};
#define NEDGE (sizeof edges / sizeof edges[0])

/* Random values in [lo, hi), one in 8 replaced by an edge value. */
static void fill(ph_kview_t *v, int64_t count, double lo, double hi) {
  for (int64_t i = 0; i < count; ++i) {
    double x = kt_next() % 8 == 0 ? edges[kt_next() % NEDGE] : kt_uniform(lo, hi);
    ph_kstore(v->data, v->dtype, i, (float)x);
  }
}

/* |got| against fp64 |want|, |ulps| as in the header comment. */
static int close_enough(double got, double want, double ulps, uint32_t dt) {
  if (isnan(want) || isnan(got)) return isnan(want) && isnan(got);
  if (got == round_dt(want, dt)) return 1;
  if (isinf(want) || isinf(got)) return 0;
  double rtol = ulps * 0x1p-23, atol = FLT_MIN;
  if (dt == PH_DTYPE_F16) rtol += kt_eps(dt), atol = 0x1p-24;
  if (dt == PH_DTYPE_BF16) rtol += kt_eps(dt);
  return fabs(got - want) <= atol + rtol * fabs(want);
}

/* ---- unary ---- */

static const char *unary_name[PH_UNARY_COUNT_] = {"relu", "gelu", "gelu_tanh", "silu", "sigmoid",
                                                  "tanh", "exp", "log", "sqrt", "rsqrt",
                                                  "neg", "abs"};

static double ref_unary(uint32_t f, double x) {
  switch (f) {
    case PH_UNARY_RELU: return isnan(x) ? x : x > 0 ? x : 0;
    case PH_UNARY_GELU:
      if (isinf(x)) return x > 0 ? x : 0; /* limits */
      return 0.5 * x * erfc(-x / sqrt(2.0)); /* == 0.5x(1 + erf(x/sqrt2)) */
    case PH_UNARY_GELU_TANH: {
      if (isinf(x)) return x > 0 ? x : 0;
      double u = sqrt(2.0 / acos(-1.0)) * (x + 0.044715 * x * x * x);
      /* 0.5(1 + tanh u) == 1 / (1 + e^-2u), exact in double for x < 0 */
      return x / (1.0 + exp(-2.0 * u));
    }
    case PH_UNARY_SILU:
      if (isinf(x)) return x > 0 ? x : 0;
      return x / (1.0 + exp(-x));
    case PH_UNARY_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case PH_UNARY_TANH: return tanh(x);
    case PH_UNARY_EXP: return exp(x);
    case PH_UNARY_LOG: return log(x);
    case PH_UNARY_SQRT: return sqrt(x);
    case PH_UNARY_RSQRT: return 1.0 / sqrt(x);
    case PH_UNARY_NEG: return -x;
    default: return fabs(x);
  }
}

/* |x f'(x) / f(x)| by central difference; 0 where undefined. */
static double cond_unary(uint32_t f, double x) {
  double fx = ref_unary(f, x), h = 1e-6;
  if (fx == 0 || !isfinite(fx) || x == 0) return 0;
  double c = (ref_unary(f, x * (1 + h)) - ref_unary(f, x * (1 - h))) / (2 * h * fx);
  return isfinite(c) ? fabs(c) : 0;
}

static double unary_ulps(uint32_t f, double x) {
  switch (f) {
    case PH_UNARY_GELU: return 6 + 2 * cond_unary(f, x);
    case PH_UNARY_GELU_TANH: return 8 + 4 * cond_unary(f, x);
    case PH_UNARY_SILU: return 5;
    case PH_UNARY_SIGMOID: return 4;
    case PH_UNARY_TANH: return 3;
    case PH_UNARY_EXP: case PH_UNARY_LOG: case PH_UNARY_RSQRT: return 2;
    case PH_UNARY_SQRT: return 1;
    default: return 0;
  }
}

static void check_unary(uint32_t func, ph_kview_t *x, const char *what) {
  int64_t n = numel(x->rank, x->shape);
  ph_kview_t y = kt_dense(x->dtype, x->rank, x->shape);
  ph_unary_attrs_t at = {sizeof at, func};
  ph_kargs_t a = {PH_OP_UNARY, 1, x, 1, &y, &at};
  KT_CHECK(ph_ref_unary.units(&a) == n, "unary units");
  for (int parts = 1; parts <= 3; parts += 2) {
    memset(y.data, 0xff, (size_t)n * kt_dtype_size(y.dtype)); /* NaN: unwritten shows */
    KT_CHECK(kt_run(&ph_ref_unary, &a, parts) == PH_OK, "unary status");
    int64_t bad = 0;
    for (int64_t i = 0; i < n; ++i) {
      double in = raw_get(x->data, x->dtype, t_offset(x, i));
      double want = ref_unary(func, in), got = raw_get(y.data, y.dtype, i);
      if (!close_enough(got, want, unary_ulps(func, in), y.dtype) && bad++ == 0)
        fprintf(stderr, "  %s %s dtype %u parts %d elem %lld: %s(%.9g) got %.9g want %.9g\n",
                unary_name[func], what, x->dtype, parts, (long long)i, unary_name[func], in,
                got, want);
    }
    KT_CHECK(bad == 0, "unary %s %s dtype %u: %lld of %lld wrong", unary_name[func], what,
             x->dtype, (long long)bad, (long long)n);
  }
  free(y.data);
}

static void test_unary(void) {
  static const int64_t sizes[][2] = {{1, 1}, {1, 7}, {7, 63}, {63, 129}, {129, 1}};
  static const struct { unsigned bcast; int tr, pad; const char *name; } lay[] = {
      {0, 0, 0, "dense"}, {0, 0, 1, "padded"}, {0, 1, 0, "transposed"},
      {1, 0, 0, "bcast0"}, {2, 1, 1, "bcast1"}};
  for (uint32_t f = 0; f < PH_UNARY_COUNT_; ++f)
    for (int t = 0; t < NFDT; ++t)
      for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s)
        for (size_t l = 0; l < sizeof lay / sizeof lay[0]; ++l) {
          int64_t count;
          ph_kview_t x = make_view(fdtypes[t], 2, sizes[s], lay[l].bcast, lay[l].tr,
                                   lay[l].pad, &count);
          int positive = f == PH_UNARY_LOG || f == PH_UNARY_SQRT || f == PH_UNARY_RSQRT;
          fill(&x, count, positive ? -1 : -12, 12);
          check_unary(f, &x, lay[l].name);
          free(x.data);
        }
  /* Every edge value through every function, rank 1. */
  for (uint32_t f = 0; f < PH_UNARY_COUNT_; ++f)
    for (int t = 0; t < NFDT; ++t) {
      int64_t n = (int64_t)NEDGE;
      ph_kview_t x = kt_dense(fdtypes[t], 1, &n);
      for (int64_t i = 0; i < n; ++i) ph_kstore(x.data, x.dtype, i, (float)edges[i]);
      check_unary(f, &x, "edges");
      free(x.data);
    }
  /* Rank 0. */
  float v = -2.0f;
  ph_kview_t x0;
  memset(&x0, 0, sizeof x0);
  x0.dtype = PH_DTYPE_F32;
  x0.data = &v;
  check_unary(PH_UNARY_EXP, &x0, "rank0");
  /* Values the spec names, with hand-written expectations. */
  float in[] = {NAN, -3.0f, 100.0f, -100.0f, INFINITY, -INFINITY};
  int64_t n = 6;
  ph_kview_t x = kt_dense(PH_DTYPE_F32, 1, &n), y = kt_dense(PH_DTYPE_F32, 1, &n);
  memcpy(x.data, in, sizeof in);
  ph_unary_attrs_t at = {sizeof at, PH_UNARY_RELU};
  ph_kargs_t a = {PH_OP_UNARY, 1, &x, 1, &y, &at};
  kt_run(&ph_ref_unary, &a, 1);
  float *yo = y.data;
  KT_CHECK(isnan(yo[0]) && yo[1] == 0 && yo[2] == 100 && yo[4] == INFINITY && yo[5] == 0,
           "relu named cases");
  at.func = PH_UNARY_SIGMOID;
  kt_run(&ph_ref_unary, &a, 3);
  KT_CHECK(isnan(yo[0]) && yo[2] == 1.0f && yo[3] > 0 && yo[3] < 1e-43f && yo[4] == 1 &&
               yo[5] == 0,
           "sigmoid at +-100/inf: %g %g", yo[2], yo[3]);
  free(x.data);
  free(y.data);
}

/* ---- binary ---- */

static const char *binary_name[PH_BINARY_COUNT_] = {"add", "sub", "mul", "div", "max", "min",
                                                    "pow"};

static double ref_binary(uint32_t f, double a, double b) {
  switch (f) {
    case PH_BINARY_ADD: return a + b;
    case PH_BINARY_SUB: return a - b;
    case PH_BINARY_MUL: return a * b;
    case PH_BINARY_DIV: return a / b;
    case PH_BINARY_MAX: return isnan(a) || isnan(b) ? NAN : a > b ? a : b;
    case PH_BINARY_MIN: return isnan(a) || isnan(b) ? NAN : a < b ? a : b;
    default: return pow(a, b);
  }
}
static double binary_ulps(uint32_t f) {
  switch (f) {
    case PH_BINARY_MAX: case PH_BINARY_MIN: return 0;
    case PH_BINARY_POW: return 2;
    default: return 1;
  }
}

static void check_binary(uint32_t func, ph_kview_t *a, ph_kview_t *b, const char *what) {
  int64_t n = numel(a->rank, a->shape);
  ph_kview_t y = kt_dense(a->dtype, a->rank, a->shape);
  ph_binary_attrs_t at = {sizeof at, func};
  ph_kview_t in[2] = {*a, *b};
  ph_kargs_t args = {PH_OP_BINARY, 2, in, 1, &y, &at};
  KT_CHECK(ph_ref_binary.units(&args) == n, "binary units");
  for (int parts = 1; parts <= 3; parts += 2) {
    memset(y.data, 0xff, (size_t)n * kt_dtype_size(y.dtype));
    KT_CHECK(kt_run(&ph_ref_binary, &args, parts) == PH_OK, "binary status");
    int64_t bad = 0;
    for (int64_t i = 0; i < n; ++i) {
      double va = raw_get(a->data, a->dtype, t_offset(a, i));
      double vb = raw_get(b->data, b->dtype, t_offset(b, i));
      double want = ref_binary(func, va, vb), got = raw_get(y.data, y.dtype, i);
      if (!close_enough(got, want, binary_ulps(func), y.dtype) && bad++ == 0)
        fprintf(stderr, "  %s %s dtype %u parts %d elem %lld: (%.9g, %.9g) got %.9g want %.9g\n",
                binary_name[func], what, a->dtype, parts, (long long)i, va, vb, got, want);
    }
    KT_CHECK(bad == 0, "binary %s %s dtype %u: %lld of %lld wrong", binary_name[func], what,
             a->dtype, (long long)bad, (long long)n);
  }
  free(y.data);
}

static void fill_binary(uint32_t func, ph_kview_t *v, int64_t count, int is_exponent) {
  if (func != PH_BINARY_POW) {
    fill(v, count, -10, 10);
    return;
  }
  if (!is_exponent) {
    fill(v, count, 0.01, 10);
    /* some negative bases: pow gives NaN unless the exponent is whole */
    for (int64_t i = 0; i < count; i += 5) ph_kstore(v->data, v->dtype, i, (float)-kt_uniform(0.5, 4));
  } else {
    fill(v, count, -5, 5);
    for (int64_t i = 0; i < count; i += 3) ph_kstore(v->data, v->dtype, i, (float)floor(kt_uniform(-4, 5)));
  }
}

static void test_binary(void) {
  /* Rank 3, every broadcast pattern for a and b (stride 0 per axis). */
  const int64_t shape3[3] = {3, 5, 7};
  char what[64];
  for (uint32_t f = 0; f < PH_BINARY_COUNT_; ++f)
    for (int t = 0; t < NFDT; ++t)
      for (unsigned ma = 0; ma < 8; ++ma)
        for (unsigned mb = 0; mb < 8; ++mb) {
          int64_t ca, cb;
          ph_kview_t a = make_view(fdtypes[t], 3, shape3, ma, (int)(ma & 1), 0, &ca);
          ph_kview_t b = make_view(fdtypes[t], 3, shape3, mb, 0, (int)(mb & 2), &cb);
          fill_binary(f, &a, ca, 0);
          fill_binary(f, &b, cb, 1);
          snprintf(what, sizeof what, "bcast a%u b%u", ma, mb);
          check_binary(f, &a, &b, what);
          free(a.data);
          free(b.data);
        }
  /* Rank 2 odd sizes: dense with padded / transposed. */
  static const int64_t sizes[][2] = {{1, 1}, {1, 7}, {7, 63}, {63, 129}, {129, 1}};
  for (uint32_t f = 0; f < PH_BINARY_COUNT_; ++f)
    for (int t = 0; t < NFDT; ++t)
      for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
        int64_t ca, cb;
        ph_kview_t a = make_view(fdtypes[t], 2, sizes[s], 0, 0, 1, &ca);
        ph_kview_t b = make_view(fdtypes[t], 2, sizes[s], 0, 1, 0, &cb);
        fill_binary(f, &a, ca, 0);
        fill_binary(f, &b, cb, 1);
        check_binary(f, &a, &b, "padded/transposed");
        free(a.data);
        free(b.data);
      }
  /* Every pair of edge values, every function. */
  for (uint32_t f = 0; f < PH_BINARY_COUNT_; ++f)
    for (int t = 0; t < NFDT; ++t) {
      int64_t shape[2] = {(int64_t)NEDGE, (int64_t)NEDGE}, ca, cb;
      ph_kview_t a = make_view(fdtypes[t], 2, shape, 2, 0, 0, &ca); /* a[i][j] = e[i] */
      ph_kview_t b = make_view(fdtypes[t], 2, shape, 1, 0, 0, &cb); /* b[i][j] = e[j] */
      for (int64_t i = 0; i < (int64_t)NEDGE; ++i) {
        ph_kstore(a.data, a.dtype, i, (float)edges[i]);
        ph_kstore(b.data, b.dtype, i, (float)edges[i]);
      }
      check_binary(f, &a, &b, "edges");
      free(a.data);
      free(b.data);
    }
  /* NaN propagation named by the spec. */
  float av[] = {NAN, 1.0f, NAN, -INFINITY}, bv[] = {1.0f, NAN, NAN, NAN};
  int64_t n = 4;
  ph_kview_t a = kt_dense(PH_DTYPE_F32, 1, &n), b = kt_dense(PH_DTYPE_F32, 1, &n),
             y = kt_dense(PH_DTYPE_F32, 1, &n);
  memcpy(a.data, av, sizeof av);
  memcpy(b.data, bv, sizeof bv);
  ph_kview_t in[2] = {a, b};
  for (uint32_t f = PH_BINARY_MAX; f <= PH_BINARY_MIN; ++f) {
    ph_binary_attrs_t at = {sizeof at, f};
    ph_kargs_t args = {PH_OP_BINARY, 2, in, 1, &y, &at};
    kt_run(&ph_ref_binary, &args, 1);
    const float *yo = y.data;
    KT_CHECK(isnan(yo[0]) && isnan(yo[1]) && isnan(yo[2]) && isnan(yo[3]),
             "%s must propagate NaN", binary_name[f]);
  }
  free(a.data);
  free(b.data);
  free(y.data);
}

int main(void) {
  kt_seed(7);
  printf("test_elementwise: seed 7\n");
  for (int t = 0; t < NFDT; ++t) {
    uint32_t want = PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED;
    KT_CHECK(ph_ref_unary.caps(fdtypes[t]) == want && ph_ref_binary.caps(fdtypes[t]) == want,
             "caps dtype %u", fdtypes[t]);
  }
  KT_CHECK(ph_ref_unary.caps(PH_DTYPE_I8) == 0 && ph_ref_binary.caps(PH_DTYPE_I32) == 0,
           "integer dtypes unsupported");
  KT_CHECK(ph_ref_unary.op == PH_OP_UNARY && ph_ref_binary.op == PH_OP_BINARY, "op kinds");
  test_unary();
  test_binary();
  return kt_finish("test_elementwise");
}
