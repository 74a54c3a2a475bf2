/* Printable names and sizes of the shared vocabulary. */
#include "internal.h"

size_t ph_dtype_size(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F32: case PH_DTYPE_I32: return 4;
    case PH_DTYPE_F16: case PH_DTYPE_BF16: return 2;
    case PH_DTYPE_I8: return 1;
    default: return 0;
  }
}

const char *ph_dtype_name(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F32: return "f32";
    case PH_DTYPE_F16: return "f16";
    case PH_DTYPE_BF16: return "bf16";
    case PH_DTYPE_I8: return "i8";
    case PH_DTYPE_I32: return "i32";
    default: return "invalid";
  }
}

const char *ph_op_name(uint32_t op) {
  static const char *const names[PH_OP_COUNT_] = {
      [PH_OP_MATMUL] = "matmul",       [PH_OP_CONV2D] = "conv2d",
      [PH_OP_POOL2D] = "pool2d",       [PH_OP_UNARY] = "unary",
      [PH_OP_BINARY] = "binary",       [PH_OP_SOFTMAX] = "softmax",
      [PH_OP_LAYERNORM] = "layernorm", [PH_OP_RMSNORM] = "rmsnorm",
      [PH_OP_REDUCE] = "reduce",       [PH_OP_TRANSPOSE] = "transpose",
      [PH_OP_CONCAT] = "concat",       [PH_OP_GATHER] = "gather",
      [PH_OP_CAST] = "cast",           [PH_OP_ATTENTION] = "attention",
  };
  return (op < PH_OP_COUNT_ && names[op]) ? names[op] : "invalid";
}

const char *ph_device_kind_name(uint32_t kind) {
  switch (kind) {
    case PH_DEVICE_KIND_CPU: return "cpu";
    case PH_DEVICE_KIND_GPU: return "gpu";
    case PH_DEVICE_KIND_NPU: return "npu";
    case PH_DEVICE_KIND_FPGA: return "fpga";
    default: return "other";
  }
}
