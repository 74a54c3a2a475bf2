/*
 * Tests of kernels/ref/dtype.c: f16/bf16 <-> f32 (exhaustive over all
 * 65536 bit patterns each way back), f32 -> f16/bf16 rounding against an
 * independent double-based reference (ties, subnormals, overflow, NaN),
 * saturating float -> i8/i32, ph_kload/ph_kstore and strided offsets.
 */
#include <float.h>

#include "ktest.h"

/* ---- independent references, built on double and ldexp only (dec_f16,
 * dec_bf16 and round_fmt are in ktest.h) ---- */

static double ref_f16(double x) { return round_fmt(x, 11, -14, 65504.0); }
static double ref_bf16(double x) { return round_fmt(x, 8, -126, ldexp(255, 120)); }

/* Nearest-even integer, written without rint(). */
static double ref_rne(double x) {
  double f = floor(x), d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return fmod(f, 2.0) == 0 ? f : f + 1;
}
static double ref_sat(double x, double lo, double hi) {
  if (isnan(x)) return 0;
  if (x >= hi) return hi;
  if (x <= lo) return lo;
  double r = ref_rne(x);
  return r > hi ? hi : r < lo ? lo : r;
}

static float bits_f(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Same value, same sign (zeros included), or both NaN. */
static int same(double a, double b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return a == b && !!signbit(a) == !!signbit(b);
}

static int64_t bad_f16, bad_bf16;
static void check_to_f16(float f) {
  uint16_t h = ph_f32_to_f16(f);
  double want = ref_f16(f);
  if (!same(dec_f16(h), want) ||
      (isnan(f) && !!signbit(f) != (h >> 15))) {
    if (bad_f16++ < 5)
      fprintf(stderr, "  f32->f16 %a: got 0x%04x want %a\n", f, h, want);
  }
}
static void check_to_bf16(float f) {
  uint16_t b = ph_f32_to_bf16(f);
  double want = ref_bf16(f);
  if (!same(dec_bf16(b), want) || (isnan(f) && !!signbit(f) != (b >> 15))) {
    if (bad_bf16++ < 5)
      fprintf(stderr, "  f32->bf16 %a: got 0x%04x want %a\n", f, b, want);
  }
}

static void test_f16_exhaustive(void) {
  int64_t bad_dec = 0, bad_rt = 0;
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = ph_f16_to_f32((uint16_t)h);
    if (!same(f, dec_f16((uint16_t)h)) || !!signbit(f) != (int)(h >> 15)) {
      if (bad_dec++ < 5) fprintf(stderr, "  f16 0x%04x -> %a\n", h, f);
    }
    uint16_t back = ph_f32_to_f16(f);
    /* NaN comes back quiet (top mantissa bit set), payload kept. */
    uint16_t want = isnan(dec_f16((uint16_t)h)) ? (uint16_t)(h | 0x200u) : (uint16_t)h;
    if (back != want) {
      if (bad_rt++ < 5) fprintf(stderr, "  f16 0x%04x round trip 0x%04x\n", h, back);
    }
  }
  KT_CHECK(bad_dec == 0, "f16->f32: %lld of 65536 wrong", (long long)bad_dec);
  KT_CHECK(bad_rt == 0, "f16 round trip: %lld of 65536 wrong", (long long)bad_rt);
}

static void test_bf16_exhaustive(void) {
  int64_t bad_dec = 0, bad_rt = 0;
  for (uint32_t b = 0; b < 65536; ++b) {
    float f = ph_bf16_to_f32((uint16_t)b);
    if (!same(f, dec_bf16((uint16_t)b)) || !!signbit(f) != (int)(b >> 15)) {
      if (bad_dec++ < 5) fprintf(stderr, "  bf16 0x%04x -> %a\n", b, f);
    }
    uint16_t back = ph_f32_to_bf16(f);
    uint16_t want = isnan(dec_bf16((uint16_t)b)) ? (uint16_t)(b | 0x40u) : (uint16_t)b;
    if (back != want) {
      if (bad_rt++ < 5) fprintf(stderr, "  bf16 0x%04x round trip 0x%04x\n", b, back);
    }
  }
  KT_CHECK(bad_dec == 0, "bf16->f32: %lld of 65536 wrong", (long long)bad_dec);
  KT_CHECK(bad_rt == 0, "bf16 round trip: %lld of 65536 wrong", (long long)bad_rt);
}

/* Every tie between neighbouring f16 values, one f32 ulp either side of
 * it, and the values themselves, both signs; then edges and random. */
