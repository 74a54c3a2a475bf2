/*
 * y = f(a, b) elementwise (PH_OP_BINARY), one work-item per output
 * element. The HAL has broadcast a and b to y's shape (zero strides);
 * computed in f32, mirroring kernels/ref/binary.c.
 */
#define PH_BINARY_ADD 0
#define PH_BINARY_SUB 1
#define PH_BINARY_MUL 2
#define PH_BINARY_DIV 3
#define PH_BINARY_MAX 4
#define PH_BINARY_MIN 5
#define PH_BINARY_POW 6

float ph_binary_apply(uint func, float a, float b) {
  switch (func) {
    case PH_BINARY_ADD: return a + b;
    case PH_BINARY_SUB: return a - b;
    case PH_BINARY_MUL: return a * b;
    case PH_BINARY_DIV: return a / b;
    /* NaN propagates (a + b is NaN when either is). */
    case PH_BINARY_MAX: return isnan(a) || isnan(b) ? a + b : (a > b ? a : b);
    case PH_BINARY_MIN: return isnan(a) || isnan(b) ? a + b : (a < b ? a : b);
    case PH_BINARY_POW: return pow(a, b);
    default: return NAN;
  }
}

__kernel void ph_binary(const __global uchar *a, ph_view av, const __global uchar *b,
                        ph_view bv, __global uchar *y, ph_view yv, uint func, long n) {
  long i = (long)get_global_id(0);
  if (i >= n) return;
  float va = ph_loadf(a, av.dtype, ph_offset(av, i));
  float vb = ph_loadf(b, bv.dtype, ph_offset(bv, i));
  ph_storef(y, yv.dtype, yv.offset + i, ph_binary_apply(func, va, vb));
}
