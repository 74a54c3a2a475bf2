/*
 * Tests of the reference cast kernel: every (from, to) pair of the five
 * dtypes, exact comparison with the correctly rounded conversion of the
 * exact input value, computed here in double with an independent
 * rounding routine. Inputs are random bit patterns plus ties, saturation
 * and double-rounding traps, seen through dense, padded, transposed and
 * broadcast (stride 0) views, run whole and split in 3 parts.
 */
#include <float.h>

#include "ktest.h"

#define NDT 5
static const uint32_t dtypes[NDT] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16,
                                     PH_DTYPE_I8, PH_DTYPE_I32};

/* ---- independent rounding (double and ldexp only; dec_f16, dec_bf16,
 * round_fmt are in ktest.h) ---- */

static double ref_rne(double x) {
  double f = floor(x), d = x - f;
  if (d != 0.5) return d > 0.5 ? f + 1 : f;
  return fmod(f, 2.0) == 0 ? f : f + 1;
}
static double ref_sat(double x, double lo, double hi) {
  if (isnan(x)) return 0;
  if (x >= hi) return hi;
  if (x <= lo) return lo;
  double r = ref_rne(x) + 0.0; /* integers have no -0 */
  return r > hi ? hi : r < lo ? lo : r;
}
static double ref_convert(double x, uint32_t to) {
  switch (to) {
    case PH_DTYPE_F32: return round_fmt(x, 24, -126, FLT_MAX);
    case PH_DTYPE_F16: return round_fmt(x, 11, -14, 65504.0);
    case PH_DTYPE_BF16: return round_fmt(x, 8, -126, ldexp(255, 120));
    case PH_DTYPE_I8: return ref_sat(x, -128, 127);
    default: return ref_sat(x, -2147483648.0, 2147483647.0);
  }
}

static size_t dsize(uint32_t dt) { return kt_dtype_size(dt); }

/* Element at element offset |off| of raw storage, decoded exactly. */
static double raw_get(const void *data, uint32_t dt, int64_t off) {
  const unsigned char *p = (const unsigned char *)data + off * (int64_t)dsize(dt);
  float f;
  uint16_t h;
  int8_t b;
  int32_t w;
  switch (dt) {
    case PH_DTYPE_F32: memcpy(&f, p, 4); return f;
    case PH_DTYPE_F16: memcpy(&h, p, 2); return dec_f16(h);
    case PH_DTYPE_BF16: memcpy(&h, p, 2); return dec_bf16(h);
    case PH_DTYPE_I8: memcpy(&b, p, 1); return b;
    default: memcpy(&w, p, 4); return w;
  }
}

static int same(double a, double b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return a == b && !!signbit(a) == !!signbit(b);
}

/* Layouts of a rank-2 [r, c] input. */
enum { DENSE, PADDED, TRANSPOSED, BCAST_ROWS, BCAST_COLS, NLAYOUT };
static const char *layout_name[NLAYOUT] = {"dense", "padded", "transposed", "bcast0", "bcast1"};

/* A view of shape [r, c] in |layout| over new storage of *|count|
 * elements (returned so the caller can fill every stored element). */
static ph_kview_t make_view(uint32_t dt, int64_t r, int64_t c, int layout, int64_t *count) {
  ph_kview_t v;
  memset(&v, 0, sizeof v);
  v.dtype = dt;
  v.rank = 2;
  v.shape[0] = r;
  v.shape[1] = c;
  switch (layout) {
    case DENSE: v.strides[0] = c; v.strides[1] = 1; *count = r * c; break;
    case PADDED: v.strides[0] = 2 * c + 3; v.strides[1] = 2; *count = (r - 1) * (2 * c + 3) + 2 * (c - 1) + 1; break;
    case TRANSPOSED: v.strides[0] = 1; v.strides[1] = r; *count = r * c; break;
    case BCAST_ROWS: v.strides[0] = 0; v.strides[1] = 1; *count = c; break;
    default: v.strides[0] = 1; v.strides[1] = 0; *count = r; break;
  }
  v.data = calloc((size_t)*count, dsize(dt));
  return v;
}

/* Values worth converting, stored as |dt| (each exactly representable). */
static const double specials[] = {
    0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 126.5, 127.5, -128.5, -129.5, 300, -300,
    2049, 2051, 4097, 257, 259, 65504, 65519, 65520, 65535, 16777217, 16842753,
    -16842753, 16908289, 2147483647, -2147483647.0 - 1, 2147483520, 1e10, -1e10,
    0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-26, 1e-30, INFINITY, -INFINITY, NAN, 1.0 / 3};

/* Fills every stored element: a special value (when |dt| holds it
 * exactly) or random bits. */
