/*
 * Tests of the reference layernorm and rmsnorm kernels against fp64
 * normalisation written here (Welford mean/variance, unlike the kernel's
 * two passes): ranks 1..4 normalised over the last axis, the last two and
 * all axes, with and without scale and bias, dense, padded, column-major,
 * negative-stride and broadcast inputs (x, scale and bias alike), large
 * means with small spread, the effect of epsilon on (near-)constant rows,
 * every supported dtype, and run in 1 and 3 parts (which must agree bit
 * for bit).
 */
#include "ktest.h"

static const uint32_t kDtypes[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};

/* fp64 layernorm (|layer|) or rmsnorm of |x| into |want| (row-major). */
static void reference(int layer, const ph_kview_t *x, const ph_kview_t *scale,
                      const ph_kview_t *bias, int axis, double eps, double *want) {
  int64_t n = 1, groups = 1;
  for (int d = 0; d < axis; ++d) groups *= x->shape[d];
  for (int d = axis; d < (int)x->rank; ++d) n *= x->shape[d];
  if (n == 0) return;
  for (int64_t g = 0; g < groups; ++g) {
    /* Welford: a different algorithm from the kernel's two passes. */
    double mean = 0.0, m2 = 0.0, sumsq = 0.0;
    for (int64_t j = 0; j < n; ++j) {
      double v = kt_get(x, g * n + j);
      double delta = v - mean;
      mean += delta / (double)(j + 1);
      m2 += delta * (v - mean);
      sumsq += v * v;
    }
    double denom = layer ? sqrt(m2 / (double)n + eps) : sqrt(sumsq / (double)n + eps);
    for (int64_t j = 0; j < n; ++j) {
      double v = kt_get(x, g * n + j);
      double r = (layer ? v - mean : v) / denom;
      if (scale) r *= kt_get(scale, j);
      if (bias) r += kt_get(bias, j);
      want[g * n + j] = r;
    }
  }
}

/* Runs the norm in 1 and 3 parts into |out| (which must be freed) and
 * checks they agree bit for bit. */
static void run_norm(int layer, const ph_kview_t *x, const ph_kview_t *scale,
                     const ph_kview_t *bias, int axis, float eps,
                     uint32_t has_bias_flag, ph_kview_t *out, const char *what) {
  const ph_kernel_t *k = layer ? &ph_ref_layernorm : &ph_ref_rmsnorm;
  ph_norm_attrs_t at = {sizeof at, axis, eps, scale != NULL, has_bias_flag};
  /* Exactly the inputs the op passes (rmsnorm never gets a bias, even when
   * has_bias is set: the kernel must ignore the flag, not read past). */
  ph_kview_t in[3];
  size_t nin = 0;
  in[nin++] = *x;
  if (scale) in[nin++] = *scale;
  if (bias) in[nin++] = *bias;
  /* One more view past the end, a broadcast NaN: a kernel that reads an
   * input the op did not pass turns its output into NaN. */
  ph_kview_t *heap_in = malloc((nin + 1) * sizeof *heap_in);
  memcpy(heap_in, in, nin * sizeof *heap_in);
  void *trap = malloc(4);
  memset(trap, 0xff, 4); /* NaN as f32, f16 and bf16 alike */
  memset(&heap_in[nin], 0, sizeof heap_in[nin]);
  heap_in[nin].data = trap;
  heap_in[nin].dtype = x->dtype;
  heap_in[nin].rank = x->rank - (uint32_t)axis;
  for (uint32_t d = 0; d < heap_in[nin].rank; ++d)
    heap_in[nin].shape[d] = x->shape[(uint32_t)axis + d];

  ph_kview_t y1 = kt_dense(x->dtype, x->rank, x->shape);
  ph_kview_t y3 = kt_dense(x->dtype, x->rank, x->shape);
  int64_t numel = ph_kview_numel(x), groups = 1;
  for (int d = 0; d < axis; ++d) groups *= x->shape[d];
  size_t bytes = (size_t)numel * kt_dtype_size(x->dtype);
  /* Poison with all-ones bytes (NaN in every float dtype) so an element
   * the kernel forgets to write is caught. */
  memset(y1.data, 0xff, bytes);
  memset(y3.data, 0xff, bytes);
  ph_kargs_t a1 = {layer ? PH_OP_LAYERNORM : PH_OP_RMSNORM, nin, heap_in, 1, &y1, &at};
  ph_kargs_t a3 = a1;
  a3.outputs = &y3;
  KT_CHECK(k->units(&a1) == (numel ? groups : 0), "%s: units %lld", what,
           (long long)k->units(&a1));
  KT_CHECK(kt_run(k, &a1, 1) == PH_OK, "%s: run 1 part", what);
  KT_CHECK(kt_run(k, &a3, 3) == PH_OK, "%s: run 3 parts", what);
  KT_CHECK(memcmp(y1.data, y3.data, bytes) == 0, "%s: 1 vs 3 parts differ", what);
  free(y3.data);
  free(heap_in);
  free(trap);
  *out = y1;
}

