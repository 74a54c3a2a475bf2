/*
 * Every op x dtype on the cpu device through the full stack (public API ->
 * HAL -> cpu plugin -> kernel), against fp64 results computed here. Small
 * shapes (the kernel tests sweep sizes); what this covers is the path:
 * broadcasting the API normalises, non-contiguous inputs, attributes,
 * optional inputs, negative axes. Inputs are multiples of 1/16 (exact in
 * every float dtype), so the only error is the kernel's arithmetic and the
 * rounding of the output to its dtype. An op the device declares it lacks
 * for a dtype is a reported skip; anything else that fails is a failure.
 */
#include "optest.h"

static int n_cases, n_skipped;

static const uint32_t float_dts[3] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
static const uint32_t all_dts[5] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16,
                                    PH_DTYPE_I8, PH_DTYPE_I32};

/* Relative tolerance per output dtype: a few units in the last place of
 * the dtype, plus f32 arithmetic inside the kernel. */
static double rtol(uint32_t dt) {
  return dt == PH_DTYPE_F16 ? 4e-3 : dt == PH_DTYPE_BF16 ? 2e-2 : dt == PH_DTYPE_F32 ? 2e-5 : 0;
}

/* True (and counted as a case) when the device runs |op| for |dt| with
 * strided inputs if |strided|; else a reported skip. */
static bool can_run(const char *name, uint32_t op, uint32_t dt, bool strided) {
  uint32_t caps = 0;
  ph_status_t st = ph_device_op_caps(ot_dev, op, dt, &caps);
  OT_CHECK(st == PH_OK, "%s: ph_device_op_caps: %s", name, ph_last_error());
  bool ok = (caps & PH_OP_CAP_SUPPORTED) && (!strided || (caps & PH_OP_CAP_STRIDED));
  if (!ok) {
    printf("SKIP: %s: the device declares no %s%s support for %s\n", name,
           strided ? "strided " : "", ph_op_name(op), ph_dtype_name(dt));
    ++n_skipped;
  }
  return ok;
}

/* Checks the op's status, then y against |ref| (n values) with
 * |atol| + rtol(dtype) * |ref|. Both NaN counts as equal. */
static void verify(const char *name, ph_status_t st, const ot_tensor_t *y,
                   const double *ref, double atol) {
  ++n_cases;
  OT_CHECK(st == PH_OK, "%s: %s (%s)", name, ph_status_string(st), ph_last_error());
  if (st != PH_OK) return;
  double *got = ot_read(y);
  int bad = 0;
  for (int64_t i = 0; i < y->numel; ++i) {
    double r = ref[i], g = got[i];
    bool ok = (isnan(r) && isnan(g)) || (isinf(r) && g == r) ||
              fabs(g - r) <= atol + rtol(y->t.dtype) * fabs(r);
    if (!ok && bad++ < 3)
      OT_CHECK(false, "%s: y[%lld] = %.9g, fp64 reference %.9g", name, (long long)i, g, r);
  }
  ++ot_checks;
  if (bad) ++ot_failures;
  free(got);
}

/*--- matmul -------------------------------------------------------------------*/

static double act(uint32_t a, double v) {
  switch (a) {
    case PH_ACT_RELU: return v > 0 ? v : 0;
    case PH_ACT_GELU: return 0.5 * v * (1 + erf(v / sqrt(2.0)));
    case PH_ACT_SILU: return v / (1 + exp(-v));
    default: return v;
  }
}

/* a [2,1,3,4] (trans_a: stored [2,1,4,3]) x b [3,4,5] stored column-major
 * (a strided view) + bias [5] + beta * c [3,1,5] -> y [2,3,3,5]: batch
 * dims, c and a's missing leading dim all broadcast. */
static void t_matmul_float(uint32_t dt, uint32_t activation, bool trans_a) {
  char name[96];
  snprintf(name, sizeof name, "matmul %s act %u%s", ph_dtype_name(dt), (unsigned)activation,
           trans_a ? " trans_a" : "");
  if (!can_run(name, PH_OP_MATMUL, dt, true)) return;
  const int64_t as[4] = {2, 1, 3, 4}, ats[4] = {2, 1, 4, 3}, bs[3] = {3, 4, 5},
                biass[1] = {5}, cs[3] = {3, 1, 5}, ys[4] = {2, 3, 3, 5};
  int64_t bstr[3];
  ot_colmajor(3, bs, bstr);
  ot_tensor_t a, b, bias, c, y;
  if (!ot_rand(&a, dt, 4, trans_a ? ats : as, NULL, -2, 2) ||
      !ot_rand(&b, dt, 3, bs, bstr, -2, 2) || !ot_rand(&bias, dt, 1, biass, NULL, -1, 1) ||
      !ot_rand(&c, dt, 3, cs, NULL, -1, 1) || !ot_make(&y, dt, 4, ys, NULL, NULL))
    return;
  ph_matmul_attrs_t at = ph_matmul_attrs_default();
  at.alpha = 0.5f;
  at.beta = 2.0f;
  at.activation = activation;
  at.trans_a = trans_a;
  ph_status_t st = ph_op_matmul(ot_stream, &a.t, &b.t, &bias.t, &c.t, &y.t, &at);
  double ref[2 * 3 * 3 * 5];
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int m = 0; m < 3; ++m)
        for (int n = 0; n < 5; ++n) {
          double acc = 0;
          for (int k = 0; k < 4; ++k) {
            double av = trans_a ? a.v[(i * 4 + k) * 3 + m] : a.v[(i * 3 + m) * 4 + k];
            acc += av * b.v[(j * 4 + k) * 5 + n];
          }
          double v = 0.5 * acc + bias.v[n] + 2.0 * c.v[j * 5 + n];
          ref[((i * 3 + j) * 3 + m) * 5 + n] = ot_round(dt, act(activation, v));
        }
  verify(name, st, &y, ref, 1e-5);
  ot_free(&a); ot_free(&b); ot_free(&bias); ot_free(&c); ot_free(&y);
}

