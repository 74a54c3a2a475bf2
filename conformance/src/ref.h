/*
 * The conformance suite's own fp64 references (one ref_<family>.c each),
 * computed from the tensors' host[] values. Independent of kernels/ref.
 * Each helper family keeps its prototypes in its own block below.
 */
#ifndef PH_CONFORM_REF_H_
#define PH_CONFORM_REF_H_

#include <stdbool.h>
#include <stdint.h>

#include "conform.h"

/* --- heavy ops: matmul, conv2d, pool2d, attention (ref_matmul.c, ------- */
/*     ref_conv2d.c, ref_pool2d.c, ref_attention.c)                          */

/* The matmul/conv epilogue activation (ph_activation_t) in fp64. */
double phc_ref_activation(uint32_t act, double x);
/* y (row-major over y_shape, unrounded) and, when |scale| is non-NULL,
 * scale[i] = |alpha(*out_scale)| sum_k |a b| + |bias| + |beta c|.
 * bias and c are nullable; c is ignored when beta is 0. */
void phc_ref_matmul(const phc_tensor_t *a, const phc_tensor_t *b, const phc_tensor_t *bias,
                    const phc_tensor_t *c, const ph_matmul_attrs_t *at, uint32_t y_rank,
                    const int64_t *y_shape, double *y, double *scale);
/* y over the rank-4 y_shape in at->layout; scale as for matmul. */
void phc_ref_conv2d(const phc_tensor_t *x, const phc_tensor_t *w, const phc_tensor_t *bias,
                    const ph_conv2d_attrs_t *at, const int64_t *y_shape, double *y,
                    double *scale);
/* scale (nullable): the average of |x| over each window (the divisor's). */
void phc_ref_pool2d(const phc_tensor_t *x, const ph_pool2d_attrs_t *at, const int64_t *y_shape,
                    double *y, double *scale);
/* y [B,H,Sq,Dv]; mask nullable; mag (nullable) = sum_j p_ij |v_j|. */
void phc_ref_attention(const phc_tensor_t *q, const phc_tensor_t *k, const phc_tensor_t *v,
                       const phc_tensor_t *mask, double scale, bool causal, double *y,
                       double *mag);

/* --- end heavy ops ------------------------------------------------------- */

/* --- light ops: elementwise, softmax, norms, reduce, layout ------------ */
/*     (ref_elementwise.c, ref_softmax.c, ref_norm.c, ref_reduce.c,          */
/*     ref_layout.c); shapes row-major, axes already normalised              */

/* func(x) for a ph_unary_func_t / func(a, b) for a ph_binary_func_t. */
double phc_ref_unary(uint32_t func, double x);
double phc_ref_binary(uint32_t func, double a, double b);
/* Softmax (log-softmax when |log|) of x along |axis|. */
void phc_ref_softmax(const double *x, uint32_t rank, const int64_t *shape, uint32_t axis,
                     bool log, double *y);
/* Normalises each of |rows| rows of |n| values; scale/bias nullable (n each). */
void phc_ref_layernorm(const double *x, const double *scale, const double *bias, int64_t rows,
                       int64_t n, double eps, double *y);
void phc_ref_rmsnorm(const double *x, const double *scale, int64_t rows, int64_t n, double eps,
                     double *y);
/* y row-major over x's shape with the |axes| extents set to 1. */
void phc_ref_reduce(uint32_t func, const double *x, uint32_t rank, const int64_t *shape,
                    uint32_t axes, double *y);
/* y.shape[i] = x.shape[perm[i]] (perm normalised). */
void phc_ref_transpose(const double *x, uint32_t rank, const int64_t *shape, const int32_t *perm,
                       double *y);
/* Joins |n| inputs (values xs[i], extent ext[i] along |axis|, else |shape|). */
void phc_ref_concat(const double *const *xs, const int64_t *ext, size_t n, uint32_t rank,
                    const int64_t *shape, uint32_t axis, double *y);
/* take(table, idx, axis); indices in [-V, V) (negative count from the end). */
void phc_ref_gather(const double *table, uint32_t rank, const int64_t *shape, const double *idx,
                    int64_t nidx, uint32_t axis, double *y);

/* --- end light ops ------------------------------------------------------- */

#endif /* PH_CONFORM_REF_H_ */
