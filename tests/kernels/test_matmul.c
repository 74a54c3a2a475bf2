/*
 * Tests the reference matmul kernel (kernels/ref/matmul.c) against an fp64
 * computation written here: odd sizes, transposes, broadcast batch dims,
 * non-contiguous inputs, alpha/beta/bias/c, every activation, every dtype,
 * int8 with exact integer results and saturation. Each case runs with the
 * work split into 1 and into 3 ranges; both must agree bit for bit.
 */
#include "ktest.h"

/*===--- the fp64 reference ------------------------------------------===*/

static double act64(uint32_t act, double x) {
  switch (act) {
    case PH_ACT_RELU: return x < 0 ? 0 : x;
    case PH_ACT_GELU: return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
    case PH_ACT_SILU: return x / (1.0 + exp(-x));
    default: return x;
  }
}

/* Round half to even and saturate, as an int8 store must (rint rounds to
 * nearest even in the default rounding mode). */
static double to_i8(double x) {
  double r = rint(x);
  return r > 127 ? 127 : r < -128 ? -128 : r;
}

/*===--- cases --------------------------------------------------------===*/

typedef struct mm_case {
  const char *name;
  uint32_t rank;
  int64_t batch[2]; /* y's batch dims, rank - 2 of them */
  int64_t m, n, k;
  uint32_t trans_a, trans_b;
  float alpha, beta;
  uint32_t has_bias, has_c, act;
  uint32_t a_bcast, b_bcast, c_bcast; /* dims with stride 0 */
  int a_style, b_style, c_style;      /* c_style also applies to bias */
  double lo, hi;                      /* input range */
  int integer;                        /* integer-valued inputs: exact */
  int c_nan;                          /* fill c with NaN (beta == 0 test) */
  float out_scale;                    /* int8 only */
} mm_case_t;

/* Fields in order: name, rank, batch, m, n, k, trans_a, trans_b, alpha,
 * beta, has_bias, has_c, act, a/b/c_bcast, a/b/c_style, lo, hi, integer,
 * c_nan, out_scale. */
static const mm_case_t float_cases[] = {
    {"1x1x1", 2, {0}, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"7x63x129", 2, {0}, 7, 63, 129, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"129x7x63", 2, {0}, 129, 7, 63, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"63x129x7 trans_a", 2, {0}, 63, 129, 7, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"7x63x129 trans_b", 2, {0}, 7, 63, 129, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"63x7x129 trans_ab", 2, {0}, 63, 7, 129, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"batch 2x3 bcast a0 b1", 4, {2, 3}, 5, 7, 9, 0, 1, 1, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"bias relu", 2, {0}, 7, 63, 129, 0, 0, 1, 0, 1, 0, PH_ACT_RELU, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"alpha beta bias c gelu", 3, {3}, 7, 63, 63, 0, 0, 0.5f, -1.5f, 1, 1, PH_ACT_GELU, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"alpha beta c silu", 2, {0}, 63, 7, 129, 1, 0, -2.0f, 0.25f, 0, 1, PH_ACT_SILU, 0, 0, 0, 0, 0, 0, -1, 1, 0, 0, 1},
    {"c bcast rows and batch", 3, {3}, 7, 9, 5, 0, 0, 1, 1, 1, 1, PH_ACT_NONE, 0, 0, 3, 0, 0, 0, -1, 1, 0, 0, 1},
    {"strided gaps + reversed", 3, {2}, 7, 129, 63, 1, 0, 1, 0.5f, 1, 1, PH_ACT_GELU, 1, 0, 0, ST_GAPS, ST_REVERSED, ST_GAPS, -1, 1, 0, 0, 1},
    {"reversed a, gaps b trans_b", 2, {0}, 63, 7, 129, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, ST_REVERSED, ST_GAPS, 0, -1, 1, 0, 0, 1},
    {"beta 0 ignores NaN c", 2, {0}, 7, 9, 5, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, -1, 1, 0, 1, 1},
    /* Integer-valued, results small enough for every dtype: exact. */
    {"integer exact", 3, {2}, 7, 63, 63, 0, 1, 1, 2, 1, 1, PH_ACT_RELU, 1, 0, 0, ST_GAPS, 0, 0, -1, 2, 1, 0, 1},
};

