/*
 * What op_capability answers: the dtypes each op family runs on, every
 * one with strided inputs (kernels read every operand through its view).
 */
#include "ocl_launch.h"

/* f32, f16, bf16: unary, binary, softmax, norms, reduce, attention. */
uint32_t ph_cl_caps_float(const ph_cl_device_t *dev, uint32_t dtype) {
  (void)dev;
  switch (dtype) {
    case PH_DTYPE_F32:
    case PH_DTYPE_F16:
    case PH_DTYPE_BF16: return PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED;
    default: return 0;
  }
}

/* The float dtypes and i8: matmul, conv2d, pool2d. */
uint32_t ph_cl_caps_float_i8(const ph_cl_device_t *dev, uint32_t dtype) {
  if (dtype == PH_DTYPE_I8) return PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED;
  return ph_cl_caps_float(dev, dtype);
}

/* Every dtype: transpose, concat, gather, cast. */
uint32_t ph_cl_caps_any(const ph_cl_device_t *dev, uint32_t dtype) {
  if (dtype == PH_DTYPE_I32) return PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED;
  return ph_cl_caps_float_i8(dev, dtype);
}