/* int8: a [2,3,4] i8 x b^T (trans_b: b stored [5,4]) + f32 bias, c of
 * y's dtype; y i8 (rounded, saturated) or f32. */
static void t_matmul_i8(uint32_t ydt) {
  char name[64];
  snprintf(name, sizeof name, "matmul i8 -> %s", ph_dtype_name(ydt));
  if (!can_run(name, PH_OP_MATMUL, PH_DTYPE_I8, false)) return;
  const int64_t as[3] = {2, 3, 4}, bs[2] = {5, 4}, biass[1] = {5}, ys[3] = {2, 3, 5};
  ot_tensor_t a, b, bias, c, y;
  if (!ot_rand(&a, PH_DTYPE_I8, 3, as, NULL, -16, 16) ||
      !ot_rand(&b, PH_DTYPE_I8, 2, bs, NULL, -16, 16) ||
      !ot_rand(&bias, PH_DTYPE_F32, 1, biass, NULL, -4, 4) ||
      !ot_rand(&c, ydt, 3, ys, NULL, -8, 8) || !ot_make(&y, ydt, 3, ys, NULL, NULL))
    return;
  ph_matmul_attrs_t at = ph_matmul_attrs_default();
  at.trans_b = 1;
  at.out_scale = 0.25f;
  at.alpha = 0.5f;
  at.beta = 1.0f;
  ph_status_t st = ph_op_matmul(ot_stream, &a.t, &b.t, &bias.t, &c.t, &y.t, &at);
  double ref[2 * 3 * 5];
  for (int i = 0; i < 2; ++i)
    for (int m = 0; m < 3; ++m)
      for (int n = 0; n < 5; ++n) {
        double acc = 0;
        for (int k = 0; k < 4; ++k) acc += a.v[(i * 3 + m) * 4 + k] * b.v[n * 4 + k];
        int o = (i * 3 + m) * 5 + n;
        ref[o] = ot_round(ydt, 0.5 * 0.25 * acc + bias.v[n] + c.v[o]);
      }
  verify(name, st, &y, ref, 1e-5);
  ot_free(&a); ot_free(&b); ot_free(&bias); ot_free(&c); ot_free(&y);
}

/*--- conv2d and pool2d --------------------------------------------------------*/

/* x [N=2, C=4, H=6, W=5] (or NHWC), w [OC=6, C/2, 3, 2] (or NHWC), groups
 * 2, stride (2,1), pads (1,0,0,1), dilation (1,2), bias [6]. */