/* Integer-valued, wide range: exact in f32 only (sums reach ~8000). */
static const mm_case_t f32_exact_case =
    {"integer exact wide", 2, {0}, 63, 129, 129, 0, 0, 1, -1, 1, 1, PH_ACT_NONE, 0, 0, 0, 0, 0, 0, -8, 9, 1, 0, 1};

static const mm_case_t int8_cases[] = {
    {"i8 1x1x1", 2, {0}, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128, 128, 1, 0, 1},
    /* out_scale 0.5 on odd sums gives exact .5 ties: round-half-even. */
    {"i8 ties", 2, {0}, 7, 63, 129, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -4, 5, 1, 0, 0.5f},
    /* Full int8 range: many results saturate, some do not. */
    {"i8 saturate bias relu", 2, {0}, 63, 7, 63, 0, 0, 1, 0, 1, 0, PH_ACT_RELU, 0, 0, 0, 0, 0, 0, -128, 128, 1, 0, 1.0f / 512},
    {"i8 trans bcast strided c", 3, {3}, 9, 63, 129, 1, 1, 1, -2, 1, 1, PH_ACT_NONE, 1, 0, 2, ST_GAPS, ST_REVERSED, ST_GAPS, -128, 128, 1, 0, 1.0f / 1024},
    {"i8 alpha 2 c", 2, {0}, 7, 129, 7, 0, 0, 2, 1, 1, 1, PH_ACT_RELU, 0, 0, 0, 0, 0, 0, -128, 128, 1, 0, 1.0f / 256},
    {"i8 gelu", 2, {0}, 7, 63, 63, 0, 1, 1, 0, 1, 0, PH_ACT_GELU, 0, 0, 0, 0, 0, 0, -128, 128, 1, 0, 1.0f / 4096},
    {"i8 silu", 2, {0}, 7, 63, 63, 0, 0, 1, 0, 1, 0, PH_ACT_SILU, 0, 0, 0, 0, 0, 0, -128, 128, 1, 0, 1.0f / 4096},
};

/* Runs one case with inputs of |dt|, output |ydt|, c of |cdt| (bias is
 * f32 for int8, |dt| otherwise). */
