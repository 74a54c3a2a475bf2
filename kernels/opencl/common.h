/*
 * Prepended to every kernels/opencl .cl program (the build embeds it; an
 * OpenCL C "#include" would need a file path at run time, which an offline
 * bundle or an installed plugin does not have).
 *
 * Tensors arrive as a ph_view by value (the host mirror is ph_cl_view_t in
 * plugins/opencl/ocl_launch.h) plus a __global pointer to the cl_mem. All
 * storage types are computed in f32: f16 through vload_half/vstore_half
 * (core OpenCL C, no cl_khr_fp16 needed), bf16 by bit manipulation.
 */
#define PH_MAX_RANK 8
#define PH_DTYPE_F32 1
#define PH_DTYPE_F16 2
#define PH_DTYPE_BF16 3
#define PH_DTYPE_I8 4
#define PH_DTYPE_I32 5

typedef struct ph_view {
  long shape[PH_MAX_RANK];
  long strides[PH_MAX_RANK];
  long offset;
  int rank;
  int dtype;
} ph_view;

/*===--------------------------------------------------------------------===
 * Shared device-side helpers (owned by the elementwise kernels; matmul and
 * conv use them too, so the names below are stable).
 *===--------------------------------------------------------------------===*/

/* Sums and statistics accumulate in double where the device has it, so
 * long rows stay within f32 tolerance; otherwise (or with -DPH_NO_FP64,
 * which tests that path) float with compensated summation (ph_acc_add). */
#if defined(cl_khr_fp64) && !defined(PH_NO_FP64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double ph_acc;
#define PH_ACC_IS_DOUBLE 1
#else
typedef float ph_acc;
#define PH_ACC_IS_DOUBLE 0
#endif

/* Bytes per element of |dtype| (1 for i8). */
int ph_dtype_size(int dtype) {
  return dtype == PH_DTYPE_F32 || dtype == PH_DTYPE_I32 ? 4 : dtype == PH_DTYPE_I8 ? 1 : 2;
}

/* Element index into the buffer of the |i|-th element (row-major order
 * over v.shape) of view |v|: strides applied, v.offset added. */
long ph_offset(ph_view v, long i) {
  long off = v.offset;
  for (int d = v.rank - 1; d >= 0; --d) {
    long n = v.shape[d];
    off += (i % n) * v.strides[d];
    i /= n;
  }
  return off;
}

/* Number of elements of |v| (1 for rank 0). */
long ph_numel(ph_view v) {
  long n = 1;
  for (int d = 0; d < v.rank; ++d) n *= v.shape[d];
  return n;
}

/* IEEE binary16 bits of |f|, round-to-nearest-even, overflow to Inf,
 * subnormals kept, NaN kept quiet with its top payload bits. Done by hand
 * rather than vstore_half_rte so every device gives the same bits as
 * kernels/ref/dtype.c (NaN payloads are implementation-defined there). */
ushort ph_f32_to_f16_bits(float f) {
  uint u = as_uint(f);
  uint sign = (u >> 16) & 0x8000u;
  uint a = u & 0x7fffffffu;
  if (a >= 0x7f800000u)
    return (ushort)(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u | ((a >> 13) & 0x3ffu) : 0u));
  if (a >= 0x477ff000u) return (ushort)(sign | 0x7c00u);
  if (a < 0x38800000u) /* f16 subnormal or zero: exact scaling, then rint (RNE) */
    return (ushort)(sign | (uint)rint(as_float(a) * 16777216.0f));
  a += 0xfffu + ((a >> 13) & 1u);
  return (ushort)(sign | (((a - 0x38000000u) >> 13) & 0x7fffu));
}