static void fill_raw(void *data, uint32_t dt, int64_t count) {
  size_t nsp = sizeof specials / sizeof specials[0];
  for (int64_t i = 0; i < count; ++i) {
    unsigned char *p = (unsigned char *)data + i * (int64_t)dsize(dt);
    uint64_t bits = kt_next();
    memcpy(p, &bits, dsize(dt));
    if (kt_next() % 3 == 0) { /* try a special value */
      double s = specials[kt_next() % nsp];
      double got;
      unsigned char tmp[4];
      switch (dt) {
        case PH_DTYPE_F32: { float f = (float)s; memcpy(tmp, &f, 4); break; }
        case PH_DTYPE_F16: { uint16_t h = ph_f32_to_f16((float)s); memcpy(tmp, &h, 2); break; }
        case PH_DTYPE_BF16: { uint16_t h = ph_f32_to_bf16((float)s); memcpy(tmp, &h, 2); break; }
        case PH_DTYPE_I8: { int8_t b = (int8_t)(isnan(s) || fabs(s) > 127 ? 0 : s); memcpy(tmp, &b, 1); break; }
        default: { int32_t w = (int32_t)(isnan(s) || fabs(s) > 2147483647.0 ? 7 : s); memcpy(tmp, &w, 4); break; }
      }
      got = raw_get(tmp, dt, 0);
      if (same(got, s)) memcpy(p, tmp, dsize(dt)); /* keep only exact ones */
    }
  }
}

static void test_pair(uint32_t from, uint32_t to, int64_t r, int64_t c, int layout) {
  int64_t count;
  ph_kview_t x = make_view(from, r, c, layout, &count);
  fill_raw(x.data, from, count);
  int64_t shape[2] = {r, c};
  ph_kview_t y = kt_dense(to, 2, shape);
  ph_kargs_t a = {PH_OP_CAST, 1, &x, 1, &y, NULL};
  for (int parts = 1; parts <= 3; parts += 2) {
    memset(y.data, 0xa5, (size_t)(r * c) * dsize(to));
    ph_status_t s = kt_run(&ph_ref_cast, &a, parts);
    KT_CHECK(s == PH_OK, "cast run status %d", (int)s);
    int64_t bad = 0;
    for (int64_t i = 0; i < r * c; ++i) {
      double in = raw_get(x.data, from, t_offset(&x, i));
      double want = ref_convert(in, to), got = raw_get(y.data, to, i);
      /* Same dtype copies bits; otherwise the value must match. */
      int ok = from == to ? memcmp((char *)y.data + i * (int64_t)dsize(to),
                                   (char *)x.data + t_offset(&x, i) * (int64_t)dsize(to),
                                   dsize(to)) == 0
                          : same(got, want);
      if (!ok && bad++ == 0)
        fprintf(stderr, "  cast %u->%u %s [%lld,%lld] parts %d elem %lld: in %.17g got %.17g want %.17g\n",
                from, to, layout_name[layout], (long long)r, (long long)c, parts,
                (long long)i, in, got, want);
    }
    KT_CHECK(bad == 0, "cast %u->%u %s: %lld wrong", from, to, layout_name[layout], (long long)bad);
  }
  free(x.data);
  free(y.data);
}

/* Spec cases with hand-written expected values. */
static void test_named(void) {
  float fin[] = {2.5f, -2.5f, 0.5f, 300.0f, -1e10f, NAN, 1.5f};
  int8_t want8[] = {2, -2, 0, 127, -128, 0, 2};
  int32_t want32[] = {2, -2, 0, 300, INT32_MIN, 0, 2};
  int64_t n = 7;
  ph_kview_t x = kt_dense(PH_DTYPE_F32, 1, &n), y8 = kt_dense(PH_DTYPE_I8, 1, &n),
             y32 = kt_dense(PH_DTYPE_I32, 1, &n);
  memcpy(x.data, fin, sizeof fin);
  ph_kargs_t a8 = {PH_OP_CAST, 1, &x, 1, &y8, NULL}, a32 = {PH_OP_CAST, 1, &x, 1, &y32, NULL};
  kt_run(&ph_ref_cast, &a8, 1);
  kt_run(&ph_ref_cast, &a32, 3);
  for (int i = 0; i < 7; ++i) {
    KT_CHECK(((int8_t *)y8.data)[i] == want8[i], "f32 %g -> i8: %d", fin[i], ((int8_t *)y8.data)[i]);
    KT_CHECK(((int32_t *)y32.data)[i] == want32[i], "f32 %g -> i32: %d", fin[i], ((int32_t *)y32.data)[i]);
  }
  free(x.data); free(y8.data); free(y32.data);

  /* i32 -> f32 / f16 / bf16, correct rounding of exact integers. */
  int32_t iin[] = {16777217, 16842753, 2049, 2051, 65519, 65520, 257, 259, INT32_MAX, -16842753};
  float wantf[] = {16777216.0f, 16842752.0f, 2049.0f, 2051.0f, 65519.0f, 65520.0f, 257.0f,
                   259.0f, 2147483648.0f, -16842752.0f};
  /* f16: ties to even (2049 -> 2048, 2051 -> 2052), 65520 overflows. */
  double wanth[] = {INFINITY, INFINITY, 2048, 2052, 65504, INFINITY, 257, 259, INFINITY, -INFINITY};
  /* bf16: 16842753 = 2^24 + 2^16 + 1 lies just above a tie, so it rounds
   * up to 2^24 + 2^17; via f32 nearest-even it would land on the tie and
   * go down to 2^24. */
  double wantb[] = {16777216, 16908288, 2048, 2048, 65536, 65536, 256, 260, 2147483648.0,
                    -16908288};
  n = 10;
  ph_kview_t xi = kt_dense(PH_DTYPE_I32, 1, &n), yf = kt_dense(PH_DTYPE_F32, 1, &n),
             yh = kt_dense(PH_DTYPE_F16, 1, &n), yb = kt_dense(PH_DTYPE_BF16, 1, &n);
  memcpy(xi.data, iin, sizeof iin);
  ph_kargs_t af = {PH_OP_CAST, 1, &xi, 1, &yf, NULL}, ah = {PH_OP_CAST, 1, &xi, 1, &yh, NULL},
             ab = {PH_OP_CAST, 1, &xi, 1, &yb, NULL};
  kt_run(&ph_ref_cast, &af, 1);
  kt_run(&ph_ref_cast, &ah, 3);
  kt_run(&ph_ref_cast, &ab, 1);
  for (int i = 0; i < 10; ++i) {
    KT_CHECK(((float *)yf.data)[i] == wantf[i], "i32 %d -> f32: %.9g", iin[i], ((float *)yf.data)[i]);
    double h = dec_f16(((uint16_t *)yh.data)[i]), b = dec_bf16(((uint16_t *)yb.data)[i]);
    KT_CHECK(h == wanth[i], "i32 %d -> f16: %.9g want %.9g", iin[i], h, wanth[i]);
    KT_CHECK(b == wantb[i], "i32 %d -> bf16: %.9g want %.9g", iin[i], b, wantb[i]);
  }
  free(xi.data); free(yf.data); free(yh.data); free(yb.data);
}