static void check(int layer, const ph_kview_t *x, const ph_kview_t *scale,
                  const ph_kview_t *bias, int axis, float eps,
                  uint32_t has_bias_flag, const char *what) {
  ph_kview_t y;
  run_norm(layer, x, scale, bias, axis, eps, has_bias_flag, &y, what);
  int64_t numel = ph_kview_numel(x);
  double *want = malloc((size_t)(numel ? numel : 1) * sizeof *want);
  reference(layer, x, scale, bias, axis, (double)eps, want);
  /* Tolerance: the kernel computes each output in double and rounds it
   * once to f32 and then to the dtype: half an ulp of the dtype plus half
   * an f32 ulp, within kt_eps(dtype) relative. The absolute term covers
   * the two fp64 computations (two-pass here vs Welford) disagreeing in
   * the last bits before that rounding: about n * 2^-53 * max|x| / stddev,
   * below 1e-12 for the inputs used (|x| <= 1001, stddev >= 0.1, n <=
   * 400), and results near 0 from scale*r + bias cancelling. */
  double atol = kt_eps(x->dtype) * 1e-4;
  kt_compare(what, &y, want, atol, kt_eps(x->dtype));
  free(want);
  free(y.data);
}

static void test_caps(void) {
  KT_CHECK(ph_ref_layernorm.op == PH_OP_LAYERNORM, "layernorm op kind");
  KT_CHECK(ph_ref_rmsnorm.op == PH_OP_RMSNORM, "rmsnorm op kind");
  const uint32_t all = PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED;
  for (size_t i = 0; i < sizeof kDtypes / sizeof kDtypes[0]; ++i) {
    KT_CHECK(ph_ref_layernorm.caps(kDtypes[i]) == all, "layernorm caps %u", kDtypes[i]);
    KT_CHECK(ph_ref_rmsnorm.caps(kDtypes[i]) == all, "rmsnorm caps %u", kDtypes[i]);
  }
  const uint32_t none[] = {PH_DTYPE_I8, PH_DTYPE_I32, PH_DTYPE_INVALID};
  for (size_t i = 0; i < 3; ++i) {
    KT_CHECK(ph_ref_layernorm.caps(none[i]) == 0, "layernorm caps %u", none[i]);
    KT_CHECK(ph_ref_rmsnorm.caps(none[i]) == 0, "rmsnorm caps %u", none[i]);
  }
}

/* Ranks 1..4, normalised over the last axis, the last two and all axes;
 * both ops, every scale/bias combination, every layout of x, and scale
 * and bias in a layout of their own (cycled), values in [lo, hi). */