/* bfloat16 bits of |f|, round-to-nearest-even; NaN stays a quiet NaN. */
ushort ph_f32_to_bf16_bits(float f) {
  uint u = as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (ushort)((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return (ushort)(u >> 16);
}

/* float -> int8 / int32: round to nearest even, saturate, NaN -> 0 (as
 * kernels/ref ph_f32_to_i8_sat / ph_f64_to_i32_sat). */
char ph_f32_to_i8_sat(float f) {
  if (isnan(f)) return 0;
  float r = rint(f);
  return r > 127.0f ? (char)127 : r < -128.0f ? (char)-128 : (char)(int)r;
}
int ph_f32_to_i32_sat(float f) {
  if (isnan(f)) return 0;
  float r = rint(f);
  /* 2^31 is the first float above INT_MAX. */
  return r >= 2147483648.0f ? INT_MAX : r < -2147483648.0f ? INT_MIN : (int)r;
}

/* Element |elem| (a buffer index, view offset already applied) of |base|
 * of |dtype| as float: f16 via vload_half (exact), bf16 from its bits,
 * i32 rounded to nearest even. */
float ph_loadf(const __global void *base, int dtype, long elem) {
  switch (dtype) {
    case PH_DTYPE_F32: return ((const __global float *)base)[elem];
    case PH_DTYPE_F16: return vload_half((size_t)elem, (const __global half *)base);
    case PH_DTYPE_BF16:
      return as_float((uint)((const __global ushort *)base)[elem] << 16);
    case PH_DTYPE_I8: return (float)((const __global char *)base)[elem];
    case PH_DTYPE_I32: return convert_float_rte(((const __global int *)base)[elem]);
    default: return 0.0f;
  }
}

/* Writes |v| to element |elem| of |base| as |dtype|, converting exactly as
 * kernels/ref ph_kstore does (RNE; integers saturate, NaN -> 0). */
void ph_storef(__global void *base, int dtype, long elem, float v) {
  switch (dtype) {
    case PH_DTYPE_F32: ((__global float *)base)[elem] = v; break;
    case PH_DTYPE_F16: ((__global ushort *)base)[elem] = ph_f32_to_f16_bits(v); break;
    case PH_DTYPE_BF16: ((__global ushort *)base)[elem] = ph_f32_to_bf16_bits(v); break;
    case PH_DTYPE_I8: ((__global char *)base)[elem] = ph_f32_to_i8_sat(v); break;
    case PH_DTYPE_I32: ((__global int *)base)[elem] = ph_f32_to_i32_sat(v); break;
    default: break;
  }
}

/* Copies one element's bytes (exact for every dtype, NaN payloads too). */
void ph_copy_elem(__global void *dst, long di, const __global void *src, long si, int dtype) {
  switch (ph_dtype_size(dtype)) {
    case 4: ((__global uint *)dst)[di] = ((const __global uint *)src)[si]; break;
    case 2: ((__global ushort *)dst)[di] = ((const __global ushort *)src)[si]; break;
    default: ((__global uchar *)dst)[di] = ((const __global uchar *)src)[si]; break;
  }
}

/* Sets one element's bytes to zero. */
void ph_zero_elem(__global void *dst, long di, int dtype) {
  switch (ph_dtype_size(dtype)) {
    case 4: ((__global uint *)dst)[di] = 0u; break;
    case 2: ((__global ushort *)dst)[di] = (ushort)0; break;
    default: ((__global uchar *)dst)[di] = (uchar)0; break;
  }
}

/* NaN-propagating max/min (fmax/fmin would drop a NaN; frameworks keep it). */
float ph_maxnan(float a, float b) { return isnan(a) ? a : isnan(b) ? b : (a > b ? a : b); }
float ph_minnan(float a, float b) { return isnan(a) ? a : isnan(b) ? b : (a < b ? a : b); }

/* Adds |v| to the running sum |*s|, whose rounding error so far is kept in
 * |*c| (the true sum is about *s + *c): Neumaier's compensated summation
 * in float; plain addition (c unused) when ph_acc is double. */
void ph_acc_add(ph_acc *s, ph_acc *c, ph_acc v) {
#if PH_ACC_IS_DOUBLE
  (void)c;
  *s += v;
#else
  ph_acc t = *s + v;
  /* Past an Inf or NaN the error term would be NaN; the sum says it all. */
  if (isfinite(t)) *c += fabs(*s) >= fabs(v) ? (*s - t) + v : (v - t) + *s;
  *s = t;
#endif
}

/* Work-group reductions over dimension 0 for row kernels (one work-group
 * per row). The local size must be a power of two no larger than the
 * local arrays; every work-item of the group must call them. The result
 * is returned to every work-item.
 *
 * ph_wg_sum combines each work-item's (sum, compensation) pair; in float
 * the tree keeps the compensation too (TwoSum at every level), so the
 * result is nearly the exact sum rounded once. |s| and |c| hold
 * get_local_size(0) entries each (|c| is unused with double). */
ph_acc ph_wg_sum(__local ph_acc *s, __local ph_acc *c, ph_acc sum, ph_acc comp) {
  int lid = (int)get_local_id(0);
  s[lid] = sum;
#if !PH_ACC_IS_DOUBLE
  c[lid] = comp;
#else
  (void)c;
  (void)comp;
#endif
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int h = (int)get_local_size(0) / 2; h > 0; h >>= 1) {
    if (lid < h) {
#if PH_ACC_IS_DOUBLE
      s[lid] += s[lid + h];
#else
      ph_acc a = s[lid], b = s[lid + h], t = a + b, bv = t - a;
      if (isfinite(t)) c[lid] += c[lid + h] + ((a - (t - bv)) + (b - bv));
      s[lid] = t;
#endif
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
#if PH_ACC_IS_DOUBLE
  ph_acc r = s[0];
#else
  ph_acc r = isfinite(s[0]) ? s[0] + c[0] : s[0];
#endif
  barrier(CLK_LOCAL_MEM_FENCE); /* s and c are free for the next reduction */
  return r;
}

/* |is_max| nonzero: ph_maxnan over the group; else ph_minnan. */
float ph_wg_extreme(__local float *s, float v, int is_max) {
  int lid = (int)get_local_id(0);
  s[lid] = v;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int h = (int)get_local_size(0) / 2; h > 0; h >>= 1) {
    if (lid < h) s[lid] = is_max ? ph_maxnan(s[lid], s[lid + h]) : ph_minnan(s[lid], s[lid + h]);
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  float r = s[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return r;
}

/* Largest local size the row kernels declare local arrays for; launchers
 * use a power of two no larger than this (PH_CL_ROW_WG on the host). */
#ifndef PH_ROW_WG
#define PH_ROW_WG 256
#endif