static void t_conv2d(uint32_t dt, uint32_t ydt, uint32_t layout, uint32_t activation) {
  char name[96];
  snprintf(name, sizeof name, "conv2d %s -> %s %s act %u", ph_dtype_name(dt),
           ph_dtype_name(ydt), layout ? "NHWC" : "NCHW", (unsigned)activation);
  if (!can_run(name, PH_OP_CONV2D, dt, false)) return;
  enum { N = 2, C = 4, H = 6, W = 5, OC = 6, G = 2, KH = 3, KW = 2, CG = C / G };
  const int64_t sh = 2, sw = 1, pt = 1, pl = 0, pb = 0, pr = 1, dh = 1, dw = 2;
  const int64_t OH = (H + pt + pb - dh * (KH - 1) - 1) / sh + 1;
  const int64_t OW = (W + pl + pr - dw * (KW - 1) - 1) / sw + 1;
  bool nhwc = layout == PH_LAYOUT_NHWC;
  int64_t xs[4] = {N, C, H, W}, ws[4] = {OC, CG, KH, KW}, ys[4] = {N, OC, OH, OW};
  if (nhwc) {
    int64_t x2[4] = {N, H, W, C}, w2[4] = {OC, KH, KW, CG}, y2[4] = {N, OH, OW, OC};
    memcpy(xs, x2, sizeof xs); memcpy(ws, w2, sizeof ws); memcpy(ys, y2, sizeof ys);
  }
  const int64_t bs[1] = {OC};
  bool i8 = dt == PH_DTYPE_I8;
  ot_tensor_t x, w, bias, y;
  if (!ot_rand(&x, dt, 4, xs, NULL, i8 ? -20 : -2, i8 ? 20 : 2) ||
      !ot_rand(&w, dt, 4, ws, NULL, i8 ? -20 : -2, i8 ? 20 : 2) ||
      !ot_rand(&bias, i8 ? PH_DTYPE_F32 : dt, 1, bs, NULL, -1, 1) ||
      !ot_make(&y, ydt, 4, ys, NULL, NULL))
    return;
  ph_conv2d_attrs_t at = ph_conv2d_attrs_default();
  at.layout = layout;
  at.stride[0] = sh; at.stride[1] = sw;
  at.pad[0] = pt; at.pad[1] = pl; at.pad[2] = pb; at.pad[3] = pr;
  at.dilation[0] = dh; at.dilation[1] = dw;
  at.groups = G;
  at.activation = activation;
  at.out_scale = 0.125f;
  ph_status_t st = ph_op_conv2d(ot_stream, &x.t, &w.t, &bias.t, &y.t, &at);
  double *ref = calloc((size_t)y.numel, sizeof(double));
  for (int n = 0; n < N; ++n)
    for (int oc = 0; oc < OC; ++oc)
      for (int oh = 0; oh < OH; ++oh)
        for (int ow = 0; ow < OW; ++ow) {
          double acc = 0;
          int g = oc / (OC / G);
          for (int ci = 0; ci < CG; ++ci)
            for (int kh = 0; kh < KH; ++kh)
              for (int kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * sh - pt + kh * dh, iw = ow * sw - pl + kw * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                int c = g * CG + ci;
                double xv = nhwc ? x.v[((n * H + ih) * W + iw) * C + c]
                                 : x.v[((n * C + c) * H + ih) * W + iw];
                double wv = nhwc ? w.v[((oc * KH + kh) * KW + kw) * CG + ci]
                                 : w.v[((oc * CG + ci) * KH + kh) * KW + kw];
                acc += xv * wv;
              }
          double v = (i8 ? 0.125 * acc : acc) + bias.v[oc];
          int64_t o = nhwc ? ((n * OH + oh) * OW + ow) * OC + oc
                           : ((n * OC + oc) * OH + oh) * OW + ow;
          ref[o] = ot_round(ydt, act(activation, v));
        }
  verify(name, st, &y, ref, 1e-4);
  free(ref);
  ot_free(&x); ot_free(&w); ot_free(&bias); ot_free(&y);
}

/* x [2,3,5,6] (or NHWC) read through a transposed-storage view; window
 * 3x2, stride (2,2), pads (1,1,1,0). */
static void t_pool2d(uint32_t dt, uint32_t mode, uint32_t layout, uint32_t include_pad) {
  char name[96];
  snprintf(name, sizeof name, "pool2d %s %s %s%s", ph_dtype_name(dt), mode ? "avg" : "max",
           layout ? "NHWC" : "NCHW", include_pad ? " count_include_pad" : "");
  if (!can_run(name, PH_OP_POOL2D, dt, true)) return;
  enum { N = 2, C = 3, H = 5, W = 6, KH = 3, KW = 2 };
  const int64_t s = 2, pt = 1, pl = 1, pb = 1, pr = 0;
  const int64_t OH = (H + pt + pb - KH) / s + 1, OW = (W + pl + pr - KW) / s + 1;
  bool nhwc = layout == PH_LAYOUT_NHWC;
  int64_t xs[4] = {N, C, H, W}, ys[4] = {N, C, OH, OW};
  if (nhwc) {
    int64_t x2[4] = {N, H, W, C}, y2[4] = {N, OH, OW, C};
    memcpy(xs, x2, sizeof xs); memcpy(ys, y2, sizeof ys);
  }
  int64_t xstr[4];
  ot_colmajor(4, xs, xstr);
  bool i8 = dt == PH_DTYPE_I8;
  ot_tensor_t x, y;
  if (!ot_rand(&x, dt, 4, xs, xstr, i8 ? -100 : -4, i8 ? 100 : 4) ||
      !ot_make(&y, dt, 4, ys, NULL, NULL))
    return;
  ph_pool2d_attrs_t at = ph_pool2d_attrs_default(mode, KH, KW);
  at.layout = layout;
  at.stride[0] = at.stride[1] = s;
  at.pad[0] = pt; at.pad[1] = pl; at.pad[2] = pb; at.pad[3] = pr;
  at.count_include_pad = include_pad;
  ph_status_t st = ph_op_pool2d(ot_stream, &x.t, &y.t, &at);
  double *ref = calloc((size_t)y.numel, sizeof(double));
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c)
      for (int oh = 0; oh < OH; ++oh)
        for (int ow = 0; ow < OW; ++ow) {
          double acc = mode == PH_POOL_MAX ? -INFINITY : 0;
          int cnt = 0;
          for (int kh = 0; kh < KH; ++kh)
            for (int kw = 0; kw < KW; ++kw) {
              int64_t ih = oh * s - pt + kh, iw = ow * s - pl + kw;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              double v = nhwc ? x.v[((n * H + ih) * W + iw) * C + c]
                              : x.v[((n * C + c) * H + ih) * W + iw];
              acc = mode == PH_POOL_MAX ? fmax(acc, v) : acc + v;
              ++cnt;
            }
          if (mode == PH_POOL_AVG) acc /= include_pad ? KH * KW : cnt;
          int64_t o = nhwc ? ((n * OH + oh) * OW + ow) * C + c : ((n * C + c) * OH + oh) * OW + ow;
          ref[o] = ot_round(dt, acc);
        }
  /* i8 averages are ties (k + 1/2) or at least 1/12 away from one, so f32
   * division cannot round differently from fp64. */
  verify(name, st, &y, ref, i8 ? 0 : 1e-5);
  free(ref);
  ot_free(&x); ot_free(&y);
}

