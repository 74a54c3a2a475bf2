/*
 * Tests of the reference reduce kernel against an fp64 reduction written
 * here (one pass over x scattering into y, unlike the kernel's gather per
 * output): sum, mean, max and min over many axis masks of ranks 1..4 and
 * 8, keepdims on and off (down to rank 0), dense, padded, column-major,
 * negative-stride and broadcast inputs, NaN and Inf propagation, empty
 * reductions, every supported dtype, and run in 1 and 3 parts (which must
 * agree bit for bit).
 */
#include "ktest.h"

static const uint32_t kDtypes[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
static const char *const kFuncNames[] = {"sum", "mean", "max", "min"};

/* y's shape for reducing |mask| of |x|. */
static uint32_t out_shape(const ph_kview_t *x, uint32_t mask, int keepdims,
                          int64_t *shape) {
  uint32_t r = 0;
  for (uint32_t d = 0; d < x->rank; ++d) {
    if (!((mask >> d) & 1u)) shape[r++] = x->shape[d];
    else if (keepdims) shape[r++] = 1;
  }
  return r;
}

/* fp64 reduction of |x| over |mask| into |want| (one per y element). */
static void reference(const ph_kview_t *x, uint32_t mask, uint32_t func,
                      double *want, int64_t ny) {
  double *sum = calloc((size_t)ny + 1, sizeof *sum);
  int64_t *count = calloc((size_t)ny + 1, sizeof *count);
  for (int64_t o = 0; o < ny; ++o) want[o] = func == PH_REDUCE_MAX ? -INFINITY : INFINITY;
  int64_t n = ph_kview_numel(x);
  for (int64_t i = 0; i < n; ++i) {
    /* y index of x element i: its kept coordinates, row-major. */
    int64_t rest = i, o = 0, scale = 1;
    for (int d = (int)x->rank - 1; d >= 0; --d) {
      int64_t c = rest % x->shape[d];
      rest /= x->shape[d];
      if (!((mask >> d) & 1u)) {
        o += c * scale;
        scale *= x->shape[d];
      }
    }
    double v = kt_get(x, i);
    sum[o] += v;
    count[o] += 1;
    if (isnan(want[o])) continue;
    if (isnan(v)) want[o] = NAN;
    else if (func == PH_REDUCE_MAX) want[o] = fmax(want[o], v);
    else if (func == PH_REDUCE_MIN) want[o] = fmin(want[o], v);
  }
  for (int64_t o = 0; o < ny; ++o) {
    if (func == PH_REDUCE_SUM) want[o] = sum[o];
    if (func == PH_REDUCE_MEAN) want[o] = count[o] ? sum[o] / (double)count[o] : NAN;
  }
  free(sum);
  free(count);
}

/* Runs the reduction in 1 and 3 parts into |out| (freed by the caller),
 * checks the parts agree bit for bit and compares with fp64. */
static void check(const ph_kview_t *x, uint32_t mask, uint32_t func, int keepdims,
                  ph_kview_t *out, const char *what) {
  ph_reduce_attrs_t at = {sizeof at, func, mask, (uint32_t)keepdims};
  int64_t yshape[PH_MAX_RANK];
  uint32_t yrank = out_shape(x, mask, keepdims, yshape);
  ph_kview_t y1 = kt_dense(x->dtype, yrank, yshape);
  ph_kview_t y3 = kt_dense(x->dtype, yrank, yshape);
  int64_t ny = ph_kview_numel(&y1);
  size_t bytes = (size_t)ny * kt_dtype_size(x->dtype);
  /* Poison with all-ones bytes (NaN in every float dtype) so an element
   * the kernel forgets to write is caught. */
  memset(y1.data, 0xff, bytes);
  memset(y3.data, 0xff, bytes);
  ph_kargs_t a1 = {PH_OP_REDUCE, 1, x, 1, &y1, &at};
  ph_kargs_t a3 = {PH_OP_REDUCE, 1, x, 1, &y3, &at};
  KT_CHECK(ph_ref_reduce.units(&a1) == ny, "%s: units %lld want %lld", what,
           (long long)ph_ref_reduce.units(&a1), (long long)ny);
  KT_CHECK(kt_run(&ph_ref_reduce, &a1, 1) == PH_OK, "%s: run 1 part", what);
  KT_CHECK(kt_run(&ph_ref_reduce, &a3, 3) == PH_OK, "%s: run 3 parts", what);
  KT_CHECK(memcmp(y1.data, y3.data, bytes) == 0, "%s: 1 vs 3 parts differ", what);

  double *want = malloc((size_t)(ny + 1) * sizeof *want);
  reference(x, mask, func, want, ny);
  if (func == PH_REDUCE_MAX || func == PH_REDUCE_MIN) {
    /* max and min pick a stored value: exact, no tolerance. */
    kt_compare(what, &y1, want, 0.0, 0.0);
  } else {
    /* The kernel sums in double and rounds once to f32 and then to the
     * dtype: within kt_eps(dtype) relative. The absolute term covers the
     * two fp64 sums (different orders) disagreeing before that rounding:
     * at most about 2 n 2^-53 sum|x| < 1e-10 for n <= 500 inputs in
     * [-1, 1], far below kt_eps(f32) * 1e-3 = 2.4e-10. */
    kt_compare(what, &y1, want, kt_eps(x->dtype) * 1e-3, kt_eps(x->dtype));
  }
  free(want);
  free(y3.data);
  *out = y1;
}

static void test_caps(void) {
  KT_CHECK(ph_ref_reduce.op == PH_OP_REDUCE, "op kind");
  for (size_t i = 0; i < sizeof kDtypes / sizeof kDtypes[0]; ++i)
    KT_CHECK(ph_ref_reduce.caps(kDtypes[i]) == (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED),
             "caps dtype %u", kDtypes[i]);
  KT_CHECK(ph_ref_reduce.caps(PH_DTYPE_I8) == 0, "caps i8");
  KT_CHECK(ph_ref_reduce.caps(PH_DTYPE_I32) == 0, "caps i32");
  KT_CHECK(ph_ref_reduce.caps(PH_DTYPE_INVALID) == 0, "caps invalid");
}

typedef struct {
  uint32_t rank;
  int64_t shape[PH_MAX_RANK];
  uint32_t masks[12]; /* 0-terminated */
} rcase_t;

static const rcase_t kCases[] = {
    {1, {1}, {1}},
    {1, {7}, {1}},
    {1, {129}, {1}},
    {2, {7, 63}, {1, 2, 3}},
    {2, {63, 1}, {1, 2, 3}},
    {3, {3, 7, 5}, {1, 2, 3, 4, 5, 6, 7}},
    {3, {1, 129, 2}, {1, 2, 4, 5, 7}},
    {4, {2, 3, 7, 5}, {1, 2, 4, 8, 5, 10, 6, 9, 15, 7, 14}},
    {8, {2, 1, 3, 2, 1, 2, 3, 2}, {0x01, 0x80, 0xaa, 0x55, 0xff, 0x3c, 0x81, 0x7e}},
};

/* Every case, mask, function, keepdims and layout, values in [-1, 1). */
static void test_shapes(uint32_t dt) {
  char what[160];
  int spin = 0;
  for (size_t c = 0; c < sizeof kCases / sizeof kCases[0]; ++c) {
    const rcase_t *rc = &kCases[c];
    for (int m = 0; rc->masks[m]; ++m)
      for (uint32_t func = 0; func < PH_REDUCE_COUNT_; ++func)
        for (int keep = 0; keep < 2; ++keep)
          for (int layout = 0; layout < L_COUNT; ++layout) {
            ++spin;
            tview_t x = make_input(dt, rc->rank, rc->shape, layout, (uint32_t)spin % rc->rank);
            kt_fill(&x.v, -1.0, 1.0);
            snprintf(what, sizeof what, "%s dt%u rank%u case%zu mask 0x%x %s %s",
                     kFuncNames[func], dt, rc->rank, c, rc->masks[m],
                     keep ? "keepdims" : "dropdims", kLayoutNames[layout]);
            ph_kview_t y;
            check(&x.v, rc->masks[m], func, keep, &y, what);
            /* Dropping every axis leaves a rank-0 scalar. */
            if (!keep && rc->masks[m] == (1u << rc->rank) - 1)
              KT_CHECK(y.rank == 0 && ph_kview_numel(&y) == 1, "%s: not a scalar", what);
            free(y.data);
            free(x.base);
          }
  }
}

/* NaN and Inf: max and min propagate NaN (whatever its position), and
 * pick +-Inf like any other value; sums follow IEEE. */
static void test_nonfinite(uint32_t dt) {
  const int64_t shape[3] = {3, 7, 5};
  char what[96];
  for (uint32_t mask = 1; mask < 8; ++mask)
    for (uint32_t func = 0; func < PH_REDUCE_COUNT_; ++func) {
      ph_kview_t x = kt_dense(dt, 3, shape);
      kt_fill(&x, -1.0, 1.0);
      ph_kstore(x.data, dt, 0, NAN);                 /* first element */
      ph_kstore(x.data, dt, 1 * 35 + 3 * 5 + 2, NAN); /* a middle one */
      ph_kstore(x.data, dt, 104, NAN);               /* the last */
      ph_kstore(x.data, dt, 2 * 35 + 1 * 5 + 1, INFINITY);
      ph_kstore(x.data, dt, 2 * 35 + 4 * 5 + 3, -INFINITY);
      snprintf(what, sizeof what, "nonfinite %s dt%u mask 0x%x", kFuncNames[func], dt, mask);
      ph_kview_t y;
      check(&x, mask, func, 1, &y, what);
      /* Stated directly too: the output that element 0 falls into (y
       * element 0, coordinates all 0) holds NaN for every function. */
      KT_CHECK(isnan(kt_get(&y, 0)), "%s: NaN not propagated, got %g", what, kt_get(&y, 0));
      free(y.data);
      free(x.data);
    }
}

/* A reduced axis of extent 0: sum 0, mean NaN, max -inf, min +inf. A kept
 * axis of extent 0: no output at all. */
static void test_empty(uint32_t dt) {
  const int64_t shape[3] = {3, 0, 2};
  const double expect[PH_REDUCE_COUNT_] = {0.0, NAN, -INFINITY, INFINITY};
  char what[96];
  const uint32_t masks[4] = {2, 7, 1, 5};
  for (int m = 0; m < 4; ++m)
    for (uint32_t func = 0; func < PH_REDUCE_COUNT_; ++func)
      for (int keep = 0; keep < 2; ++keep) {
        ph_kview_t x = kt_dense(dt, 3, shape);
        snprintf(what, sizeof what, "empty %s dt%u mask 0x%x keep %d", kFuncNames[func], dt,
                 masks[m], keep);
        ph_kview_t y;
        check(&x, masks[m], func, keep, &y, what);
        int64_t ny = ph_kview_numel(&y);
        KT_CHECK(ny == ((masks[m] & 2) ? (masks[m] == 2 ? 6 : 1) : 0), "%s: %lld outputs",
                 what, (long long)ny);
        for (int64_t i = 0; i < ny; ++i) {
          double g = kt_get(&y, i);
          KT_CHECK(isnan(expect[func]) ? isnan(g) : g == expect[func], "%s: got %g", what, g);
        }
        free(y.data);
        free(x.data);
      }
}

int main(void) {
  kt_seed(20240613);
  printf("test_reduce: seed 20240613\n");
  test_caps();
  for (size_t i = 0; i < sizeof kDtypes / sizeof kDtypes[0]; ++i) {
    test_shapes(kDtypes[i]);
    test_nonfinite(kDtypes[i]);
    test_empty(kDtypes[i]);
  }
  return kt_finish("test_reduce");
}
