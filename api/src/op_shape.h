/*
 * Shape, dtype and broadcasting helpers shared by the ph_op_* functions
 * (api/src/op_*.c). Every checker sets the thread's message ("fn: detail")
 * and returns PH_ERROR_INVALID_ARGUMENT on a mismatch, PH_OK otherwise, so
 * an op reads as a list of rules. Not installed.
 */
#ifndef PH_API_OP_SHAPE_H_
#define PH_API_OP_SHAPE_H_

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Bit sets of dtypes, for ph__op_check_dtype. */
#define PH_DTYPES_FLOAT \
  ((1u << PH_DTYPE_F32) | (1u << PH_DTYPE_F16) | (1u << PH_DTYPE_BF16))
#define PH_DTYPES_ALL (PH_DTYPES_FLOAT | (1u << PH_DTYPE_I8) | (1u << PH_DTYPE_I32))

/* Longest text ph__shape_format writes: 8 dims of 20 digits and ", ". */
#define PH_SHAPE_TEXT_MAX 200

/* Writes "[2, 3, 4]" ("[]" for rank 0) into |buf|; returns |buf|. */
const char *ph__shape_format(char *buf, size_t size, uint32_t rank,
                             const int64_t *shape);

/* |stream| is not NULL (its validity is ph__op_launch's). */
ph_status_t ph__op_check_stream(const char *fn, const ph_stream_t *stream);
/* |t| is not NULL, its rank is at most PH_MAX_RANK and its extents are
 * non-negative, so op rules may read its shape safely. */
ph_status_t ph__op_check_tensor(const char *fn, const char *name,
                                const ph_tensor_t *t);
/* |t|'s dtype is in |allowed| (a bit set of 1 << ph_dtype_t). */
ph_status_t ph__op_check_dtype(const char *fn, const char *name,
                               const ph_tensor_t *t, uint32_t allowed);
/* |t|'s dtype equals |ref|'s. */
ph_status_t ph__op_check_same_dtype(const char *fn, const char *name,
                                    const ph_tensor_t *t, const char *ref_name,
                                    const ph_tensor_t *ref);
/* |t| has exactly |rank|. */
ph_status_t ph__op_check_rank(const char *fn, const char *name,
                              const ph_tensor_t *t, uint32_t rank);
/* |t| has exactly |rank| and |shape|. */
ph_status_t ph__op_check_shape(const char *fn, const char *name,
                               const ph_tensor_t *t, uint32_t rank,
                               const int64_t *shape);
/* Maps |axis| in [-rank, rank) to [0, rank) in |out_axis|. */
ph_status_t ph__op_norm_axis(const char *fn, const char *what, int64_t axis,
                             uint32_t rank, int32_t *out_axis);

/* The numpy broadcast of two shapes (aligned at the right; each pair of
 * extents equal or one of them 1) into |out_rank|/|out_shape|. */
ph_status_t ph__op_broadcast_shapes(const char *fn, const char *a_name,
                                    uint32_t a_rank, const int64_t *a_shape,
                                    const char *b_name, uint32_t b_rank,
                                    const int64_t *b_shape, uint32_t *out_rank,
                                    int64_t *out_shape);

/* Expands |src| to |rank| dimensions as kernels expect broadcast inputs:
 * its last |keep| dimensions are copied unchanged; the others are aligned
 * at the right with |shape|'s first rank - keep extents, each equal or 1
 * (1 becomes the target extent with stride 0), and missing leading
 * dimensions are added with stride 0. |out| views the same elements. */
ph_status_t ph__op_expand(const char *fn, const char *name,
                          const ph_tensor_t *src, uint32_t keep, uint32_t rank,
                          const int64_t *shape, ph_tensor_t *out);

/* Copies a caller's attribute struct (which starts with struct_size) over
 * |dst|, which holds the defaults and is |dst_size| bytes: fields the
 * caller's older struct lacks keep their defaults, fields a newer caller
 * added are not seen. NULL |src| keeps every default. Sets dst's
 * struct_size to |dst_size|. */
ph_status_t ph__op_copy_attrs(const char *fn, void *dst, size_t dst_size,
                              const void *src);

#endif /* PH_API_OP_SHAPE_H_ */