static void test_shapes(uint32_t dt, double lo, double hi, const char *range) {
  static const struct { uint32_t rank; int64_t shape[4]; } cases[] = {
      {1, {1}},      {1, {7}},         {1, {129}},       {2, {3, 63}},
      {2, {7, 1}},   {3, {2, 3, 7}},   {3, {5, 1, 129}}, {4, {2, 3, 1, 5}},
      {4, {3, 2, 7, 9}},
  };
  char what[192];
  int spin = 0;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    const uint32_t rank = cases[c].rank;
    const int axes[3] = {(int)rank - 1, (int)rank - 2, 0};
    for (int ai = 0; ai < 3; ++ai) {
      int axis = axes[ai];
      if (axis < 0 || (ai == 2 && (axis == axes[0] || axis == axes[1]))) continue;
      const uint32_t grank = rank - (uint32_t)axis;
      for (int layout = 0; layout < L_COUNT; ++layout)
        for (int combo = 0; combo < 6; ++combo) {
          /* combos 0..3: layernorm with scale (bit 0) / bias (bit 1);
           * 4, 5: rmsnorm without / with scale, has_bias set in 5. */
          int layer = combo < 4;
          int has_scale = layer ? combo & 1 : combo == 5;
          int has_bias = layer && (combo & 2);
          ++spin;
          tview_t x = make_input(dt, rank, cases[c].shape, layout,
                                 (uint32_t)spin % rank);
          kt_fill(&x.v, lo, hi);
          tview_t s = {0}, b = {0};
          int pl = (layout + combo) % L_COUNT;
          if (has_scale) {
            s = make_input(dt, grank, cases[c].shape + axis, pl, (uint32_t)spin % grank);
            kt_fill(&s.v, 0.5, 2.0);
          }
          if (has_bias) {
            b = make_input(dt, grank, cases[c].shape + axis, (pl + 2) % L_COUNT,
                           (uint32_t)(spin + 1) % grank);
            kt_fill(&b.v, -1.0, 1.0);
          }
          snprintf(what, sizeof what,
                   "%s dt%u case%zu axis%d x:%s scale:%s bias:%s range %s",
                   layer ? "layernorm" : "rmsnorm", dt, c, axis, kLayoutNames[layout],
                   has_scale ? kLayoutNames[pl] : "-",
                   has_bias ? kLayoutNames[(pl + 2) % L_COUNT] : "-", range);
          check(layer, &x.v, has_scale ? &s.v : NULL, has_bias ? &b.v : NULL, axis,
                1e-5f, layer ? (uint32_t)has_bias : combo == 5, what);
          free(x.base);
          free(s.base);
          free(b.base);
        }
    }
  }
}

/* Epsilon on constant and near-constant groups (rows of 9 along the last
 * axis of a 4 x 9 tensor). */
static void test_epsilon(uint32_t dt) {
  const int64_t shape[2] = {4, 9};
  const int64_t gshape[1] = {9};
  char what[96];
  ph_kview_t bias = kt_dense(dt, 1, gshape);
  kt_fill(&bias, -1.0, 1.0);

  /* Constant rows: layernorm gives exactly bias (x - mean is exactly 0)
   * for any eps > 0, and 0 * inf = NaN for eps = 0. */
  ph_kview_t x = kt_dense(dt, 2, shape);
  for (int64_t i = 0; i < 36; ++i) ph_kstore(x.data, dt, i, 2.5f);
  const float eps_list[3] = {1e-5f, 1.0f, 0.0f};
  for (int e = 0; e < 3; ++e) {
    snprintf(what, sizeof what, "layernorm constant dt%u eps %g", dt, (double)eps_list[e]);
    check(1, &x, NULL, &bias, 1, eps_list[e], 1, what);
    ph_kview_t y;
    run_norm(1, &x, NULL, &bias, 1, eps_list[e], 1, &y, what);
    for (int64_t i = 0; i < 36; ++i) {
      double got = kt_get(&y, i), b = kt_get(&bias, i % 9);
      KT_CHECK(eps_list[e] > 0 ? got == b : isnan(got), "%s: element %lld is %g",
               what, (long long)i, got);
    }
    free(y.data);
  }

  /* rmsnorm of a constant c: c / sqrt(c^2 + eps), so eps = c^2 halves the
   * square: 0.1 / sqrt(0.02) = 1/sqrt(2) instead of 1. */
  for (int64_t i = 0; i < 36; ++i) ph_kstore(x.data, dt, i, 0.1f);
  const float rms_eps[3] = {0.0f, 1e-6f, 0.01f};
  for (int e = 0; e < 3; ++e) {
    snprintf(what, sizeof what, "rmsnorm constant dt%u eps %g", dt, (double)rms_eps[e]);
    check(0, &x, NULL, NULL, 1, rms_eps[e], 0, what);
    ph_kview_t y;
    run_norm(0, &x, NULL, NULL, 1, rms_eps[e], 0, &y, what);
    double c = kt_get(&x, 0), expect = c / sqrt(c * c + (double)rms_eps[e]);
    KT_CHECK(fabs(kt_get(&y, 5) - expect) <= kt_eps(dt) * expect, "%s: got %g want %g",
             what, kt_get(&y, 5), expect);
    free(y.data);
  }
  /* rmsnorm of zeros: 0 with eps > 0, 0/0 = NaN without. */
  memset(x.data, 0, 36 * kt_dtype_size(dt));
  for (int e = 0; e < 2; ++e) {
    ph_kview_t y;
    snprintf(what, sizeof what, "rmsnorm zeros dt%u eps %d", dt, e);
    run_norm(0, &x, NULL, NULL, 1, e ? 1e-5f : 0.0f, 0, &y, what);
    KT_CHECK(e ? kt_get(&y, 3) == 0.0 : isnan(kt_get(&y, 3)), "%s: got %g", what,
             kt_get(&y, 3));
    free(y.data);
  }

  /* Near-constant rows (spread 0.01, variance ~3e-5): eps of the same size
   * changes the result visibly; the reference says by how much. */
  for (int64_t i = 0; i < 36; ++i)
    ph_kstore(x.data, dt, i, (float)(3.0 + 0.01 * (double)((i * 7) % 5 - 2)));
  const float near_eps[3] = {0.0f, 3e-5f, 1e-3f};
  for (int e = 0; e < 3; ++e) {
    snprintf(what, sizeof what, "layernorm near-constant dt%u eps %g", dt,
             (double)near_eps[e]);
    check(1, &x, NULL, &bias, 1, near_eps[e], 1, what);
    snprintf(what, sizeof what, "rmsnorm near-constant dt%u eps %g", dt, (double)near_eps[e]);
    check(0, &x, NULL, NULL, 1, near_eps[e], 0, what);
  }
  free(x.data);
  free(bias.data);
}