static void run_case(const mm_case_t *cs, uint32_t dt, uint32_t ydt, uint32_t cdt) {
  char what[160];
  snprintf(what, sizeof what, "%s [%s->%s c %s]", cs->name, dt_name(dt), dt_name(ydt),
           dt_name(cdt));
  const uint32_t r = cs->rank;
  const int is_int8 = dt == PH_DTYPE_I8;
  int64_t ys[PH_MAX_RANK], as[PH_MAX_RANK], bs[PH_MAX_RANK];
  int64_t batch = 1;
  for (uint32_t d = 0; d + 2 < r; ++d) {
    ys[d] = as[d] = bs[d] = cs->batch[d];
    batch *= cs->batch[d];
  }
  const int64_t M = cs->m, N = cs->n, K = cs->k;
  ys[r - 2] = M, ys[r - 1] = N;
  as[r - 2] = cs->trans_a ? K : M, as[r - 1] = cs->trans_a ? M : K;
  bs[r - 2] = cs->trans_b ? N : K, bs[r - 1] = cs->trans_b ? K : N;

  ph_kview_t in[4];
  size_t nin = 0;
  in[nin] = tv_make(dt, r, as, cs->a_bcast, cs->a_style);
  tv_fill(&in[nin++], cs->lo, cs->hi, cs->integer);
  in[nin] = tv_make(dt, r, bs, cs->b_bcast, cs->b_style);
  tv_fill(&in[nin++], cs->lo, cs->hi, cs->integer);
  int bias_i = -1, c_i = -1;
  if (cs->has_bias) {
    bias_i = (int)nin;
    in[nin] = tv_make(is_int8 ? PH_DTYPE_F32 : dt, 1, &N, 0, cs->c_style);
    tv_fill(&in[nin++], is_int8 ? -64 : -1, is_int8 ? 64 : 1, cs->integer);
  }
  if (cs->has_c) {
    c_i = (int)nin;
    in[nin] = tv_make(cdt, r, ys, cs->c_bcast, cs->c_style);
    if (cs->c_nan) {
      for (int64_t i = 0; i < ph_kview_numel(&in[nin]); ++i)
        ph_kstore(in[nin].data, cdt, ph_kview_offset(&in[nin], i), NAN);
    } else {
      tv_fill(&in[nin], is_int8 ? -128 : -1, is_int8 ? 128 : 2, cs->integer);
    }
    ++nin;
  }
  ph_kview_t y1 = tv_output(ydt, r, ys), y3 = tv_output(ydt, r, ys);

  ph_matmul_attrs_t at = {sizeof at, cs->trans_a, cs->trans_b, cs->alpha, cs->beta, cs->act,
                          cs->has_bias, cs->has_c, cs->out_scale};
  ph_kargs_t args = {PH_OP_MATMUL, nin, in, 1, &y1, &at};
  KT_CHECK(ph_ref_matmul.units(&args) == batch * M, "%s: units %lld, want %lld", what,
           (long long)ph_ref_matmul.units(&args), (long long)(batch * M));
  run_split(what, &ph_ref_matmul, &args, &y1, &y3);

  /* fp64 reference over dense copies of what the kernel was given. */
  double *a = tv_doubles(&in[0]), *b = tv_doubles(&in[1]);
  double *bias = bias_i >= 0 ? tv_doubles(&in[bias_i]) : NULL;
  double *c = c_i >= 0 ? tv_doubles(&in[c_i]) : NULL;
  const int64_t ny = batch * M * N;
  double *want = malloc((size_t)ny * sizeof *want), *tol = malloc((size_t)ny * sizeof *tol);
  const double u = ldexp(1.0, -24); /* f32 unit roundoff: all arithmetic is f32 */
  const double scale = is_int8 ? (double)cs->alpha * cs->out_scale : cs->alpha;
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double acc = 0, mag = 0;
        for (int64_t k = 0; k < K; ++k) {
          double av = a[bi * M * K + (cs->trans_a ? k * M + m : m * K + k)];
          double bv = b[bi * K * N + (cs->trans_b ? n * K + k : k * N + n)];
          acc += av * bv;
          mag += fabs(av * bv);
        }
        double x = scale * acc;
        mag *= fabs(scale);
        if (bias) x += bias[n], mag += fabs(bias[n]);
        if (c && cs->beta != 0) {
          double cv = c[(bi * M + m) * N + n];
          x += cs->beta * cv, mag += fabs(cs->beta * cv);
        }
        double w = act64(cs->act, x);
        const int64_t i = (bi * M + m) * N + n;
        const int exact_act = cs->act == PH_ACT_NONE || cs->act == PH_ACT_RELU;
        if (ydt == PH_DTYPE_I8) w = to_i8(w);
        want[i] = w;
        if (cs->integer && exact_act) {
          /* Integer-valued inputs, power-of-two scales, sums below 2^24
           * and below the output's integer range: every f32 step is exact,
           * so the result must be too (int8: including the RNE tie). */
          tol[i] = 0;
        } else if (ydt == PH_DTYPE_I8) {
          /* Non-exact activation in f32 may land on the other side of a
           * rounding boundary than fp64: one step of int8. */
          tol[i] = 1;
        } else {
          /* Recursive f32 summation of K products plus the alpha, bias and
           * beta*c steps errs by at most (K+3)u * sum|terms| (Higham
           * gamma_n); GELU/SILU have slope <= 1.13 and their libm f32
           * evaluation adds a few ulps of the magnitude, hence 2x and 8u.
           * Storing to f16/bf16 rounds once more: kt_eps(y) * |y|, plus
           * f16's subnormal spacing 2^-24 as an absolute floor. */
          tol[i] = 2.0 * (double)(K + 3) * u * mag + 8.0 * u * mag +
                   kt_eps(ydt) * fabs(w) + (ydt == PH_DTYPE_F16 ? ldexp(1.0, -24) : 1e-30);
        }
      }
  int all_exact = 1;
  for (int64_t i = 0; i < ny; ++i) all_exact &= tol[i] == 0;
  if (all_exact) { /* no rounding anywhere: must match bit for bit */
    kt_compare(what, &y1, want, 0, 0);
    kt_compare(what, &y3, want, 0, 0);
  } else {
    check_bound(what, &y1, want, tol);
    check_bound(what, &y3, want, tol);
  }

  free(a), free(b), free(bias), free(c), free(want), free(tol);
  for (size_t i = 0; i < nin; ++i) free(in[i].data);
  free(y1.data), free(y3.data);
}

