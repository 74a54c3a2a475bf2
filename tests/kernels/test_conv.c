/*
 * Tests the reference conv2d and pool2d kernels (kernels/ref/conv2d.c,
 * pool2d.c) against fp64 computations written here: NCHW and NHWC, odd
 * spatial sizes, stride, asymmetric padding, dilation, groups, depthwise,
 * bias + relu, non-contiguous inputs, every dtype, int8 exact with
 * saturation; pooling max/avg with and without count_include_pad, NaN
 * propagation. Each case runs split into 1 and into 3 ranges; both must
 * agree bit for bit.
 */
#include "ktest.h"

/* Round half to even and saturate, as an int8 store must (rint rounds to
 * nearest even in the default rounding mode). */
static double to_i8(double x) {
  double r = rint(x);
  return r > 127 ? 127 : r < -128 ? -128 : r;
}

/* Index of logical (n, c, h, w) in a dense row-major copy of a 4-D tensor
 * with extents (C, H, W) stored in |layout|; serves x, y and (with
 * oc, ci, kh, kw) the weights. */
static int64_t idx4(uint32_t layout, int64_t n, int64_t c, int64_t h, int64_t w, int64_t C,
                    int64_t H, int64_t W) {
  return layout == PH_LAYOUT_NHWC ? ((n * H + h) * W + w) * C + c
                                  : ((n * C + c) * H + h) * W + w;
}

/* Shape of a logical (n, c, h, w) tensor stored in |layout|. */
static void shape4(uint32_t layout, int64_t n, int64_t c, int64_t h, int64_t w, int64_t *s) {
  s[0] = n;
  if (layout == PH_LAYOUT_NHWC) s[1] = h, s[2] = w, s[3] = c;
  else s[1] = c, s[2] = h, s[3] = w;
}

/*===--- conv2d -------------------------------------------------------===*/

typedef struct conv_case {
  const char *name;
  int64_t n, c, h, w, oc, kh, kw;
  int64_t stride[2], pad[4], dil[2], groups;
  uint32_t has_bias, act;
  int x_style, w_style;
  double lo, hi;
  int integer;
  float out_scale; /* int8 only */
} conv_case_t;

/* Fields in order: name, n, c, h, w, oc, kh, kw, stride, pad (t, l, b, r),
 * dilation, groups, has_bias, act, x_style, w_style, lo, hi, integer,
 * out_scale. */
static const conv_case_t conv_float_cases[] = {
    {"1x1", 1, 1, 1, 1, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1, 0, 0, 0, 0, -1, 1, 0, 1},
    {"3x3 pad1", 2, 3, 7, 9, 4, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, 0, 0, 0, 0, -1, 1, 0, 1},
    {"stride asym pad dilation", 1, 2, 9, 7, 3, 3, 2, {2, 1}, {1, 0, 2, 1}, {2, 2}, 1, 1, 0, 0, 0, -1, 1, 0, 1},
    {"groups 2 bias relu", 2, 4, 7, 7, 6, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 2, 1, PH_ACT_RELU, 0, 0, -1, 1, 0, 1},
    {"depthwise s2 bias", 1, 5, 7, 9, 5, 3, 3, {2, 2}, {1, 1, 1, 1}, {1, 1}, 5, 1, 0, 0, 0, -1, 1, 0, 1},
    {"depthwise x2 dil", 2, 3, 9, 9, 6, 5, 3, {1, 2}, {2, 0, 0, 2}, {1, 2}, 3, 0, 0, 0, 0, -1, 1, 0, 1},
    {"63x129 bias relu", 1, 2, 63, 129, 3, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, 1, PH_ACT_RELU, 0, 0, -1, 1, 0, 1},
    {"strided x, w", 2, 3, 7, 7, 2, 3, 3, {2, 2}, {0, 1, 1, 0}, {1, 1}, 1, 1, 0, ST_GAPS, ST_REVERSED, -1, 1, 0, 1},
    {"long accumulation", 1, 16, 5, 5, 7, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, 0, 0, 0, ST_GAPS, -1, 1, 0, 1},
    /* Integer-valued, sums small enough for every dtype: exact. */
    {"integer exact", 2, 4, 7, 7, 4, 3, 3, {1, 1}, {1, 0, 1, 2}, {1, 1}, 2, 1, PH_ACT_RELU, ST_GAPS, 0, -1, 2, 1, 1},
};

