/*
 * fp64 references for the elementwise ops (unary, binary), written from
 * the definitions in polyhal.h and plugin.h. IEEE semantics of the C
 * library carry the special values (log 0 = -inf, 1/0 = inf, NaN in,
 * NaN out).
 */
#include <math.h>

#include "ref.h"

/* 1 / (1 + e^-x), kept accurate in both tails (e^-x never overflows to a
 * 0 * inf form: for x < 0 use e^x / (1 + e^x)). */
static double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x);
  return e / (1.0 + e);
}

double phc_ref_unary(uint32_t func, double x) {
  switch (func) {
    case PH_UNARY_RELU: return x > 0 ? x : 0.0;
    /* 1 + erf(z) = erfc(-z): no cancellation for large negative x. */
    case PH_UNARY_GELU: return 0.5 * x * erfc(-x / sqrt(2.0));
    case PH_UNARY_GELU_TANH: {
      /* 0.5 (1 + tanh u) = sigmoid(2u), the same function without the
       * cancellation of 1 + tanh(u) when u is very negative. */
      double u = 0.79788456080286535588 /* sqrt(2/pi) */ * (x + 0.044715 * x * x * x);
      if (isinf(x)) return x > 0 ? x : 0.0;
      return x * sigmoid(2.0 * u);
    }
    case PH_UNARY_SILU: return x * sigmoid(x);
    case PH_UNARY_SIGMOID: return sigmoid(x);
    case PH_UNARY_TANH: return tanh(x);
    case PH_UNARY_EXP: return exp(x);
    case PH_UNARY_LOG: return log(x);
    case PH_UNARY_SQRT: return sqrt(x);
    case PH_UNARY_RSQRT: return 1.0 / sqrt(x);
    case PH_UNARY_NEG: return -x;
    case PH_UNARY_ABS: return fabs(x);
    default: return NAN;
  }
}

double phc_ref_binary(uint32_t func, double a, double b) {
  switch (func) {
    case PH_BINARY_ADD: return a + b;
    case PH_BINARY_SUB: return a - b;
    case PH_BINARY_MUL: return a * b;
    case PH_BINARY_DIV: return a / b;
    case PH_BINARY_MAX: return a > b ? a : b;
    case PH_BINARY_MIN: return a < b ? a : b;
    case PH_BINARY_POW: return pow(a, b);
    default: return NAN;
  }
}