/*--- elementwise ----------------------------------------------------------------*/

static double unary_ref(uint32_t f, double x) {
  switch (f) {
    case PH_UNARY_RELU: return x > 0 ? x : 0;
    case PH_UNARY_GELU: return 0.5 * x * (1 + erf(x / sqrt(2.0)));
    case PH_UNARY_GELU_TANH:
      return 0.5 * x * (1 + tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
    case PH_UNARY_SILU: return x / (1 + exp(-x));
    case PH_UNARY_SIGMOID: return 1 / (1 + exp(-x));
    case PH_UNARY_TANH: return tanh(x);
    case PH_UNARY_EXP: return exp(x);
    case PH_UNARY_LOG: return log(x);
    case PH_UNARY_SQRT: return sqrt(x);
    case PH_UNARY_RSQRT: return 1 / sqrt(x);
    case PH_UNARY_NEG: return -x;
    default: return fabs(x);
  }
}

/* x [3,4,5] stored column-major, y dense. */
static void t_unary(uint32_t dt, uint32_t f) {
  char name[64];
  snprintf(name, sizeof name, "unary %u %s", (unsigned)f, ph_dtype_name(dt));
  if (!can_run(name, PH_OP_UNARY, dt, true)) return;
  const int64_t s[3] = {3, 4, 5};
  int64_t str[3];
  ot_colmajor(3, s, str);
  bool positive = f == PH_UNARY_LOG || f == PH_UNARY_SQRT || f == PH_UNARY_RSQRT;
  ot_tensor_t x, y;
  if (!ot_rand(&x, dt, 3, s, str, positive ? 0.0625 : -3, 3) || !ot_make(&y, dt, 3, s, NULL, NULL))
    return;
  ph_status_t st = ph_op_unary(ot_stream, f, &x.t, &y.t);
  double ref[60];
  for (int i = 0; i < 60; ++i) ref[i] = ot_round(dt, unary_ref(f, x.v[i]));
  verify(name, st, &y, ref, 1e-6);
  ot_free(&x); ot_free(&y);
}

static double binary_ref(uint32_t f, double a, double b) {
  switch (f) {
    case PH_BINARY_ADD: return a + b;
    case PH_BINARY_SUB: return a - b;
    case PH_BINARY_MUL: return a * b;
    case PH_BINARY_DIV: return a / b;
    case PH_BINARY_MAX: return fmax(a, b);
    case PH_BINARY_MIN: return fmin(a, b);
    default: return pow(a, b);
  }
}

/* a [3,1,4] (column-major) op b [5,1] -> y [3,5,4]: both broadcast. */
static void t_binary(uint32_t dt, uint32_t f) {
  char name[64];
  snprintf(name, sizeof name, "binary %u %s", (unsigned)f, ph_dtype_name(dt));
  if (!can_run(name, PH_OP_BINARY, dt, true)) return;
  const int64_t as[3] = {3, 1, 4}, bs[2] = {5, 1}, ys[3] = {3, 5, 4};
  int64_t astr[3];
  ot_colmajor(3, as, astr);
  bool pos_a = f == PH_BINARY_POW, pos_b = f == PH_BINARY_DIV;
  ot_tensor_t a, b, y;
  if (!ot_rand(&a, dt, 3, as, astr, pos_a ? 0.25 : -3, 3) ||
      !ot_rand(&b, dt, 2, bs, NULL, pos_b ? 0.5 : -2, 2) || !ot_make(&y, dt, 3, ys, NULL, NULL))
    return;
  ph_status_t st = ph_op_binary(ot_stream, f, &a.t, &b.t, &y.t);
  double ref[60];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 4; ++k)
        ref[(i * 5 + j) * 4 + k] = ot_round(dt, binary_ref(f, a.v[i * 4 + k], b.v[j]));
  verify(name, st, &y, ref, 1e-6);
  ot_free(&a); ot_free(&b); ot_free(&y);
}

