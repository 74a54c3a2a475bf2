/*
 * y = x converted to y's dtype (PH_OP_CAST), any of f32, f16, bf16, i8,
 * i32 to any. Bit-exact with kernels/ref/cast.c, which rounds the exact
 * input value once: float sources are exact in f32 so ph_storef's RNE
 * conversions are that single rounding; i32 sources are the only inexact
 * ones and are handled apart (no double needed). Same dtype copies bits.
 */

/* |i| as a float rounded to odd (truncate, then set the last mantissa bit
 * if anything was lost): rounding that to f16/bf16 with nearest-even
 * equals rounding |i| directly, avoiding a double rounding. */
float ph_i32_to_f32_odd(int i) {
  float f = convert_float_rtz(i);
  if (convert_long(f) != (long)i) f = as_float(as_uint(f) | 1u);
  return f;
}

void ph_cast_i32(__global void *y, int ydt, long yi, int v) {
  switch (ydt) {
    case PH_DTYPE_F32: ((__global float *)y)[yi] = convert_float_rte(v); break;
    case PH_DTYPE_F16:
    case PH_DTYPE_BF16: ph_storef(y, ydt, yi, ph_i32_to_f32_odd(v)); break;
    case PH_DTYPE_I8: ((__global char *)y)[yi] = (char)clamp(v, -128, 127); break;
    default: ((__global int *)y)[yi] = v; break;
  }
}

__kernel void ph_cast(const __global uchar *x, ph_view xv, __global uchar *y, ph_view yv,
                      long n) {
  long i = (long)get_global_id(0);
  if (i >= n) return;
  long xi = ph_offset(xv, i), yi = yv.offset + i;
  if (xv.dtype == yv.dtype)
    ph_copy_elem(y, yi, x, xi, yv.dtype);
  else if (xv.dtype == PH_DTYPE_I32)
    ph_cast_i32(y, yv.dtype, yi, ((const __global int *)x)[xi]);
  else /* f32, f16, bf16, i8 load exactly into f32 */
    ph_storef(y, yv.dtype, yi, ph_loadf(x, xv.dtype, xi));
}
