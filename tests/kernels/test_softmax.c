/*
 * Tests of the reference softmax / log-softmax kernel against an fp64
 * softmax written here: every axis of ranks 1..4, odd sizes, dense,
 * padded, column-major, negative-stride and broadcast (stride 0) inputs,
 * large magnitudes, -inf/+inf/NaN rows, every supported dtype, and run in
 * 1 and 3 parts (which must agree bit for bit).
 */
#include "ktest.h"

static const uint32_t kDtypes[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};

/* Absolute tolerance floor: outputs below the dtype's smallest normal are
 * rounded to a fixed spacing, not a relative one. */
static double tiny(uint32_t dt) {
  double min_normal = dt == PH_DTYPE_F16 ? ldexp(1.0, -14) : ldexp(1.0, -126);
  return min_normal * kt_eps(dt);
}

/* fp64 softmax of |x| along |axis|, row-major over x's shape into |want|. */
static void reference(const ph_kview_t *x, int axis, int log_flag, double *want) {
  int64_t n = ph_kview_numel(x), len = x->shape[axis], inner = 1;
  for (uint32_t d = (uint32_t)axis + 1; d < x->rank; ++d) inner *= x->shape[d];
  for (int64_t i = 0; i < n; ++i) {
    /* The row of element i: same coordinates, axis coordinate k. */
    int64_t first = i - ((i / inner) % len) * inner;
    double m = -INFINITY;
    int has_nan = 0;
    for (int64_t k = 0; k < len; ++k) {
      double v = kt_get(x, first + k * inner);
      if (isnan(v)) has_nan = 1;
      else if (v > m) m = v;
    }
    double s = 0.0;
    for (int64_t k = 0; k < len; ++k) s += exp(kt_get(x, first + k * inner) - m);
    double t = kt_get(x, i) - m;
    if (has_nan) want[i] = NAN;
    else want[i] = log_flag ? t - log(s) : exp(t) / s;
  }
}

/* Runs softmax on |x| in 1 and 3 parts and checks both against fp64. */
static void check(const ph_kview_t *x, int axis, int log_flag, const char *what) {
  ph_softmax_attrs_t at = {sizeof at, axis, (uint32_t)log_flag};
  ph_kview_t y1 = kt_dense(x->dtype, x->rank, x->shape);
  ph_kview_t y3 = kt_dense(x->dtype, x->rank, x->shape);
  int64_t n = ph_kview_numel(x);
  size_t bytes = (size_t)n * kt_dtype_size(x->dtype);
  /* Poison with all-ones bytes (NaN in every float dtype) so an element
   * the kernel forgets to write is caught. */
  memset(y1.data, 0xff, bytes);
  memset(y3.data, 0xff, bytes);
  ph_kargs_t a1 = {PH_OP_SOFTMAX, 1, x, 1, &y1, &at};
  ph_kargs_t a3 = {PH_OP_SOFTMAX, 1, x, 1, &y3, &at};
  KT_CHECK(ph_ref_softmax.units(&a1) == (x->shape[axis] ? n / x->shape[axis] : 0),
           "%s: units", what);
  KT_CHECK(kt_run(&ph_ref_softmax, &a1, 1) == PH_OK, "%s: run 1 part", what);
  KT_CHECK(kt_run(&ph_ref_softmax, &a3, 3) == PH_OK, "%s: run 3 parts", what);
  KT_CHECK(memcmp(y1.data, y3.data, bytes) == 0, "%s: 1 vs 3 parts differ", what);

  double *want = malloc((size_t)(n ? n : 1) * sizeof *want);
  reference(x, axis, log_flag, want);
  /* Tolerance: the kernel computes each output in double and rounds it
   * once to f32 and then to the dtype, so its error is the output
   * rounding: half an ulp of the dtype plus half an f32 ulp, within
   * kt_eps(dtype) relative (kt_eps is 4 half-ulps for f32, 2 for f16 and
   * bf16), plus a floor for results in the subnormal range. */
  kt_compare(what, &y1, want, tiny(x->dtype), kt_eps(x->dtype));

  /* Independent sanity check: each finite softmax row sums to 1, within
   * the rounding of its |len| outputs. */
  if (!log_flag && n > 0) {
    int64_t len = x->shape[axis], inner = 1;
    for (uint32_t d = (uint32_t)axis + 1; d < x->rank; ++d) inner *= x->shape[d];
    for (int64_t r = 0; r < n / len; ++r) {
      int64_t first = (r / inner) * len * inner + r % inner;
      if (isnan(want[first])) continue;
      double s = 0.0;
      for (int64_t k = 0; k < len; ++k) s += kt_get(&y1, first + k * inner);
      KT_CHECK(fabs(s - 1.0) <= (double)len * kt_eps(x->dtype),
               "%s: row %lld sums to %.9g", what, (long long)r, s);
    }
  }
  free(want);
  free(y1.data);
  free(y3.data);
}

static void test_caps(void) {
  KT_CHECK(ph_ref_softmax.op == PH_OP_SOFTMAX, "op kind");
  for (size_t i = 0; i < sizeof kDtypes / sizeof kDtypes[0]; ++i)
    KT_CHECK(ph_ref_softmax.caps(kDtypes[i]) ==
                 (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED),
             "caps dtype %u", kDtypes[i]);
  KT_CHECK(ph_ref_softmax.caps(PH_DTYPE_I8) == 0, "caps i8");
  KT_CHECK(ph_ref_softmax.caps(PH_DTYPE_I32) == 0, "caps i32");
  KT_CHECK(ph_ref_softmax.caps(PH_DTYPE_INVALID) == 0, "caps invalid");
}