/* Non-finite values stay within their group: NaN makes the whole group
 * NaN; +Inf does too for layernorm (Inf - Inf), while rmsnorm divides the
 * group's finite elements by sqrt(Inf) = Inf, giving 0, and Inf/Inf = NaN
 * for the infinite one. */
static void test_nonfinite(uint32_t dt) {
  const int64_t shape[2] = {3, 7};
  ph_kview_t x = kt_dense(dt, 2, shape);
  kt_fill(&x, -2.0, 2.0);
  ph_kstore(x.data, dt, 2, NAN);            /* group 0 */
  ph_kstore(x.data, dt, 7 + 4, INFINITY);   /* group 1 */
  for (int layer = 0; layer < 2; ++layer) {
    ph_kview_t y;
    run_norm(layer, &x, NULL, NULL, 1, 1e-5f, 0, &y, "nonfinite");
    for (int64_t i = 0; i < 21; ++i) {
      double g = kt_get(&y, i);
      int ok = isfinite(g);
      if (i < 7 || (layer && i < 14)) ok = isnan(g);
      else if (i == 11) ok = isnan(g);
      else if (i < 14) ok = g == 0.0;
      KT_CHECK(ok, "nonfinite %s dt%u: element %lld is %g",
               layer ? "layernorm" : "rmsnorm", dt, (long long)i, g);
    }
    free(y.data);
  }
  free(x.data);
}

/* Empty groups: no units, nothing written. */
static void test_empty(void) {
  const int64_t shape[3] = {3, 4, 0};
  ph_kview_t x = kt_dense(PH_DTYPE_F32, 3, shape);
  check(1, &x, NULL, NULL, 1, 1e-5f, 0, "layernorm empty");
  check(0, &x, NULL, NULL, 2, 1e-5f, 0, "rmsnorm empty");
  free(x.data);
}

int main(void) {
  kt_seed(20240612);
  printf("test_norm: seed 20240612\n");
  test_caps();
  test_empty();
  for (size_t i = 0; i < sizeof kDtypes / sizeof kDtypes[0]; ++i) {
    uint32_t dt = kDtypes[i];
    test_shapes(dt, -3.0, 3.0, "[-3,3)");
    /* A large mean with a small spread: a one-pass E[x^2] - E[x]^2 in
     * float would cancel to garbage here. */
    test_shapes(dt, 999.0, 1001.0, "[999,1001)");
    test_epsilon(dt);
    test_nonfinite(dt);
  }
  return kt_finish("test_norm");
}
