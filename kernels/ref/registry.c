/* Maps an op kind to its reference kernel. */
#include "kernel.h"

const ph_kernel_t *ph_ref_kernel(uint32_t op) {
  static const ph_kernel_t *const table[PH_OP_COUNT_] = {
      [PH_OP_MATMUL] = &ph_ref_matmul,       [PH_OP_CONV2D] = &ph_ref_conv2d,
      [PH_OP_POOL2D] = &ph_ref_pool2d,       [PH_OP_UNARY] = &ph_ref_unary,
      [PH_OP_BINARY] = &ph_ref_binary,       [PH_OP_SOFTMAX] = &ph_ref_softmax,
      [PH_OP_LAYERNORM] = &ph_ref_layernorm, [PH_OP_RMSNORM] = &ph_ref_rmsnorm,
      [PH_OP_REDUCE] = &ph_ref_reduce,       [PH_OP_TRANSPOSE] = &ph_ref_transpose,
      [PH_OP_CONCAT] = &ph_ref_concat,       [PH_OP_GATHER] = &ph_ref_gather,
      [PH_OP_CAST] = &ph_ref_cast,           [PH_OP_ATTENTION] = &ph_ref_attention,
  };
  if (op >= PH_OP_COUNT_) return 0;
  return table[op];
}