/*--- softmax, norms, reduce ------------------------------------------------------*/

/* Index helpers for x [A, B, C] viewed as (outer, axis, inner). */
static void split3(const int64_t *s, int axis, int64_t *outer, int64_t *len, int64_t *inner) {
  *outer = 1; *inner = 1;
  for (int d = 0; d < axis; ++d) *outer *= s[d];
  *len = s[axis];
  for (int d = axis + 1; d < 3; ++d) *inner *= s[d];
}

/* x [4,3,5] column-major, softmax along |axis| (given negative). */
static void t_softmax(uint32_t dt, int axis, uint32_t log_) {
  char name[64];
  snprintf(name, sizeof name, "softmax %s axis %d%s", ph_dtype_name(dt), axis, log_ ? " log" : "");
  if (!can_run(name, PH_OP_SOFTMAX, dt, true)) return;
  const int64_t s[3] = {4, 3, 5};
  int64_t str[3];
  ot_colmajor(3, s, str);
  ot_tensor_t x, y;
  if (!ot_rand(&x, dt, 3, s, str, -4, 4) || !ot_make(&y, dt, 3, s, NULL, NULL)) return;
  ph_status_t st = ph_op_softmax(ot_stream, &x.t, &y.t, axis - 3, log_);
  int64_t outer, len, inner;
  split3(s, axis, &outer, &len, &inner);
  double ref[60];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      double mx = -INFINITY, sum = 0;
      for (int64_t k = 0; k < len; ++k) mx = fmax(mx, x.v[(o * len + k) * inner + in]);
      for (int64_t k = 0; k < len; ++k) sum += exp(x.v[(o * len + k) * inner + in] - mx);
      for (int64_t k = 0; k < len; ++k) {
        double z = x.v[(o * len + k) * inner + in] - mx;
        ref[(o * len + k) * inner + in] = ot_round(dt, log_ ? z - log(sum) : exp(z) / sum);
      }
    }
  verify(name, st, &y, ref, 1e-6);
  ot_free(&x); ot_free(&y);
}

/* Layernorm / rmsnorm of x [2,3,4] over axes [axis, 3), optional scale
 * and bias of shape x.shape[axis:]; x transposed-storage when |strided|. */
static void t_norm(uint32_t op, uint32_t dt, int axis, bool affine, bool strided) {
  char name[96];
  snprintf(name, sizeof name, "%s %s axis %d%s%s", op == PH_OP_LAYERNORM ? "layernorm" : "rmsnorm",
           ph_dtype_name(dt), axis, affine ? " affine" : "", strided ? " strided" : "");
  if (!can_run(name, op, dt, strided)) return;
  const int64_t s[3] = {2, 3, 4};
  int64_t str[3];
  ot_colmajor(3, s, str);
  ot_tensor_t x, sc, bi, y;
  uint32_t inner_rank = 3 - (uint32_t)axis;
  if (!ot_rand(&x, dt, 3, s, strided ? str : NULL, -3, 3) ||
      !ot_rand(&sc, dt, inner_rank, s + axis, NULL, -2, 2) ||
      !ot_rand(&bi, dt, inner_rank, s + axis, NULL, -1, 1) || !ot_make(&y, dt, 3, s, NULL, NULL))
    return;
  const float eps = 1e-3f;
  ph_status_t st = op == PH_OP_LAYERNORM
                       ? ph_op_layernorm(ot_stream, &x.t, affine ? &sc.t : NULL,
                                         affine ? &bi.t : NULL, &y.t, axis - 3, eps)
                       : ph_op_rmsnorm(ot_stream, &x.t, affine ? &sc.t : NULL, &y.t, axis, eps);
  int64_t inner = 1;
  for (int d = axis; d < 3; ++d) inner *= s[d];
  int64_t outer = 24 / inner;
  double ref[24];
  for (int64_t o = 0; o < outer; ++o) {
    const double *row = x.v + o * inner;
    double mean = 0, ms = 0;
    for (int64_t i = 0; i < inner; ++i) mean += row[i] / (double)inner;
    for (int64_t i = 0; i < inner; ++i) {
      double d = op == PH_OP_LAYERNORM ? row[i] - mean : row[i];
      ms += d * d / (double)inner;
    }
    for (int64_t i = 0; i < inner; ++i) {
      double d = op == PH_OP_LAYERNORM ? row[i] - mean : row[i];
      double v = d / sqrt(ms + (double)eps);
      if (affine) v = v * sc.v[i] + (op == PH_OP_LAYERNORM ? bi.v[i] : 0);
      ref[o * inner + i] = ot_round(dt, v);
    }
  }
  verify(name, st, &y, ref, 1e-5);
  ot_free(&x); ot_free(&sc); ot_free(&bi); ot_free(&y);
}