int main(void) {
  kt_seed(0x6d61746d756cull); /* "matmul" */
  printf("test_matmul: seed 0x6d61746d756c\n");

  const uint32_t fdt[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
  for (size_t t = 0; t < 3; ++t)
    KT_CHECK(ph_ref_matmul.caps(fdt[t]) == (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED),
             "caps(%s)", dt_name(fdt[t]));
  KT_CHECK(ph_ref_matmul.caps(PH_DTYPE_I8) == (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED),
           "caps(i8)");
  KT_CHECK(ph_ref_matmul.caps(PH_DTYPE_I32) == 0, "caps(i32) should be 0");
  KT_CHECK(ph_ref_matmul.caps(PH_DTYPE_INVALID) == 0, "caps(invalid) should be 0");
  KT_CHECK(ph_ref_matmul.op == PH_OP_MATMUL, "op kind");

  for (size_t t = 0; t < 3; ++t)
    for (size_t i = 0; i < sizeof float_cases / sizeof float_cases[0]; ++i)
      run_case(&float_cases[i], fdt[t], fdt[t], fdt[t]);
  run_case(&f32_exact_case, PH_DTYPE_F32, PH_DTYPE_F32, PH_DTYPE_F32);

  /* int8 into i8 and into f32; c alternates between f32 and y's dtype. */
  const uint32_t ydt[] = {PH_DTYPE_I8, PH_DTYPE_F32};
  for (size_t t = 0; t < 2; ++t)
    for (size_t i = 0; i < sizeof int8_cases / sizeof int8_cases[0]; ++i)
      run_case(&int8_cases[i], PH_DTYPE_I8, ydt[t], i % 2 ? ydt[t] : PH_DTYPE_F32);

  /* What the API rejects must still not crash run(): no attrs, too few
   * inputs, an unsupported dtype (i32), mixed i8/f32 inputs. */
  {
    const int64_t s34[2] = {3, 4}, s44[2] = {4, 4};
    ph_kview_t v[3] = {tv_output(PH_DTYPE_I32, 2, s34), tv_output(PH_DTYPE_I32, 2, s44),
                       tv_output(PH_DTYPE_I32, 2, s34)};
    ph_matmul_attrs_t at = {sizeof at, 0, 0, 1, 0, 0, 1, 0, 1}; /* has_bias, none given */
    ph_kargs_t args = {PH_OP_MATMUL, 2, v, 1, &v[2], NULL};
    KT_CHECK(ph_ref_matmul.units(&args) == 0, "no attrs: units should be 0");
    KT_CHECK(ph_ref_matmul.run(&args, 0, 3) == PH_ERROR_INVALID_ARGUMENT, "no attrs: run");
    args.attrs = &at;
    KT_CHECK(ph_ref_matmul.run(&args, 0, 3) == PH_ERROR_INVALID_ARGUMENT, "missing bias");
    at.has_bias = 0;
    KT_CHECK(ph_ref_matmul.run(&args, 0, 3) == PH_OK, "i32 inputs should not fail");
    v[1].dtype = PH_DTYPE_I8; /* read as i8 over i32 storage: in bounds */
    KT_CHECK(ph_ref_matmul.run(&args, 0, 3) == PH_OK, "mixed dtypes should not fail");
    for (int i = 0; i < 3; ++i) free(v[i].data);
  }
  return kt_finish("test_matmul");
}
