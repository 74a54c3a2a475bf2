/*
 * The tolerance policy, one row per op class and output dtype. Sources and
 * reasoning: conformance/TOLERANCES.md (keep the two in step).
 *
 * f16/bf16 compute in f32 (the API's rule) and round once at the output:
 * their bounds are one unit of the output dtype plus the f32 arithmetic's
 * bound, expressed relative to the value (u32 = 2^-24 per f32 rounding).
 */
#include <math.h>

#include "suite.h"

#define PHC_U32 0x1.0p-24

phc_tol_t phc_tolerance(phc_tol_class_t cls, uint32_t dtype, int64_t k) {
  phc_tol_t t = {0, 0, 0, 0, "exact"};
  bool f32 = dtype == PH_DTYPE_F32;
  bool small = dtype == PH_DTYPE_F16 || dtype == PH_DTYPE_BF16;
  double kk = k > 0 ? (double)k : 1;
  /* f32 bound of |ulps32| units, as seen at the output dtype. */
  double u_out = small ? 1 : 0;
  switch (cls) {
    case PHC_TOL_EXACT:
      return t;
    case PHC_TOL_ARITH: /* IEEE: correctly rounded; f16/bf16 round twice */
      t.source = "arith";
      t.ulps = f32 ? 0.5 : 1;
      break;
    case PHC_TOL_EXP: /* OpenCL full profile: exp 3 ulp */
    case PHC_TOL_LOG: /* log 3 ulp */
      t.source = cls == PHC_TOL_EXP ? "exp" : "log";
      t.ulps = f32 ? 3 : u_out;
      t.rel = f32 ? 0 : 3 * 2 * PHC_U32;
      break;
    case PHC_TOL_TANH: /* tanh 5 ulp */
      t.source = "tanh";
      t.ulps = f32 ? 5 : u_out;
      t.rel = f32 ? 0 : 5 * 2 * PHC_U32;
      break;
    case PHC_TOL_ERF: /* erf/erfc 16 ulp, plus the products around them */
      t.source = "erf";
      t.ulps = f32 ? 18 : u_out;
      t.rel = f32 ? 0 : 18 * 2 * PHC_U32;
      break;
    case PHC_TOL_SQRT: /* sqrt 3 ulp (correctly rounded is allowed, not required) */
      t.source = "sqrt";
      t.ulps = f32 ? 3 : u_out;
      t.rel = f32 ? 0 : 3 * 2 * PHC_U32;
      break;
    case PHC_TOL_RSQRT: /* rsqrt 2 ulp */
      t.source = "rsqrt";
      t.ulps = f32 ? 2 : u_out;
      t.rel = f32 ? 0 : 2 * 2 * PHC_U32;
      break;
    case PHC_TOL_POW: /* pow 16 ulp */
      t.source = "pow";
      t.ulps = f32 ? 16 : u_out;
      t.rel = f32 ? 0 : 16 * 2 * PHC_U32;
      break;
    case PHC_TOL_COMPOSITE:
      /* gelu, gelu_tanh, sigmoid, silu: exp/erf/tanh inside a few
       * operations. Rounding the inner argument (a few f32 units) moves
       * the result by about that many units of |x f'(x)|, which dwarfs
       * f(x) in the tails (x e^x for x -> -inf): scale = |x f'(x)|. */
      t.source = "composite";
      t.ulps = f32 ? 32 : u_out;
      t.rel = f32 ? 0 : 32 * 2 * PHC_U32;
      t.scale_rel = 8 * PHC_U32;
      break;
    case PHC_TOL_DOT:
      /* |err| <= gamma_K * sum|a||b| (Higham, Thm 3.5) with slack for the
       * epilogue; blocked or FMA sums stay far inside it. */
      t.source = "dot";
      t.ulps = f32 ? 4 : u_out + 0.5;
      t.scale_rel = (kk + 8) * 2 * PHC_U32;
      break;
    case PHC_TOL_SOFTMAX:
      /* exp (3 ulp), a k-term sum and one division (softmax); for
       * log-softmax an absolute term for x - max - log(sum). */
      t.source = "softmax";
      t.ulps = f32 ? 4 : u_out;
      t.rel = (kk + 8) * 2 * PHC_U32;
      t.abs = (kk + 128) * 2 * PHC_U32;
      break;
    case PHC_TOL_NORM:
      t.source = "norm";
      t.ulps = f32 ? 4 : u_out;
      t.scale_rel = (kk + 16) * 2 * PHC_U32;
      break;
    case PHC_TOL_REDUCE:
      t.source = "reduce";
      t.ulps = f32 ? 1 : u_out;
      t.scale_rel = (kk + 2) * PHC_U32;
      break;
    case PHC_TOL_AVGPOOL:
      t.source = "avgpool";
      t.ulps = f32 ? 1 : u_out;
      t.scale_rel = (kk + 2) * PHC_U32;
      break;
    case PHC_TOL_ATTENTION:
      t.source = "attention";
      t.ulps = f32 ? 4 : u_out;
      t.scale_rel = (kk + 32) * 4 * PHC_U32;
      break;
    default:
      t.source = "unknown";
      break;
  }
  return t;
}