/* x [2,3,4] column-major reduced over |axes|. */
static void t_reduce(uint32_t dt, uint32_t f, uint32_t axes, uint32_t keepdims) {
  char name[64];
  snprintf(name, sizeof name, "reduce %u %s axes 0x%x keep %u", (unsigned)f, ph_dtype_name(dt),
           (unsigned)axes, (unsigned)keepdims);
  if (!can_run(name, PH_OP_REDUCE, dt, true)) return;
  const int64_t s[3] = {2, 3, 4};
  int64_t str[3], ys[3];
  ot_colmajor(3, s, str);
  uint32_t yr = 0;
  for (int d = 0; d < 3; ++d)
    if (!((axes >> d) & 1u)) ys[yr++] = s[d];
    else if (keepdims) ys[yr++] = 1;
  ot_tensor_t x, y;
  if (!ot_rand(&x, dt, 3, s, str, -4, 4) || !ot_make(&y, dt, yr, ys, NULL, NULL)) return;
  ph_status_t st = ph_op_reduce(ot_stream, f, &x.t, &y.t, axes, keepdims);
  /* Output element of x element (i,j,k): row-major over the kept axes. */
  double acc[24];
  int cnt[24] = {0};
  for (int i = 0; i < 24; ++i) acc[i] = f == PH_REDUCE_MAX ? -INFINITY : f == PH_REDUCE_MIN ? INFINITY : 0;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) {
        int idx[3] = {i, j, k}, o = 0;
        for (int d = 0; d < 3; ++d)
          if (!((axes >> d) & 1u)) o = o * (int)s[d] + idx[d];
        double v = x.v[(i * 3 + j) * 4 + k];
        acc[o] = f == PH_REDUCE_MAX ? fmax(acc[o], v) : f == PH_REDUCE_MIN ? fmin(acc[o], v) : acc[o] + v;
        ++cnt[o];
      }
  double ref[24];
  for (int64_t o = 0; o < y.numel; ++o)
    ref[o] = ot_round(dt, f == PH_REDUCE_MEAN ? acc[o] / cnt[o] : acc[o]);
  verify(name, st, &y, ref, 1e-5);
  ot_free(&x); ot_free(&y);
}

/*--- layout ops ---------------------------------------------------------------*/

/* Values that every dtype holds exactly: small integers and sixteenths. */
static double layout_lo(uint32_t dt) { return dt == PH_DTYPE_I8 || dt == PH_DTYPE_I32 ? -100 : -4; }
static double layout_hi(uint32_t dt) { return dt == PH_DTYPE_I8 || dt == PH_DTYPE_I32 ? 100 : 4; }

/* x [2,3,4] (column-major when |strided|), perm {2, -3, 1} -> y [4,2,3]. */
static void t_transpose(uint32_t dt, bool strided) {
  char name[64];
  snprintf(name, sizeof name, "transpose %s%s", ph_dtype_name(dt), strided ? " strided" : "");
  if (!can_run(name, PH_OP_TRANSPOSE, dt, strided)) return;
  const int64_t s[3] = {2, 3, 4}, ys[3] = {4, 2, 3};
  int64_t str[3];
  ot_colmajor(3, s, str);
  static const int32_t perm[3] = {2, -3, 1};
  ot_tensor_t x, y;
  if (!ot_rand(&x, dt, 3, s, strided ? str : NULL, layout_lo(dt), layout_hi(dt)) ||
      !ot_make(&y, dt, 3, ys, NULL, NULL))
    return;
  ph_status_t st = ph_op_transpose(ot_stream, &x.t, &y.t, perm);
  double ref[24];
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 3; ++c) ref[(a * 2 + b) * 3 + c] = x.v[(b * 3 + c) * 4 + a];
  verify(name, st, &y, ref, 0);
  ot_free(&x); ot_free(&y);
}

/* xs [2,3], [2,1], [2,2] (the last column-major) along axis -1 -> [2,6]. */
static void t_concat(uint32_t dt) {
  char name[64];
  snprintf(name, sizeof name, "concat %s", ph_dtype_name(dt));
  if (!can_run(name, PH_OP_CONCAT, dt, true)) return;
  const int64_t s0[2] = {2, 3}, s1[2] = {2, 1}, s2[2] = {2, 2}, ys[2] = {2, 6};
  int64_t str2[2];
  ot_colmajor(2, s2, str2);
  ot_tensor_t x0, x1, x2, y;
  double lo = layout_lo(dt), hi = layout_hi(dt);
  if (!ot_rand(&x0, dt, 2, s0, NULL, lo, hi) || !ot_rand(&x1, dt, 2, s1, NULL, lo, hi) ||
      !ot_rand(&x2, dt, 2, s2, str2, lo, hi) || !ot_make(&y, dt, 2, ys, NULL, NULL))
    return;
  const ph_tensor_t *xs[3] = {&x0.t, &x1.t, &x2.t};
  ph_status_t st = ph_op_concat(ot_stream, xs, 3, &y.t, -1);
  double ref[12];
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 3; ++c) ref[r * 6 + c] = x0.v[r * 3 + c];
    ref[r * 6 + 3] = x1.v[r];
    for (int c = 0; c < 2; ++c) ref[r * 6 + 4 + c] = x2.v[r * 2 + c];
  }
  verify(name, st, &y, ref, 0);
  ot_free(&x0); ot_free(&x1); ot_free(&x2); ot_free(&y);
}

