/*
 * Operators: capability answers and the generic checks every descriptor
 * passes before its family's launcher (ops_<family>.c) sees it. The HAL
 * has validated shapes and dtypes against the op's rules; what is checked
 * here is what this plugin relies on: the tensors are ours, on this
 * device, and the outputs are dense.
 */
#include <string.h>

#include "bundle.h"
#include "ocl.h"

typedef struct ph_cl_op_entry {
  const char *name;    /* for messages */
  const char *program; /* the kernels/opencl program the launcher uses */
  ph_cl_launch_fn launch;
  ph_cl_caps_fn caps;
} ph_cl_op_entry_t;

static const ph_cl_op_entry_t ph_cl_ops[PH_OP_COUNT_] = {
    [PH_OP_MATMUL] = {"matmul", "matmul_tiled", ph_cl_launch_matmul, ph_cl_caps_float_i8},
    [PH_OP_CONV2D] = {"conv2d", "conv2d_direct", ph_cl_launch_conv2d, ph_cl_caps_float_i8},
    [PH_OP_POOL2D] = {"pool2d", "pool2d", ph_cl_launch_pool2d, ph_cl_caps_float_i8},
    [PH_OP_UNARY] = {"unary", "unary", ph_cl_launch_unary, ph_cl_caps_float},
    [PH_OP_BINARY] = {"binary", "binary", ph_cl_launch_binary, ph_cl_caps_float},
    [PH_OP_SOFTMAX] = {"softmax", "softmax", ph_cl_launch_softmax, ph_cl_caps_float},
    [PH_OP_LAYERNORM] = {"layernorm", "norm", ph_cl_launch_layernorm, ph_cl_caps_float},
    [PH_OP_RMSNORM] = {"rmsnorm", "norm", ph_cl_launch_rmsnorm, ph_cl_caps_float},
    [PH_OP_REDUCE] = {"reduce", "reduce", ph_cl_launch_reduce, ph_cl_caps_float},
    [PH_OP_TRANSPOSE] = {"transpose", "transpose", ph_cl_launch_transpose, ph_cl_caps_any},
    [PH_OP_CONCAT] = {"concat", "concat", ph_cl_launch_concat, ph_cl_caps_any},
    [PH_OP_GATHER] = {"gather", "gather", ph_cl_launch_gather, ph_cl_caps_any},
    [PH_OP_CAST] = {"cast", "cast", ph_cl_launch_cast, ph_cl_caps_any},
    [PH_OP_ATTENTION] = {"attention", "attention", ph_cl_launch_attention,
                         ph_cl_caps_float},
};

static const ph_cl_op_entry_t *ph_cl_op(uint32_t op) {
  return op < PH_OP_COUNT_ && ph_cl_ops[op].launch != NULL ? &ph_cl_ops[op] : NULL;
}

static const char *ph_cl_op_name(uint32_t op) {
  const ph_cl_op_entry_t *e = ph_cl_op(op);
  return e != NULL ? e->name : "unknown";
}

static const char *ph_cl_dtype_name(uint32_t dtype) {
  static const char *const names[PH_DTYPE_COUNT_] = {
      [PH_DTYPE_INVALID] = "invalid", [PH_DTYPE_F32] = "f32", [PH_DTYPE_F16] = "f16",
      [PH_DTYPE_BF16] = "bf16",       [PH_DTYPE_I8] = "i8",   [PH_DTYPE_I32] = "i32",
  };
  return dtype < PH_DTYPE_COUNT_ && names[dtype] != NULL ? names[dtype] : "unknown";
}

static size_t ph_cl_dtype_size(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F32: case PH_DTYPE_I32: return 4;
    case PH_DTYPE_F16: case PH_DTYPE_BF16: return 2;
    case PH_DTYPE_I8: return 1;
    default: return 0;
  }
}

/* The ph_cl_caps_* functions live in caps.c. */

ph_status_t ph_cl_view(const ph_plugin_tensor_t *t, ph_cl_view_t *out) {
  memset(out, 0, sizeof(*out));
  size_t esz = ph_cl_dtype_size(t->dtype);
  if (esz == 0)
    return ph_cl_error(PH_ERROR_UNSUPPORTED, "opencl: dtype %u has no OpenCL view",
                       (unsigned)t->dtype);
  if (t->offset % esz != 0)
    return ph_cl_error(PH_ERROR_UNSUPPORTED,
                       "opencl: byte offset %llu is not a multiple of the %s element size %zu",
                       (unsigned long long)t->offset, ph_cl_dtype_name(t->dtype), esz);
  for (uint32_t i = 0; i < t->rank && i < PH_MAX_RANK; ++i) {
    out->shape[i] = t->shape[i];
    out->strides[i] = t->strides[i];
  }
  out->offset = (cl_long)(t->offset / esz);
  out->rank = (cl_int)t->rank;
  out->dtype = (cl_int)t->dtype;
  return PH_OK;
}

/* The device's answer for (op, dtype), 0 when the op's program is not in
 * this build (a kernel file missing from the tree). */
static uint32_t ph_cl_caps(const ph_cl_device_t *dev, uint32_t op, uint32_t dtype) {
  const ph_cl_op_entry_t *e = ph_cl_op(op);
  if (e == NULL || dtype == PH_DTYPE_INVALID || dtype >= PH_DTYPE_COUNT_) return 0;
  if (ph_cl_source_find(e->program) == NULL) return 0;
  return e->caps(dev, dtype);
}

/* Row-major contiguous, ignoring the strides of extent-1 axes (they are
 * never stepped); an empty tensor is trivially dense. */