static void test_f32_to_f16(void) {
  bad_f16 = 0;
  for (uint32_t h = 0; h < 0x7c00u; ++h) {
    double lo = dec_f16((uint16_t)h);
    double hi = h + 1 < 0x7c00u ? dec_f16((uint16_t)(h + 1)) : 65536.0;
    float mid = (float)((lo + hi) / 2); /* exact: 12 bits */
    KT_CHECK((double)mid == (lo + hi) / 2, "midpoint not exact at 0x%04x", h);
    float cases[5] = {(float)lo, mid, nextafterf(mid, 0.0f), nextafterf(mid, INFINITY),
                      nextafterf((float)lo, INFINITY)};
    for (int c = 0; c < 5; ++c) {
      check_to_f16(cases[c]);
      check_to_f16(-cases[c]);
    }
  }
  float edges[] = {0.0f, -0.0f, 0x1p-25f, 0x1.000002p-25f, 0x1p-26f, 0x1.8p-24f,
                   0x1.8p-23f, FLT_MIN, 0x1p-149f, FLT_MAX, 65504.0f, 65519.0f,
                   65520.0f, 65535.0f, 1e6f, INFINITY, -INFINITY, NAN, -NAN,
                   bits_f(0x7f800001u), bits_f(0xff800001u), bits_f(0x7fc00000u),
                   bits_f(0x7f802000u)};
  for (size_t i = 0; i < sizeof edges / sizeof edges[0]; ++i) check_to_f16(edges[i]);
  kt_seed(1);
  for (int i = 0; i < 1000000; ++i) {
    check_to_f16(bits_f((uint32_t)kt_next())); /* every exponent */
    /* magnitudes around the f16 range, random mantissa bits */
    int e = (int)(kt_next() % 44) - 27;
    float f = (float)ldexp(1.0 + (double)(kt_next() >> 41) / 8388608.0, e);
    check_to_f16(kt_next() & 1 ? -f : f);
  }
  KT_CHECK(bad_f16 == 0, "f32->f16: %lld wrong", (long long)bad_f16);
  /* The NaN payload's quiet bit must be set, never yielding Inf. */
  KT_CHECK(ph_f32_to_f16(bits_f(0x7f800001u)) != 0x7c00u, "sNaN became inf");
}

static void test_f32_to_bf16(void) {
  bad_bf16 = 0;
  for (uint32_t b = 0; b < 0x7f80u; ++b) {
    double lo = dec_bf16((uint16_t)b);
    double hi = b + 1 < 0x7f80u ? dec_bf16((uint16_t)(b + 1)) : ldexp(1, 128);
    double m = (lo + hi) / 2;
    if (m > FLT_MAX) m = FLT_MAX; /* the last tie is not a float */
    float mid = (float)m;
    float cases[5] = {(float)lo, mid, nextafterf(mid, 0.0f), nextafterf(mid, INFINITY),
                      nextafterf((float)lo, INFINITY)};
    for (int c = 0; c < 5; ++c) {
      check_to_bf16(cases[c]);
      check_to_bf16(-cases[c]);
    }
  }
  float edges[] = {0.0f, -0.0f, 0x1p-149f, FLT_MIN, FLT_MAX, INFINITY, -INFINITY,
                   NAN, -NAN, bits_f(0x7f800001u), bits_f(0xff800001u),
                   bits_f(0x7f7f8000u), bits_f(0x7f7fffffu), bits_f(0x00008000u),
                   bits_f(0x00018000u)};
  for (size_t i = 0; i < sizeof edges / sizeof edges[0]; ++i) check_to_bf16(edges[i]);
  kt_seed(2);
  for (int i = 0; i < 1000000; ++i) check_to_bf16(bits_f((uint32_t)kt_next()));
  KT_CHECK(bad_bf16 == 0, "f32->bf16: %lld wrong", (long long)bad_bf16);
  KT_CHECK(ph_f32_to_bf16(bits_f(0x7f800001u)) != 0x7f80u, "sNaN became inf");
}

