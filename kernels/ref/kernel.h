/*
 * Reference kernel interface: plain, readable C for every op and dtype.
 *
 * A kernel knows no plugin and no HAL object. It sees tensors as views of
 * host-addressable memory (ph_kview_t) and the op's attribute struct from
 * the shared vocabulary in polyhal/plugin.h. Work is split into independent
 * "units" (rows, output elements, ...) so a plugin's thread pool can run
 * [begin, end) ranges of units on different threads; run() must give the
 * same result however the range is split.
 *
 * The caller (the API) has already validated shapes and dtypes and
 * normalised broadcasting into zero strides, so a kernel never re-checks
 * what the op rules in api/ guarantee (see each op's comment there).
 * Outputs are dense row-major; inputs may have any strides.
 */
#ifndef PH_KERNELS_REF_KERNEL_H_
#define PH_KERNELS_REF_KERNEL_H_

#include <stddef.h>
#include <stdint.h>

#include "polyhal/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A tensor as a kernel sees it. |data| points at element 0 (the byte offset
 * is already applied); strides are in elements. */
typedef struct ph_kview {
  void *data;
  uint32_t dtype;
  uint32_t rank;
  int64_t shape[PH_MAX_RANK];
  int64_t strides[PH_MAX_RANK];
} ph_kview_t;

/* One op invocation. */
typedef struct ph_kargs {
  uint32_t op;
  size_t num_inputs;
  const ph_kview_t *inputs;
  size_t num_outputs;
  const ph_kview_t *outputs;
  const void *attrs; /* the op's ph_*_attrs_t, or NULL */
} ph_kargs_t;

typedef struct ph_kernel {
  uint32_t op; /* ph_op_kind_t */
  /* PH_OP_CAP_* bits for inputs of |dtype|; 0 = unsupported. */
  uint32_t (*caps)(uint32_t dtype);
  /* Number of independent work units for |args|. */
  int64_t (*units)(const ph_kargs_t *args);
  /* Runs units [begin, end). Returns PH_OK, or PH_ERROR_OUT_OF_MEMORY if
   * scratch memory could not be had (then nothing must be half-written
   * that a retry would not overwrite). Thread-safe for disjoint ranges. */
  ph_status_t (*run)(const ph_kargs_t *args, int64_t begin, int64_t end);
} ph_kernel_t;

/* The reference kernel for |op|, or NULL. */
const ph_kernel_t *ph_ref_kernel(uint32_t op);

/* f(x) in f32 for a ph_unary_func_t (unary.c); matmul's epilogue
 * activations use it too, so both compute gelu and silu one way. */
float ph_kunary_apply(uint32_t func, float x);

/* Each op family's reference kernel (kernels/ref/<op>.c). */
extern const ph_kernel_t ph_ref_matmul;
extern const ph_kernel_t ph_ref_conv2d;
extern const ph_kernel_t ph_ref_pool2d;
extern const ph_kernel_t ph_ref_unary;
extern const ph_kernel_t ph_ref_binary;
extern const ph_kernel_t ph_ref_softmax;
extern const ph_kernel_t ph_ref_layernorm;
extern const ph_kernel_t ph_ref_rmsnorm;
extern const ph_kernel_t ph_ref_reduce;
extern const ph_kernel_t ph_ref_transpose;
extern const ph_kernel_t ph_ref_concat;
extern const ph_kernel_t ph_ref_gather;
extern const ph_kernel_t ph_ref_cast;
extern const ph_kernel_t ph_ref_attention;

#ifdef __cplusplus
}
#endif

#endif /* PH_KERNELS_REF_KERNEL_H_ */
