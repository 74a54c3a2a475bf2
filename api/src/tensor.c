/* ph_tensor_*: building and measuring tensor views. */
#include <string.h>

#include "internal.h"

ph_status_t ph_tensor_init(ph_tensor_t *out_tensor, ph_buffer_t *buffer, uint64_t offset,
                           uint32_t dtype, uint32_t rank, const int64_t *shape) {
  static const char fn[] = "ph_tensor_init";
  ph__clear_error();
  if (!out_tensor) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: out_tensor is NULL", fn);
  memset(out_tensor, 0, sizeof *out_tensor);
  if (!ph__buffer_ok(buffer))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: buffer is NULL or invalid", fn);
  if (ph_dtype_size(dtype) == 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: dtype %u is not a dtype", fn, dtype);
  if (rank > PH_MAX_RANK)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: rank %u > %d", fn, rank, PH_MAX_RANK);
  if (rank > 0 && !shape) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: shape is NULL", fn);
  int64_t stride = 1;
  for (int d = (int)rank - 1; d >= 0; --d) {
    if (shape[d] < 0)
      return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: shape[%d] = %lld is negative", fn, d,
                       (long long)shape[d]);
    out_tensor->shape[d] = shape[d];
    out_tensor->strides[d] = stride;
    if (shape[d] > 0 && __builtin_mul_overflow(stride, shape[d], &stride))
      return ph__error(PH_ERROR_OUT_OF_RANGE, "%s: shape overflows", fn);
  }
  out_tensor->dtype = dtype;
  out_tensor->rank = rank;
  out_tensor->buffer = buffer;
  out_tensor->offset = offset;
  return PH_OK;
}

ph_status_t ph_tensor_numel(const ph_tensor_t *tensor, int64_t *out_numel) {
  ph__clear_error();
  if (!out_numel) return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_tensor_numel: out_numel is NULL");
  *out_numel = 0;
  if (!tensor) return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_tensor_numel: tensor is NULL");
  if (tensor->rank > PH_MAX_RANK)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_tensor_numel: rank %u > %d", tensor->rank,
                     PH_MAX_RANK);
  int64_t n = 1;
  for (uint32_t d = 0; d < tensor->rank; ++d) {
    if (tensor->shape[d] < 0)
      return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_tensor_numel: shape[%u] is negative", d);
    if (__builtin_mul_overflow(n, tensor->shape[d], &n))
      return ph__error(PH_ERROR_OUT_OF_RANGE, "ph_tensor_numel: element count overflows");
  }
  *out_numel = n;
  return PH_OK;
}