static void test_int_saturation(void) {
  int64_t bad = 0;
  kt_seed(3);
  for (int i = -70000; i < 70000 + 2000000; ++i) {
    double x;
    if (i < 70000) x = i / 100.0 * 0.5; /* all k/2 ties and neighbours */
    else if (i < 1070000) x = kt_uniform(-400, 400);
    else x = kt_uniform(-5e9, 5e9);
    if (i < 70000) x = (double)(float)x;
    float xf = (float)x;
    int8_t g8 = ph_f32_to_i8_sat(xf);
    if (g8 != ref_sat(xf, -128, 127)) {
      if (bad++ < 5) fprintf(stderr, "  i8(%a) = %d\n", xf, g8);
    }
    double xd = i < 1070000 ? x : ldexp(ref_rne(ldexp(x, 1)), -1); /* ties */
    int32_t g32 = ph_f64_to_i32_sat(xd);
    if (g32 != ref_sat(xd, -2147483648.0, 2147483647.0)) {
      if (bad++ < 5) fprintf(stderr, "  i32(%.17g) = %d\n", xd, g32);
    }
  }
  float e8[] = {0.5f, -0.5f, 1.5f, 2.5f, -2.5f, 126.5f, 127.4f, 127.5f, 128.0f, 300.0f,
                -127.5f, -128.5f, -129.0f, -1e10f, 1e10f, INFINITY, -INFINITY, NAN, -0.0f};
  for (size_t i = 0; i < sizeof e8 / sizeof e8[0]; ++i)
    if (ph_f32_to_i8_sat(e8[i]) != ref_sat(e8[i], -128, 127)) {
      if (bad++ < 5) fprintf(stderr, "  i8(%a) = %d\n", e8[i], ph_f32_to_i8_sat(e8[i]));
    }
  double e32[] = {0.5, -0.5, 2.5, -2.5, 2147483646.5, 2147483647.0, 2147483647.4,
                  2147483647.5, 2147483648.0, -2147483647.5, -2147483648.0,
                  -2147483648.5, -2147483648.6, -2147483649.0, 1e10, -1e10, 1e300,
                  INFINITY, -INFINITY, NAN, -0.0};
  for (size_t i = 0; i < sizeof e32 / sizeof e32[0]; ++i)
    if (ph_f64_to_i32_sat(e32[i]) != ref_sat(e32[i], -2147483648.0, 2147483647.0)) {
      if (bad++ < 5) fprintf(stderr, "  i32(%.17g) = %d\n", e32[i], ph_f64_to_i32_sat(e32[i]));
    }
  KT_CHECK(bad == 0, "int saturation: %lld wrong", (long long)bad);
  /* Spot values the spec names, written out so they need no reference. */
  KT_CHECK(ph_f32_to_i8_sat(2.5f) == 2 && ph_f32_to_i8_sat(-2.5f) == -2 &&
               ph_f32_to_i8_sat(0.5f) == 0 && ph_f32_to_i8_sat(300.0f) == 127 &&
               ph_f32_to_i8_sat(NAN) == 0,
           "i8 named cases");
  KT_CHECK(ph_f64_to_i32_sat(-1e10) == INT32_MIN && ph_f64_to_i32_sat(1e10) == INT32_MAX &&
               ph_f64_to_i32_sat(NAN) == 0 && ph_f64_to_i32_sat(2.5) == 2,
           "i32 named cases");
}

/* ph_kload/ph_kstore against the functions checked above, per dtype. */
static void test_load_store(void) {
  float vals[] = {0.0f, -1.5f, 2.5f, 1.0f / 3.0f, 65504.0f, 1e5f, -300.0f, 16777216.0f};
  for (uint32_t dt = PH_DTYPE_F32; dt <= PH_DTYPE_I32; ++dt) {
    unsigned char buf[4 * 8];
    for (int i = 0; i < 8; ++i) ph_kstore(buf, dt, i, vals[i]);
    for (int i = 0; i < 8; ++i) {
      double got = ph_kload(buf, dt, i), want;
      switch (dt) {
        case PH_DTYPE_F32: want = vals[i]; break;
        case PH_DTYPE_F16: want = ref_f16(vals[i]); break;
        case PH_DTYPE_BF16: want = ref_bf16(vals[i]); break;
        case PH_DTYPE_I8: want = ref_sat(vals[i], -128, 127); break;
        default: want = ref_sat(vals[i], -2147483648.0, 2147483647.0); break;
      }
      KT_CHECK(same(got, want), "dtype %u store/load %g: got %.9g want %.9g", dt,
               vals[i], got, want);
    }
  }
}

/* ph_kview_offset against an odometer walk of the same view. */
static void test_offsets(void) {
  ph_kview_t v;
  memset(&v, 0, sizeof v);
  v.rank = 4;
  int64_t shape[4] = {3, 1, 5, 2}, strides[4] = {-7, 100, 0, 13};
  memcpy(v.shape, shape, sizeof shape);
  memcpy(v.strides, strides, sizeof strides);
  KT_CHECK(ph_kview_numel(&v) == 30, "numel");
  int64_t lin = 0, bad = 0;
  for (int64_t a = 0; a < 3; ++a)
    for (int64_t b = 0; b < 1; ++b)
      for (int64_t c = 0; c < 5; ++c)
        for (int64_t d = 0; d < 2; ++d, ++lin)
          bad += ph_kview_offset(&v, lin) != a * -7 + b * 100 + c * 0 + d * 13;
  KT_CHECK(bad == 0, "offsets: %lld wrong", (long long)bad);
  v.rank = 0;
  KT_CHECK(ph_kview_numel(&v) == 1 && ph_kview_offset(&v, 0) == 0, "rank 0");
}

int main(void) {
  /* ktest.h helpers this test has no use for (keeps -Wunused quiet). */
  test_f16_exhaustive();
  test_bf16_exhaustive();
  test_f32_to_f16();
  test_f32_to_bf16();
  test_int_saturation();
  test_load_store();
  test_offsets();
  return kt_finish("test_dtype");
}