static const conv_case_t conv_int8_cases[] = {
    {"i8 1x1", 1, 1, 1, 1, 1, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1, 0, 0, 0, 0, -128, 128, 1, 1},
    /* out_scale 0.5 on odd sums gives exact .5 ties: round-half-even. */
    {"i8 ties", 2, 3, 7, 9, 4, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, 0, 0, 0, 0, -4, 5, 1, 0.5f},
    /* Full range: many results saturate, some do not. */
    {"i8 saturate bias relu", 1, 4, 9, 7, 6, 3, 3, {2, 1}, {1, 0, 2, 1}, {2, 1}, 2, 1, PH_ACT_RELU, ST_GAPS, ST_REVERSED, -128, 128, 1, 1.0f / 512},
    {"i8 depthwise bias", 2, 5, 7, 7, 5, 3, 3, {1, 1}, {1, 1, 1, 1}, {1, 1}, 5, 1, 0, 0, 0, -128, 128, 1, 1.0f / 64},
};

static void run_conv(const conv_case_t *cs, uint32_t layout, uint32_t dt, uint32_t ydt) {
  char what[160];
  snprintf(what, sizeof what, "conv %s [%s %s->%s]", cs->name,
           layout == PH_LAYOUT_NHWC ? "nhwc" : "nchw", dt_name(dt), dt_name(ydt));
  const int is_int8 = dt == PH_DTYPE_I8;
  const int64_t N = cs->n, C = cs->c, H = cs->h, W = cs->w, OC = cs->oc, KH = cs->kh, KW = cs->kw;
  const int64_t CG = C / cs->groups, OCG = OC / cs->groups;
  const int64_t OH = (H + cs->pad[0] + cs->pad[2] - cs->dil[0] * (KH - 1) - 1) / cs->stride[0] + 1;
  const int64_t OW = (W + cs->pad[1] + cs->pad[3] - cs->dil[1] * (KW - 1) - 1) / cs->stride[1] + 1;
  int64_t xs[4], ws[4], ys[4];
  shape4(layout, N, C, H, W, xs);
  shape4(layout, OC, CG, KH, KW, ws);
  shape4(layout, N, OC, OH, OW, ys);

  ph_kview_t in[3];
  in[0] = tv_make(dt, 4, xs, 0, cs->x_style);
  tv_fill(&in[0], cs->lo, cs->hi, cs->integer);
  in[1] = tv_make(dt, 4, ws, 0, cs->w_style);
  tv_fill(&in[1], cs->lo, cs->hi, cs->integer);
  if (cs->has_bias) {
    in[2] = tv_make(is_int8 ? PH_DTYPE_F32 : dt, 1, &OC, 0, cs->x_style);
    tv_fill(&in[2], is_int8 ? -64 : -1, is_int8 ? 64 : 1, cs->integer);
  }
  const size_t nin = cs->has_bias ? 3 : 2;
  ph_kview_t y1 = tv_output(ydt, 4, ys), y3 = tv_output(ydt, 4, ys);

  ph_conv2d_attrs_t at;
  memset(&at, 0, sizeof at);
  at.struct_size = sizeof at;
  at.layout = layout;
  memcpy(at.stride, cs->stride, sizeof at.stride);
  memcpy(at.pad, cs->pad, sizeof at.pad);
  memcpy(at.dilation, cs->dil, sizeof at.dilation);
  at.groups = cs->groups;
  at.activation = cs->act;
  at.has_bias = cs->has_bias;
  at.out_scale = cs->out_scale;
  ph_kargs_t args = {PH_OP_CONV2D, nin, in, 1, &y1, &at};
  run_split(what, &ph_ref_conv2d, &args, &y1, &y3);

  double *x = tv_doubles(&in[0]), *w = tv_doubles(&in[1]);
  double *bias = cs->has_bias ? tv_doubles(&in[2]) : NULL;
  const int64_t ny = N * OC * OH * OW;
  double *want = malloc((size_t)ny * sizeof *want), *tol = malloc((size_t)ny * sizeof *tol);
  const double u = ldexp(1.0, -24); /* f32 unit roundoff */
  const double scale = is_int8 ? cs->out_scale : 1.0;
  int all_exact = 1;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oc = 0; oc < OC; ++oc)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          const int64_t g = oc / OCG;
          double acc = 0, mag = 0;
          for (int64_t ci = 0; ci < CG; ++ci)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * cs->stride[0] - cs->pad[0] + kh * cs->dil[0];
                int64_t iw = ow * cs->stride[1] - cs->pad[1] + kw * cs->dil[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                double p = x[idx4(layout, n, g * CG + ci, ih, iw, C, H, W)] *
                           w[idx4(layout, oc, ci, kh, kw, CG, KH, KW)];
                acc += p, mag += fabs(p);
              }
          double v = scale * acc;
          mag *= scale;
          if (bias) v += bias[oc], mag += fabs(bias[oc]);
          if (cs->act == PH_ACT_RELU && v < 0) v = 0;
          const int64_t i = idx4(layout, n, oc, oh, ow, OC, OH, OW);
          want[i] = ydt == PH_DTYPE_I8 ? to_i8(v) : v;
          /* Integer-valued inputs, power-of-two scales, sums below 2^24 and
           * within the output's exact range: every f32 step is exact.
           * Otherwise f32 summation of up to CG*KH*KW products plus the
           * scale and bias steps errs by at most (L+2)u * sum|terms|
           * (Higham gamma_n; relu is 1-Lipschitz), and the store rounds
           * once: kt_eps(y)*|y|, with f16's subnormal spacing as a floor. */
          tol[i] = cs->integer ? 0
                               : (double)(CG * KH * KW + 2) * u * mag + kt_eps(ydt) * fabs(want[i]) +
                                     (ydt == PH_DTYPE_F16 ? ldexp(1.0, -24) : 1e-30);
          all_exact &= tol[i] == 0;
        }
  if (all_exact) {
    kt_compare(what, &y1, want, 0, 0);
    kt_compare(what, &y3, want, 0, 0);
  } else {
    check_bound(what, &y1, want, tol);
    check_bound(what, &y3, want, tol);
  }
  KT_CHECK(ph_ref_conv2d.units(&args) > 0, "%s: no units", what);

  free(x), free(w), free(bias), free(want), free(tol);
  for (size_t i = 0; i < nin; ++i) free(in[i].data);
  free(y1.data), free(y3.data);
}

