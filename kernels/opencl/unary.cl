/*
 * y = f(x) elementwise (PH_OP_UNARY), one work-item per output element.
 * f32/f16/bf16 compute in f32, mirroring kernels/ref/unary.c.
 */
#define PH_UNARY_RELU 0
#define PH_UNARY_GELU 1
#define PH_UNARY_GELU_TANH 2
#define PH_UNARY_SILU 3
#define PH_UNARY_SIGMOID 4
#define PH_UNARY_TANH 5
#define PH_UNARY_EXP 6
#define PH_UNARY_LOG 7
#define PH_UNARY_SQRT 8
#define PH_UNARY_RSQRT 9
#define PH_UNARY_NEG 10
#define PH_UNARY_ABS 11

/* 1 / (1 + e^-x) with exp() only ever seeing a non-positive argument. */
float ph_sigmoid(float x) {
  if (x >= 0.0f) return 1.0f / (1.0f + exp(-x));
  float e = exp(x);
  return e / (1.0f + e);
}

float ph_unary_apply(uint func, float x) {
  switch (func) {
    case PH_UNARY_RELU: return x < 0.0f ? 0.0f : x; /* NaN stays NaN */
    case PH_UNARY_GELU:
      if (isinf(x)) return x > 0.0f ? x : 0.0f;
      /* 1 + erf(z) == erfc(-z): no cancellation for negative x. */
      return 0.5f * x * erfc(-x * 0.70710678118654752f);
    case PH_UNARY_GELU_TANH: {
      if (isinf(x)) return x > 0.0f ? x : 0.0f;
      float u = 0.79788456080286536f * (x + 0.044715f * x * x * x);
      return x * ph_sigmoid(2.0f * u); /* 0.5 * (1 + tanh(u)) */
    }
    case PH_UNARY_SILU:
      if (isinf(x)) return x > 0.0f ? x : 0.0f;
      return x * ph_sigmoid(x);
    case PH_UNARY_SIGMOID: return ph_sigmoid(x);
    case PH_UNARY_TANH: return tanh(x);
    case PH_UNARY_EXP: return exp(x);
    case PH_UNARY_LOG: return log(x);
    case PH_UNARY_SQRT: return sqrt(x);
    case PH_UNARY_RSQRT: return 1.0f / sqrt(x);
    case PH_UNARY_NEG: return -x;
    case PH_UNARY_ABS: return fabs(x);
    default: return NAN;
  }
}

/* |n| output elements; y is dense row-major from yv.offset. */
__kernel void ph_unary(const __global uchar *x, ph_view xv, __global uchar *y, ph_view yv,
                       uint func, long n) {
  long i = (long)get_global_id(0);
  if (i >= n) return;
  float v = ph_loadf(x, xv.dtype, ph_offset(xv, i));
  ph_storef(y, yv.dtype, yv.offset + i, ph_unary_apply(func, v));
}