/* table [5,3]; axis 0 with indices [2,2] -> y [2,2,3]; axis -1 with
 * indices [4] -> y [5,4]. Negative indices count from the end. */
static void t_gather(uint32_t dt, int axis) {
  char name[64];
  snprintf(name, sizeof name, "gather %s axis %d", ph_dtype_name(dt), axis);
  if (!can_run(name, PH_OP_GATHER, dt, false)) return;
  const int64_t ts[2] = {5, 3}, is0[2] = {2, 2}, ys0[3] = {2, 2, 3}, is1[1] = {4}, ys1[2] = {5, 4};
  static const double idx0[4] = {4, 0, -1, 2}, idx1[4] = {2, 0, -3, 2};
  ot_tensor_t table, idx, y;
  if (!ot_rand(&table, dt, 2, ts, NULL, layout_lo(dt), layout_hi(dt)) ||
      !ot_make(&idx, PH_DTYPE_I32, axis == 0 ? 2 : 1, axis == 0 ? is0 : is1, NULL,
               axis == 0 ? idx0 : idx1) ||
      !ot_make(&y, dt, axis == 0 ? 3 : 2, axis == 0 ? ys0 : ys1, NULL, NULL))
    return;
  ph_status_t st = ph_op_gather(ot_stream, &table.t, &idx.t, &y.t, axis);
  double ref[20];
  if (axis == 0) {
    for (int i = 0; i < 4; ++i) {
      int r = (int)idx0[i] < 0 ? (int)idx0[i] + 5 : (int)idx0[i];
      for (int c = 0; c < 3; ++c) ref[i * 3 + c] = table.v[r * 3 + c];
    }
  } else {
    for (int r = 0; r < 5; ++r)
      for (int i = 0; i < 4; ++i) {
        int c = (int)idx1[i] < 0 ? (int)idx1[i] + 3 : (int)idx1[i];
        ref[r * 4 + i] = table.v[r * 3 + c];
      }
  }
  verify(name, st, &y, ref, 0);
  ot_free(&table); ot_free(&idx); ot_free(&y);
}

/* x [3,4] column-major of |src| values chosen to exercise rounding ties,
 * saturation and NaN; expected = the value rounded into |dst| by this
 * test's own converters. */
static void t_cast(uint32_t src, uint32_t dst) {
  char name[64];
  snprintf(name, sizeof name, "cast %s -> %s", ph_dtype_name(src), ph_dtype_name(dst));
  if (!can_run(name, PH_OP_CAST, src, true)) return;
  static const double vals[12] = {-300.5, -128.5, -2.5, -1.5, -0.5, 0.5,
                                  1.5,    2.5,    3.25, 127.5, 200, 0.1};
  double v[12];
  memcpy(v, vals, sizeof v);
  if (src == PH_DTYPE_F32 || src == PH_DTYPE_F16 || src == PH_DTYPE_BF16) v[11] = NAN;
  const int64_t s[2] = {3, 4};
  int64_t str[2];
  ot_colmajor(2, s, str);
  ot_tensor_t x, y;
  if (!ot_make(&x, src, 2, s, str, v) || !ot_make(&y, dst, 2, s, NULL, NULL)) return;
  ph_status_t st = ph_op_cast(ot_stream, &x.t, &y.t);
  double ref[12];
  for (int i = 0; i < 12; ++i) ref[i] = ot_round(dst, x.v[i]);
  verify(name, st, &y, ref, 0);
  ot_free(&x); ot_free(&y);
}

/*--- attention ------------------------------------------------------------------*/

/* q [2,2,3,4], k [2,2,5,4] (column-major), v [2,2,5,3], optional mask
 * [3,5] broadcast over batch and heads, scale 0.5, causal offset Sk-Sq. */