/*===--- pool2d -------------------------------------------------------===*/

typedef struct pool_case {
  const char *name;
  int64_t n, c, h, w, kh, kw;
  int64_t stride[2], pad[4];
  int x_style;
} pool_case_t;

/* Fields in order: name, n, c, h, w, kh, kw, stride, pad (t, l, b, r),
 * x_style. */
static const pool_case_t pool_cases[] = {
    {"1x1 kernel", 1, 2, 3, 5, 1, 1, {1, 1}, {0, 0, 0, 0}, 0},
    {"2x2 s2 odd input", 2, 3, 7, 9, 2, 2, {2, 2}, {0, 0, 0, 0}, 0},
    {"3x3 s1 pad1", 1, 3, 7, 7, 3, 3, {1, 1}, {1, 1, 1, 1}, 0},
    {"3x3 s2 asym pad", 2, 2, 8, 7, 3, 3, {2, 2}, {1, 0, 0, 1}, ST_GAPS},
    {"3x2 s(2,3) 63x129", 1, 2, 63, 129, 3, 2, {2, 3}, {1, 1, 1, 0}, 0},
    {"window overhangs 1x1 input", 1, 3, 1, 1, 3, 3, {1, 1}, {1, 1, 1, 1}, ST_REVERSED},
    {"4x4 s3 pad 2,1,1,2", 2, 3, 9, 10, 4, 4, {3, 3}, {2, 1, 1, 2}, ST_GAPS},
};

