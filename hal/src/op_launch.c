/* The generic half of every ph_op_*: tensor checks, the device's support
 * answer, and the launch through the plugin ABI. Op-specific shape rules
 * live in api/src/op_*.c. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

bool ph__tensor_is_dense(const ph_tensor_t *t) {
  int64_t expect = 1;
  for (int d = (int)t->rank - 1; d >= 0; --d) {
    if (t->shape[d] != 1 && t->strides[d] != expect) return false;
    expect *= t->shape[d];
  }
  return true;
}

/* Checks one tensor: buffer, dtype, rank, shape, strides, and that every
 * element it addresses lies inside its buffer. */
static ph_status_t check_tensor(const char *fn, const char *role, size_t idx,
                                const ph_tensor_t *t, const ph_device_t *device) {
  if (!t) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s %zu is NULL", fn, role, idx);
  if (!ph__buffer_ok(t->buffer))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s %zu has a NULL or invalid buffer", fn,
                     role, idx);
  if (t->buffer->device != device)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s %zu is on device %s, the stream on %s",
                     fn, role, idx, t->buffer->device->id, device->id);
  size_t esize = ph_dtype_size(t->dtype);
  if (esize == 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s %zu has invalid dtype %u", fn, role, idx,
                     t->dtype);
  if (t->rank > PH_MAX_RANK)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s %zu has rank %u > %d", fn, role, idx,
                     t->rank, PH_MAX_RANK);
  uint64_t last = 0; /* largest element offset addressed */
  bool empty = false;
  for (uint32_t d = 0; d < t->rank; ++d) {
    if (t->shape[d] < 0 || t->strides[d] < 0)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: %s %zu has a negative shape or stride in dim %u (%lld, %lld)", fn,
                       role, idx, d, (long long)t->shape[d], (long long)t->strides[d]);
    if (t->shape[d] == 0) empty = true;
  }
  if (empty) return PH_OK; /* addresses nothing */
  for (uint32_t d = 0; d < t->rank; ++d) {
    uint64_t span;
    if (__builtin_mul_overflow((uint64_t)(t->shape[d] - 1), (uint64_t)t->strides[d], &span) ||
        __builtin_add_overflow(last, span, &last))
      return ph__error(PH_ERROR_OUT_OF_RANGE, "%s: %s %zu: shape and strides overflow", fn, role,
                       idx);
  }
  uint64_t end;
  if (__builtin_add_overflow(last, 1, &end) || __builtin_mul_overflow(end, esize, &end) ||
      __builtin_add_overflow(end, t->offset, &end) || end > t->buffer->size)
    return ph__error(PH_ERROR_OUT_OF_RANGE,
                     "%s: %s %zu addresses bytes up to %llu (offset %llu) but its buffer holds "
                     "%llu", fn, role, idx, (unsigned long long)end,
                     (unsigned long long)t->offset, (unsigned long long)t->buffer->size);
  return PH_OK;
}

static void to_plugin(ph_plugin_tensor_t *p, const ph_tensor_t *t) {
  memset(p, 0, sizeof *p);
  p->struct_size = sizeof *p;
  p->dtype = t->dtype;
  p->rank = t->rank;
  memcpy(p->shape, t->shape, sizeof p->shape);
  memcpy(p->strides, t->strides, sizeof p->strides);
  p->mem = t->buffer->mem;
  p->offset = t->offset;
}

#define PH_OP_MAX_TENSORS 64

ph_status_t ph__op_launch(const char *fn, ph_stream_t *stream, uint32_t op,
                          const ph_tensor_t *const *inputs, size_t num_inputs,
                          const ph_tensor_t *const *outputs, size_t num_outputs,
                          const void *attrs) {
  if (!ph__stream_ok(stream))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: stream is NULL or invalid", fn);
  if (num_inputs == 0 || num_outputs == 0 || num_inputs + num_outputs > PH_OP_MAX_TENSORS)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %zu inputs and %zu outputs (1..%d in all)",
                     fn, num_inputs, num_outputs, PH_OP_MAX_TENSORS);
  const ph_device_t *dev = stream->device;
  bool strided = false;
  for (size_t i = 0; i < num_inputs; ++i) {
    ph_status_t s = check_tensor(fn, "input", i, inputs[i], dev);
    if (s != PH_OK) return s;
    strided = strided || !ph__tensor_is_dense(inputs[i]);
  }
  for (size_t i = 0; i < num_outputs; ++i) {
    ph_status_t s = check_tensor(fn, "output", i, outputs[i], dev);
    if (s != PH_OK) return s;
    if (!ph__tensor_is_dense(outputs[i]))
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: output %zu must be dense row-major (outputs may not be strided)", fn, i);
  }

  const ph_plugin_api_t *api = dev->plugin->api;
  uint32_t dtype = inputs[0]->dtype, caps = 0;
  ph_status_t s = api->op_capability(dev->handle, op, dtype, &caps);
  if (s != PH_OK) return ph__plugin_status(fn, dev, s);
  if (!(caps & PH_OP_CAP_SUPPORTED))
    return ph__error(PH_ERROR_UNSUPPORTED, "%s: device %s does not support %s for dtype %s", fn,
                     dev->id, ph_op_name(op), ph_dtype_name(dtype));
  if (strided && !(caps & PH_OP_CAP_STRIDED))
    return ph__error(PH_ERROR_UNSUPPORTED,
                     "%s: device %s runs %s only on dense inputs; make the input contiguous", fn,
                     dev->id, ph_op_name(op));

  ph_plugin_tensor_t tensors[PH_OP_MAX_TENSORS];
  const ph_plugin_tensor_t *ptrs[PH_OP_MAX_TENSORS];
  for (size_t i = 0; i < num_inputs + num_outputs; ++i) {
    to_plugin(&tensors[i], i < num_inputs ? inputs[i] : outputs[i - num_inputs]);
    ptrs[i] = &tensors[i];
  }
  ph_plugin_op_desc_t desc = {
      .struct_size = sizeof desc,
      .op = op,
      .flags = 0,
      .num_inputs = num_inputs,
      .inputs = ptrs,
      .num_outputs = num_outputs,
      .outputs = ptrs + num_inputs,
      .attrs = attrs,
  };
  if (PH_STRUCT_HAS(api, ph_plugin_api_t, op_check) && api->op_check) {
    s = api->op_check(dev->handle, &desc);
    if (s != PH_OK) return ph__plugin_status(fn, dev, s);
  }
  pthread_mutex_lock(&stream->lock);
  s = api->op_launch(stream->handle, &desc);
  pthread_mutex_unlock(&stream->lock);
  return s == PH_OK ? PH_OK : ph__plugin_status(fn, dev, s);
}
