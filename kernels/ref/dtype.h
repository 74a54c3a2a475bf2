/*
 * Element access for reference kernels: every dtype read as and written
 * from float (f16/bf16/i8/i32 compute in f32, as the ops issue specifies),
 * conversions with round-to-nearest-even, strided index helpers, and the
 * caps/units callbacks many kernels share.
 */
#ifndef PH_KERNELS_REF_DTYPE_H_
#define PH_KERNELS_REF_DTYPE_H_

#include <stdint.h>

#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* IEEE binary16 <-> float, round-to-nearest-even, NaN and Inf kept. */
float ph_f16_to_f32(uint16_t h);
uint16_t ph_f32_to_f16(float f);
/* bfloat16 <-> float, round-to-nearest-even, NaN kept quiet. */
float ph_bf16_to_f32(uint16_t b);
uint16_t ph_f32_to_bf16(float f);
/* float -> int8 / int32: round-to-nearest-even, saturating, NaN -> 0. */
int8_t ph_f32_to_i8_sat(float f);
int32_t ph_f64_to_i32_sat(double f);

/* Reads element |i| (an element offset, strides already applied) of
 * |data| of |dtype| as float; i32 values convert exactly up to 2^24. */
float ph_kload(const void *data, uint32_t dtype, int64_t i);
/* Writes |v| to element |i|, converting as the cast op does. */
void ph_kstore(void *data, uint32_t dtype, int64_t i, float v);

/* Element offset of the |linear|-th element (row-major order over
 * |v|->shape) within |v|, using its strides. */
int64_t ph_kview_offset(const ph_kview_t *v, int64_t linear);
/* Number of elements of |v| (1 for rank 0). */
int64_t ph_kview_numel(const ph_kview_t *v);

/* Bytes per element of |dtype| (1 for i8). */
size_t ph_kdtype_size(uint32_t dtype);

/* Kernel caps shared by the reference kernels: PH_OP_CAP_SUPPORTED |
 * PH_OP_CAP_STRIDED for the dtypes named, 0 for any other. */
uint32_t ph_kcaps_float(uint32_t dtype);    /* f32, f16, bf16 */
uint32_t ph_kcaps_float_i8(uint32_t dtype); /* f32, f16, bf16, i8 */
uint32_t ph_kcaps_any(uint32_t dtype);      /* f32, f16, bf16, i8, i32 */

/* Kernel units for ops with one unit per output element. */
int64_t ph_kunits_output_numel(const ph_kargs_t *args);

#ifdef __cplusplus
}
#endif

#endif /* PH_KERNELS_REF_DTYPE_H_ */