static void run_pool(const pool_case_t *cs, uint32_t layout, uint32_t dt, uint32_t mode,
                     uint32_t cip, int with_nan) {
  char what[200];
  snprintf(what, sizeof what, "pool %s %s%s%s [%s %s]", cs->name,
           mode == PH_POOL_MAX ? "max" : "avg", cip ? " count_include_pad" : "",
           with_nan ? " NaN" : "", layout == PH_LAYOUT_NHWC ? "nhwc" : "nchw", dt_name(dt));
  const int64_t N = cs->n, C = cs->c, H = cs->h, W = cs->w, KH = cs->kh, KW = cs->kw;
  const int64_t OH = (H + cs->pad[0] + cs->pad[2] - KH) / cs->stride[0] + 1;
  const int64_t OW = (W + cs->pad[1] + cs->pad[3] - KW) / cs->stride[1] + 1;
  int64_t xs[4], ys[4];
  shape4(layout, N, C, H, W, xs);
  shape4(layout, N, C, OH, OW, ys);
  ph_kview_t x = tv_make(dt, 4, xs, 0, cs->x_style);
  tv_fill(&x, dt == PH_DTYPE_I8 ? -128 : -4, dt == PH_DTYPE_I8 ? 128 : 4, 0);
  if (with_nan) { /* a few NaNs where windows will meet them */
    int64_t nx = ph_kview_numel(&x);
    for (int64_t i = 3; i < nx; i += 17) ph_kstore(x.data, dt, ph_kview_offset(&x, i), NAN);
  }
  ph_kview_t y1 = tv_output(dt, 4, ys), y3 = tv_output(dt, 4, ys);

  ph_pool2d_attrs_t at;
  memset(&at, 0, sizeof at);
  at.struct_size = sizeof at;
  at.mode = mode;
  at.layout = layout;
  at.kernel[0] = KH, at.kernel[1] = KW;
  memcpy(at.stride, cs->stride, sizeof at.stride);
  memcpy(at.pad, cs->pad, sizeof at.pad);
  at.count_include_pad = cip;
  ph_kargs_t args = {PH_OP_POOL2D, 1, &x, 1, &y1, &at};
  run_split(what, &ph_ref_pool2d, &args, &y1, &y3);

  double *xd = tv_doubles(&x);
  const int64_t ny = N * C * OH * OW;
  double *want = malloc((size_t)ny * sizeof *want), *tol = malloc((size_t)ny * sizeof *tol);
  const double u = ldexp(1.0, -24);
  int all_exact = 1;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double mx = -INFINITY, sum = 0, mag = 0;
          int64_t inside = 0, padded = 0;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              int64_t ih = oh * cs->stride[0] - cs->pad[0] + kh;
              int64_t iw = ow * cs->stride[1] - cs->pad[1] + kw;
              /* PyTorch's divisor counts window positions within the padded
               * extent [-pt, H+pb) x [-pl, W+pr). */
              if (ih < H + cs->pad[2] && iw < W + cs->pad[3]) ++padded;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              double e = xd[idx4(layout, n, c, ih, iw, C, H, W)];
              if (isnan(e) || isnan(mx)) mx = NAN;
              else if (e > mx) mx = e;
              sum += e, mag += fabs(e), ++inside;
            }
          const int64_t i = idx4(layout, n, c, oh, ow, C, OH, OW);
          if (mode == PH_POOL_MAX) {
            want[i] = mx; /* one of the inputs: exact in any dtype */
            tol[i] = 0;
          } else {
            const int64_t count = cip ? padded : inside;
            want[i] = count ? sum / (double)count : 0;
            if (dt == PH_DTYPE_I8) {
              /* The f32 sum of integers is exact and the quotient's f32
               * rounding (<= 128u) cannot cross a .5 boundary, which lies
               * at least 1/(2 count) away unless hit exactly: exact. */
              want[i] = to_i8(want[i]);
              tol[i] = 0;
            } else {
              /* f32 summation of count terms, then one division: (count+1)u
               * of the magnitude; the store rounds once more. */
              tol[i] = (double)(inside + 1) * u * (count ? mag / (double)count : 0) +
                       kt_eps(dt) * fabs(want[i]) + (dt == PH_DTYPE_F16 ? ldexp(1.0, -24) : 1e-30);
            }
          }
          all_exact &= tol[i] == 0;
        }
  if (all_exact) {
    kt_compare(what, &y1, want, 0, 0);
    kt_compare(what, &y3, want, 0, 0);
  } else {
    check_bound(what, &y1, want, tol);
    check_bound(what, &y3, want, tol);
  }

  free(xd), free(want), free(tol), free(x.data), free(y1.data), free(y3.data);
}