static int ph_cl_is_dense(const ph_plugin_tensor_t *t) {
  int64_t expect = 1;
  for (uint32_t i = t->rank; i-- > 0;) {
    if (t->shape[i] == 0) return 1;
    if (t->shape[i] != 1 && t->strides[i] != expect) return 0;
    expect *= t->shape[i];
  }
  return 1;
}

static ph_status_t ph_cl_check_tensor(const ph_cl_device_t *dev, const ph_plugin_tensor_t *t,
                                      const char *entry, const char *role, size_t i) {
  if (t == NULL || !PH_STRUCT_HAS(t, ph_plugin_tensor_t, offset))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl %s: %s %zu is NULL or too small",
                       entry, role, i);
  if (t->rank > PH_MAX_RANK || t->mem == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl %s: %s %zu has rank %u or no memory",
                       entry, role, i, t->rank);
  if (dev != NULL && t->mem->device != dev)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl %s: %s %zu lives on another device", entry, role, i);
  if (t->offset > t->mem->size)
    return ph_cl_error(PH_ERROR_OUT_OF_RANGE, "opencl %s: %s %zu offset %llu is past its buffer",
                       entry, role, i, (unsigned long long)t->offset);
  if (ph_cl_dtype_size(t->dtype) != 0 && t->offset % ph_cl_dtype_size(t->dtype) != 0)
    return ph_cl_error(PH_ERROR_UNSUPPORTED,
                       "opencl %s: %s %zu byte offset %llu is not a multiple of its %s "
                       "element size",
                       entry, role, i, (unsigned long long)t->offset,
                       ph_cl_dtype_name(t->dtype));
  return PH_OK;
}

/* The exact check op_check answers and op_launch applies. */
static ph_status_t ph_cl_op_validate(const ph_cl_device_t *dev, const ph_plugin_op_desc_t *desc,
                                     const char *entry) {
  if (desc == NULL || !PH_STRUCT_HAS(desc, ph_plugin_op_desc_t, attrs))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl %s: descriptor NULL or too small",
                       entry);
  if (desc->num_inputs == 0 || desc->inputs == NULL ||
      (desc->num_outputs > 0 && desc->outputs == NULL))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl %s: op %s has no inputs array",
                       entry, ph_cl_op_name(desc->op));
  for (size_t i = 0; i < desc->num_inputs; ++i) {
    ph_status_t st = ph_cl_check_tensor(dev, desc->inputs[i], entry, "input", i);
    if (st != PH_OK) return st;
  }
  for (size_t i = 0; i < desc->num_outputs; ++i) {
    ph_status_t st = ph_cl_check_tensor(dev, desc->outputs[i], entry, "output", i);
    if (st != PH_OK) return st;
  }
  if (desc->attrs != NULL) {
    size_t attrs_size;
    memcpy(&attrs_size, desc->attrs, sizeof(attrs_size));
    if (attrs_size < sizeof(size_t))
      return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl %s: attrs struct_size %zu too small",
                         entry, attrs_size);
  }
  uint32_t dtype = desc->inputs[0]->dtype;
  uint32_t caps = ph_cl_caps(dev, desc->op, dtype);
  if ((caps & PH_OP_CAP_SUPPORTED) == 0)
    return ph_cl_error(PH_ERROR_UNSUPPORTED, "opencl %s: op %s is not supported for dtype %s",
                       entry, ph_cl_op_name(desc->op), ph_cl_dtype_name(dtype));
  if ((caps & PH_OP_CAP_STRIDED) == 0) {
    for (size_t i = 0; i < desc->num_inputs; ++i)
      if (!ph_cl_is_dense(desc->inputs[i]))
        return ph_cl_error(PH_ERROR_UNSUPPORTED,
                           "opencl %s: op %s (%s) needs dense inputs; input %zu is strided",
                           entry, ph_cl_op_name(desc->op), ph_cl_dtype_name(dtype), i);
  }
  for (size_t i = 0; i < desc->num_outputs; ++i)
    if (!ph_cl_is_dense(desc->outputs[i]))
      return ph_cl_error(PH_ERROR_UNSUPPORTED,
                         "opencl %s: op %s (%s) writes dense outputs only; output %zu is "
                         "strided",
                         entry, ph_cl_op_name(desc->op), ph_cl_dtype_name(dtype), i);
  return PH_OK;
}

ph_status_t ph_cl_op_capability(ph_plugin_device_t *device, uint32_t op, uint32_t dtype,
                                uint32_t *out_caps) {
  if (out_caps == NULL || device == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl op_capability: NULL argument");
  *out_caps = ph_cl_caps(ph_cl_dev(device), op, dtype);
  return PH_OK;
}

ph_status_t ph_cl_op_check(ph_plugin_device_t *device, const ph_plugin_op_desc_t *desc) {
  if (device == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl op_check: device is NULL");
  return ph_cl_op_validate(ph_cl_dev(device), desc, "op_check");
}

ph_status_t ph_cl_op_launch(ph_plugin_stream_t *stream, const ph_plugin_op_desc_t *desc) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (s == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl op_launch: stream is NULL");
  ph_status_t st = ph_cl_op_validate(s->device, desc, "op_launch");
  if (st != PH_OK) return st;
  st = ph_cl_op(desc->op)->launch(s, desc);
  /* The launch's scratch buffers are in its enqueued commands now; OpenCL
   * frees each once those complete. */
  ph_cl_stream_release_scratch(s);
  return st;
}