static void t_attention(uint32_t dt, bool use_mask, uint32_t causal) {
  char name[64];
  snprintf(name, sizeof name, "attention %s%s%s", ph_dtype_name(dt), use_mask ? " mask" : "",
           causal ? " causal" : "");
  if (!can_run(name, PH_OP_ATTENTION, dt, true)) return;
  enum { B = 2, H = 2, SQ = 3, SK = 5, D = 4, DV = 3 };
  const int64_t qs[4] = {B, H, SQ, D}, ks[4] = {B, H, SK, D}, vs[4] = {B, H, SK, DV},
                ms[2] = {SQ, SK}, ys[4] = {B, H, SQ, DV};
  int64_t kstr[4];
  ot_colmajor(4, ks, kstr);
  ot_tensor_t q, k, v, m, y;
  if (!ot_rand(&q, dt, 4, qs, NULL, -2, 2) || !ot_rand(&k, dt, 4, ks, kstr, -2, 2) ||
      !ot_rand(&v, dt, 4, vs, NULL, -2, 2) || !ot_rand(&m, dt, 2, ms, NULL, -1, 1) ||
      !ot_make(&y, dt, 4, ys, NULL, NULL))
    return;
  ph_status_t st = ph_op_attention(ot_stream, &q.t, &k.t, &v.t, use_mask ? &m.t : NULL, &y.t,
                                   0.5f, causal);
  double ref[B * H * SQ * DV];
  for (int bh = 0; bh < B * H; ++bh)
    for (int i = 0; i < SQ; ++i) {
      double s[SK], mx = -INFINITY, sum = 0;
      for (int j = 0; j < SK; ++j) {
        double dot = 0;
        for (int d = 0; d < D; ++d) dot += q.v[(bh * SQ + i) * D + d] * k.v[(bh * SK + j) * D + d];
        s[j] = 0.5 * dot + (use_mask ? m.v[i * SK + j] : 0);
        if (causal && j > i + (SK - SQ)) s[j] = -INFINITY;
        mx = fmax(mx, s[j]);
      }
      for (int j = 0; j < SK; ++j) sum += exp(s[j] - mx);
      for (int e = 0; e < DV; ++e) {
        double acc = 0;
        for (int j = 0; j < SK; ++j) acc += exp(s[j] - mx) / sum * v.v[(bh * SK + j) * DV + e];
        ref[(bh * SQ + i) * DV + e] = ot_round(dt, acc);
      }
    }
  verify(name, st, &y, ref, dt == PH_DTYPE_F32 ? 1e-5 : dt == PH_DTYPE_F16 ? 4e-3 : 3e-2);
  ot_free(&q); ot_free(&k); ot_free(&v); ot_free(&m); ot_free(&y);
}

int main(void) {
  if (!ot_setup()) return ot_failures ? 1 : OT_EXIT_SKIP;
  for (int d = 0; d < 3; ++d) {
    uint32_t dt = float_dts[d];
    t_matmul_float(dt, PH_ACT_RELU, false);
    t_matmul_float(dt, PH_ACT_NONE, true);
    if (dt == PH_DTYPE_F32) {
      t_matmul_float(dt, PH_ACT_GELU, false);
      t_matmul_float(dt, PH_ACT_SILU, true);
    }
    t_conv2d(dt, dt, PH_LAYOUT_NCHW, PH_ACT_RELU);
    t_conv2d(dt, dt, PH_LAYOUT_NHWC, PH_ACT_NONE);
    for (uint32_t f = 0; f < PH_UNARY_COUNT_; ++f) t_unary(dt, f);
    for (uint32_t f = 0; f < PH_BINARY_COUNT_; ++f) t_binary(dt, f);
    for (int axis = 0; axis < 3; ++axis) t_softmax(dt, axis, axis == 1);
    t_norm(PH_OP_LAYERNORM, dt, 1, true, true);
    t_norm(PH_OP_LAYERNORM, dt, 2, false, false);
    t_norm(PH_OP_RMSNORM, dt, 2, true, true);
    t_norm(PH_OP_RMSNORM, dt, 0, false, false);
    for (uint32_t f = 0; f < PH_REDUCE_COUNT_; ++f) {
      t_reduce(dt, f, 0x5, 1);
      t_reduce(dt, f, 0x2, 0);
      t_reduce(dt, f, 0x7, 0);
    }
    t_attention(dt, true, 0);
    t_attention(dt, false, 1);
    t_attention(dt, true, 1);
  }
  t_matmul_i8(PH_DTYPE_F32);
  t_matmul_i8(PH_DTYPE_I8);
  t_conv2d(PH_DTYPE_I8, PH_DTYPE_F32, PH_LAYOUT_NCHW, PH_ACT_RELU);
  t_conv2d(PH_DTYPE_I8, PH_DTYPE_I8, PH_LAYOUT_NHWC, PH_ACT_NONE);
  for (int d = 0; d < 4; ++d) { /* f32, f16, bf16, i8 */
    t_pool2d(all_dts[d], PH_POOL_MAX, PH_LAYOUT_NCHW, 0);
    t_pool2d(all_dts[d], PH_POOL_AVG, PH_LAYOUT_NHWC, 0);
    t_pool2d(all_dts[d], PH_POOL_AVG, PH_LAYOUT_NCHW, 1);
  }
  for (int d = 0; d < 5; ++d) {
    t_transpose(all_dts[d], false);
    t_transpose(all_dts[d], true);
    t_concat(all_dts[d]);
    t_gather(all_dts[d], 0);
    t_gather(all_dts[d], -1);
    for (int e = 0; e < 5; ++e) t_cast(all_dts[d], all_dts[e]);
  }
  ph_stream_destroy(ot_stream);
  printf("api_ops_cpu: %d cases, %d checks, %d failed, %d skipped (unsupported)\n", n_cases,
         ot_checks, ot_failures, n_skipped);
  if (ot_failures) return 1;
  return n_cases == 0 ? OT_EXIT_SKIP : 0;
}