/* Rank 0 and rank 3 with a broadcast middle axis. */
static void test_shapes(void) {
  ph_kview_t x;
  memset(&x, 0, sizeof x);
  float v = 3.5f;
  x.dtype = PH_DTYPE_F32;
  x.data = &v;
  ph_kview_t y = kt_dense(PH_DTYPE_I8, 0, NULL);
  ph_kargs_t a = {PH_OP_CAST, 1, &x, 1, &y, NULL};
  KT_CHECK(ph_ref_cast.units(&a) == 1, "rank 0 units");
  kt_run(&ph_ref_cast, &a, 1);
  KT_CHECK(*(int8_t *)y.data == 4, "rank 0: 3.5 -> %d", *(int8_t *)y.data);
  free(y.data);

  int64_t shape[3] = {3, 5, 7};
  ph_kview_t xs;
  memset(&xs, 0, sizeof xs);
  xs.dtype = PH_DTYPE_BF16;
  xs.rank = 3;
  memcpy(xs.shape, shape, sizeof shape);
  xs.strides[0] = 9; xs.strides[1] = 0; xs.strides[2] = -1; /* reversed inner axis */
  uint16_t store[3 * 9];
  for (int i = 0; i < 27; ++i) store[i] = (uint16_t)kt_next();
  xs.data = store + 6; /* offsets run from -6 to 2 * 9 */
  ph_kview_t ys = kt_dense(PH_DTYPE_F16, 3, shape);
  ph_kargs_t as = {PH_OP_CAST, 1, &xs, 1, &ys, NULL};
  kt_run(&ph_ref_cast, &as, 3);
  int64_t bad = 0;
  for (int64_t i = 0; i < 105; ++i) {
    double in = raw_get(xs.data, PH_DTYPE_BF16, t_offset(&xs, i));
    bad += !same(raw_get(ys.data, PH_DTYPE_F16, i), ref_convert(in, PH_DTYPE_F16));
  }
  KT_CHECK(bad == 0, "rank 3 negative/zero strides: %lld wrong", (long long)bad);
  free(ys.data);
}

int main(void) {
  kt_seed(42);
  printf("test_cast: seed 42\n");
  KT_CHECK(ph_ref_cast.op == PH_OP_CAST, "op kind");
  for (int f = 0; f < NDT; ++f)
    KT_CHECK(ph_ref_cast.caps(dtypes[f]) == (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED), "caps %u", dtypes[f]);
  KT_CHECK(ph_ref_cast.caps(PH_DTYPE_INVALID) == 0, "caps invalid");
  static const int64_t sizes[][2] = {{1, 1}, {1, 7}, {7, 63}, {63, 129}, {129, 1}};
  for (int f = 0; f < NDT; ++f)
    for (int t = 0; t < NDT; ++t)
      for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s)
        for (int l = 0; l < NLAYOUT; ++l)
          test_pair(dtypes[f], dtypes[t], sizes[s][0], sizes[s][1], l);
  test_named();
  test_shapes();
  return kt_finish("test_cast");
}