int main(void) {
  kt_seed(0x636f6e76ull); /* "conv" */
  printf("test_conv: seed 0x636f6e76\n");

  const uint32_t all_dt[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16, PH_DTYPE_I8};
  for (size_t t = 0; t < 4; ++t) {
    KT_CHECK(ph_ref_conv2d.caps(all_dt[t]) == (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED),
             "conv caps(%s)", dt_name(all_dt[t]));
    KT_CHECK(ph_ref_pool2d.caps(all_dt[t]) == (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED),
             "pool caps(%s)", dt_name(all_dt[t]));
  }
  KT_CHECK(ph_ref_conv2d.caps(PH_DTYPE_I32) == 0, "conv caps(i32) should be 0");
  KT_CHECK(ph_ref_pool2d.caps(PH_DTYPE_I32) == 0, "pool caps(i32) should be 0");
  KT_CHECK(ph_ref_conv2d.op == PH_OP_CONV2D && ph_ref_pool2d.op == PH_OP_POOL2D, "op kinds");

  const uint32_t layouts[] = {PH_LAYOUT_NCHW, PH_LAYOUT_NHWC};
  for (size_t l = 0; l < 2; ++l) {
    for (size_t t = 0; t < 3; ++t)
      for (size_t i = 0; i < sizeof conv_float_cases / sizeof conv_float_cases[0]; ++i)
        run_conv(&conv_float_cases[i], layouts[l], all_dt[t], all_dt[t]);
    for (size_t i = 0; i < sizeof conv_int8_cases / sizeof conv_int8_cases[0]; ++i) {
      run_conv(&conv_int8_cases[i], layouts[l], PH_DTYPE_I8, PH_DTYPE_I8);
      run_conv(&conv_int8_cases[i], layouts[l], PH_DTYPE_I8, PH_DTYPE_F32);
    }
    for (size_t t = 0; t < 4; ++t)
      for (size_t i = 0; i < sizeof pool_cases / sizeof pool_cases[0]; ++i) {
        run_pool(&pool_cases[i], layouts[l], all_dt[t], PH_POOL_MAX, 0, 0);
        run_pool(&pool_cases[i], layouts[l], all_dt[t], PH_POOL_AVG, 0, 0);
        run_pool(&pool_cases[i], layouts[l], all_dt[t], PH_POOL_AVG, 1, 0);
      }
    for (size_t t = 0; t < 3; ++t) {
      run_pool(&pool_cases[2], layouts[l], all_dt[t], PH_POOL_MAX, 0, 1);
      run_pool(&pool_cases[3], layouts[l], all_dt[t], PH_POOL_AVG, 1, 1);
    }
  }
  /* What the API rejects must still not crash run(): no attrs, groups 0,
   * stride 0. */
  {
    const int64_t s4[4] = {1, 2, 3, 3}, w4[4] = {2, 2, 1, 1};
    ph_kview_t v[3] = {tv_output(PH_DTYPE_F32, 4, s4), tv_output(PH_DTYPE_F32, 4, w4),
                       tv_output(PH_DTYPE_F32, 4, s4)};
    ph_kargs_t args = {PH_OP_CONV2D, 2, v, 1, &v[2], NULL};
    KT_CHECK(ph_ref_conv2d.units(&args) == 0 && ph_ref_pool2d.units(&args) == 0,
             "no attrs: units should be 0");
    KT_CHECK(ph_ref_conv2d.run(&args, 0, 1) == PH_ERROR_INVALID_ARGUMENT, "conv no attrs");
    KT_CHECK(ph_ref_pool2d.run(&args, 0, 1) == PH_ERROR_INVALID_ARGUMENT, "pool no attrs");
    ph_conv2d_attrs_t ca = {sizeof ca, PH_LAYOUT_NCHW, {1, 1}, {0, 0, 0, 0}, {1, 1}, 0, 0, 0, 1};
    args.attrs = &ca;
    KT_CHECK(ph_ref_conv2d.units(&args) == 0, "groups 0: units should be 0");
    KT_CHECK(ph_ref_conv2d.run(&args, 0, 1) == PH_ERROR_INVALID_ARGUMENT, "groups 0: run");
    ph_pool2d_attrs_t pa = {sizeof pa, PH_POOL_MAX, PH_LAYOUT_NCHW, {1, 1}, {0, 1}, {0, 0, 0, 0}, 0};
    args.attrs = &pa;
    KT_CHECK(ph_ref_pool2d.run(&args, 0, 1) == PH_ERROR_INVALID_ARGUMENT, "stride 0: run");
    for (int i = 0; i < 3; ++i) free(v[i].data);
  }
  return kt_finish("test_conv");
}