/* Every axis of several shapes of rank 1..4, every layout, both flavours,
 * with values in [lo, hi). */
static void test_shapes(uint32_t dt, double lo, double hi, const char *range) {
  static const struct { uint32_t rank; int64_t shape[4]; } cases[] = {
      {1, {1}},        {1, {7}},         {1, {63}},          {1, {129}},
      {2, {7, 129}},   {2, {63, 1}},     {2, {1, 7}},        {3, {3, 7, 5}},
      {3, {2, 1, 63}}, {4, {2, 3, 7, 5}}, {4, {3, 1, 2, 129}},
  };
  char what[160];
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    uint32_t rank = cases[c].rank;
    for (int axis = 0; axis < (int)rank; ++axis)
      for (int layout = 0; layout < L_COUNT; ++layout)
        for (int lg = 0; lg < 2; ++lg) {
          /* Alternate which axis gets the special stride. */
          uint32_t dim = (uint32_t)(axis + layout + lg) % rank;
          tview_t x = make_input(dt, rank, cases[c].shape, layout, dim);
          kt_fill(&x.v, lo, hi);
          snprintf(what, sizeof what,
                   "%s dt%u case%zu axis%d %s %s range %s", lg ? "logsoftmax" : "softmax",
                   dt, c, axis, kLayoutNames[layout], lg ? "log" : "plain", range);
          check(&x.v, axis, lg, what);
          free(x.base);
        }
  }
}

/* Row-major index in a 6 x 7 tensor of element |k| along |axis| of the
 * |r|-th row. */
static int64_t at_index(int axis, int r, int k) {
  return axis == 1 ? (int64_t)r * 7 + k : (int64_t)k * 7 + r;
}

/* Rows with -inf, +inf and NaN entries (shape 6 x 7, softmax along the
 * last axis, and along the first for the transposed picture). */
static void test_specials(uint32_t dt) {
  const int64_t shape[2] = {6, 7};
  char what[96];
  for (int axis = 0; axis < 2; ++axis)
    for (int lg = 0; lg < 2; ++lg) {
      ph_kview_t x = kt_dense(dt, 2, shape);
      kt_fill(&x, -3.0, 3.0);
      int len = axis == 1 ? 7 : 6;
      for (int k = 0; k < len; ++k) ph_kstore(x.data, dt, at_index(axis, 0, k), -INFINITY);
      ph_kstore(x.data, dt, at_index(axis, 1, 2), -INFINITY); /* partial -inf */
      ph_kstore(x.data, dt, at_index(axis, 1, 4), -INFINITY);
      ph_kstore(x.data, dt, at_index(axis, 2, 3), INFINITY);  /* +inf */
      ph_kstore(x.data, dt, at_index(axis, 3, 1), NAN);       /* NaN */
      ph_kstore(x.data, dt, at_index(axis, 4, 0), -INFINITY); /* all but one -inf */
      for (int k = 2; k < len; ++k) ph_kstore(x.data, dt, at_index(axis, 4, k), -INFINITY);
      snprintf(what, sizeof what, "specials dt%u axis%d %s", dt, axis,
               lg ? "log" : "plain");
      check(&x, axis, lg, what);

      /* The documented special cases, stated directly as well. */
      ph_softmax_attrs_t at = {sizeof at, axis, (uint32_t)lg};
      ph_kview_t y = kt_dense(dt, 2, shape);
      ph_kargs_t a = {PH_OP_SOFTMAX, 1, &x, 1, &y, &at};
      kt_run(&ph_ref_softmax, &a, 1);
      for (int k = 0; k < len; ++k) {
        KT_CHECK(isnan(kt_get(&y, at_index(axis, 0, k))), "%s: all -inf row not NaN", what);
        KT_CHECK(isnan(kt_get(&y, at_index(axis, 2, k))), "%s: +inf row not NaN", what);
        KT_CHECK(isnan(kt_get(&y, at_index(axis, 3, k))), "%s: NaN row not NaN", what);
      }
      double gone = kt_get(&y, at_index(axis, 1, 2)), one = kt_get(&y, at_index(axis, 4, 1));
      KT_CHECK(lg ? gone == -INFINITY : gone == 0.0, "%s: -inf entry gives %g", what, gone);
      KT_CHECK(lg ? one == 0.0 : one == 1.0, "%s: lone finite entry gives %g", what, one);
      free(y.data);
      free(x.data);
    }
}

/* Empty tensors: no units, nothing written. */
static void test_empty(void) {
  const int64_t shapes[2][2] = {{3, 0}, {0, 5}};
  for (int s = 0; s < 2; ++s)
    for (int axis = 0; axis < 2; ++axis) {
      ph_kview_t x = kt_dense(PH_DTYPE_F32, 2, shapes[s]);
      check(&x, axis, 0, "empty");
      free(x.data);
    }
}

int main(void) {
  kt_seed(20240611);
  printf("test_softmax: seed 20240611\n");
  test_caps();
  test_empty();
  for (size_t i = 0; i < sizeof kDtypes / sizeof kDtypes[0]; ++i) {
    uint32_t dt = kDtypes[i];
    test_shapes(dt, -5.0, 5.0, "[-5,5)");
    /* Large magnitudes: exp(1000) overflows even double; max subtraction
     * must keep everything finite. */
    test_shapes(dt, 990.0, 1010.0, "[990,1010)");
    test_shapes(dt, -1000.0, 1000.0, "[-1000,1000)");
    test_specials(dt);
  }
  return kt_finish("test_softmax");
}
