/*
 * Operators: capability queries answered by the reference kernels, and
 * op_launch, which checks a descriptor, deep-copies it (the descriptor is
 * borrowed for the call only) and enqueues it. The stream worker runs the
 * kernel's units through the device's thread pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"

/* Attribute structs are a few dozen bytes; a struct_size beyond this is
 * from a much newer ABI whose tail no kernel here could read anyway. */
#define PH_CPU_MAX_ATTRS_BYTES 1024u

static const char *ph_cpu_op_name(uint32_t op) {
  static const char *const names[PH_OP_COUNT_] = {
      [PH_OP_INVALID] = "invalid",     [PH_OP_MATMUL] = "matmul",
      [PH_OP_CONV2D] = "conv2d",       [PH_OP_POOL2D] = "pool2d",
      [PH_OP_UNARY] = "unary",         [PH_OP_BINARY] = "binary",
      [PH_OP_SOFTMAX] = "softmax",     [PH_OP_LAYERNORM] = "layernorm",
      [PH_OP_RMSNORM] = "rmsnorm",     [PH_OP_REDUCE] = "reduce",
      [PH_OP_TRANSPOSE] = "transpose", [PH_OP_CONCAT] = "concat",
      [PH_OP_GATHER] = "gather",       [PH_OP_CAST] = "cast",
      [PH_OP_ATTENTION] = "attention",
  };
  return op < PH_OP_COUNT_ && names[op] != NULL ? names[op] : "unknown";
}

static const char *ph_cpu_dtype_name(uint32_t dtype) {
  static const char *const names[PH_DTYPE_COUNT_] = {
      [PH_DTYPE_INVALID] = "invalid", [PH_DTYPE_F32] = "f32", [PH_DTYPE_F16] = "f16",
      [PH_DTYPE_BF16] = "bf16",       [PH_DTYPE_I8] = "i8",   [PH_DTYPE_I32] = "i32",
  };
  return dtype < PH_DTYPE_COUNT_ && names[dtype] != NULL ? names[dtype] : "unknown";
}

static uint32_t ph_cpu_caps(uint32_t op, uint32_t dtype) {
  const ph_kernel_t *k = ph_ref_kernel(op);
  if (k == NULL || dtype == PH_DTYPE_INVALID || dtype >= PH_DTYPE_COUNT_) return 0;
  return k->caps(dtype);
}

/* Row-major contiguous, ignoring the strides of extent-1 axes (they are
 * never stepped); an empty tensor is trivially dense. */
static int ph_cpu_is_dense(const ph_plugin_tensor_t *t) {
  int64_t expect = 1;
  for (uint32_t i = t->rank; i-- > 0;) {
    if (t->shape[i] == 0) return 1;
    if (t->shape[i] != 1 && t->strides[i] != expect) return 0;
    expect *= t->shape[i];
  }
  return 1;
}

static ph_status_t ph_cpu_check_tensor(const ph_plugin_tensor_t *t, const char *entry,
                                       const char *role, size_t i) {
  if (t == NULL || !PH_STRUCT_HAS(t, ph_plugin_tensor_t, offset))
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu %s: %s %zu is NULL or too small",
                        entry, role, i);
  if (t->rank > PH_MAX_RANK || t->mem == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu %s: %s %zu has rank %u or no memory",
                        entry, role, i, t->rank);
  if (t->offset > t->mem->size)
    return ph_cpu_error(PH_ERROR_OUT_OF_RANGE, "cpu %s: %s %zu offset %llu is past its buffer",
                        entry, role, i, (unsigned long long)t->offset);
  return PH_OK;
}

/* The exact check op_check answers and op_launch applies. */
static ph_status_t ph_cpu_op_validate(const ph_plugin_op_desc_t *desc, const char *entry) {
  if (desc == NULL || !PH_STRUCT_HAS(desc, ph_plugin_op_desc_t, attrs))
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu %s: descriptor NULL or too small",
                        entry);
  if (desc->num_inputs == 0 || desc->inputs == NULL ||
      (desc->num_outputs > 0 && desc->outputs == NULL))
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu %s: op %s has no inputs array",
                        entry, ph_cpu_op_name(desc->op));
  for (size_t i = 0; i < desc->num_inputs; ++i) {
    ph_status_t st = ph_cpu_check_tensor(desc->inputs[i], entry, "input", i);
    if (st != PH_OK) return st;
  }
  for (size_t i = 0; i < desc->num_outputs; ++i) {
    ph_status_t st = ph_cpu_check_tensor(desc->outputs[i], entry, "output", i);
    if (st != PH_OK) return st;
  }
  if (desc->attrs != NULL) {
    size_t attrs_size;
    memcpy(&attrs_size, desc->attrs, sizeof(attrs_size));
    if (attrs_size < sizeof(size_t))
      return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu %s: attrs struct_size %zu too small",
                          entry, attrs_size);
  }

  uint32_t dtype = desc->inputs[0]->dtype;
  uint32_t caps = ph_cpu_caps(desc->op, dtype);
  if ((caps & PH_OP_CAP_SUPPORTED) == 0)
    return ph_cpu_error(PH_ERROR_UNSUPPORTED, "cpu %s: op %s is not supported for dtype %s",
                        entry, ph_cpu_op_name(desc->op), ph_cpu_dtype_name(dtype));
  if ((caps & PH_OP_CAP_STRIDED) == 0) {
    for (size_t i = 0; i < desc->num_inputs; ++i)
      if (!ph_cpu_is_dense(desc->inputs[i]))
        return ph_cpu_error(PH_ERROR_UNSUPPORTED,
                            "cpu %s: op %s (%s) needs dense inputs; input %zu is strided",
                            entry, ph_cpu_op_name(desc->op), ph_cpu_dtype_name(dtype), i);
  }
  /* The reference kernels write dense row-major outputs only. */
  for (size_t i = 0; i < desc->num_outputs; ++i)
    if (!ph_cpu_is_dense(desc->outputs[i]))
      return ph_cpu_error(PH_ERROR_UNSUPPORTED,
                          "cpu %s: op %s (%s) writes dense outputs only; output %zu is strided",
                          entry, ph_cpu_op_name(desc->op), ph_cpu_dtype_name(dtype), i);
  return PH_OK;
}

ph_status_t ph_cpu_op_capability(ph_plugin_device_t *device, uint32_t op, uint32_t dtype,
                                 uint32_t *out_caps) {
  (void)device;
  if (out_caps == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu op_capability: out_caps is NULL");
  *out_caps = ph_cpu_caps(op, dtype);
  return PH_OK;
}

ph_status_t ph_cpu_op_check(ph_plugin_device_t *device, const ph_plugin_op_desc_t *desc) {
  (void)device;
  return ph_cpu_op_validate(desc, "op_check");
}

static void ph_cpu_view_from(ph_kview_t *v, const ph_plugin_tensor_t *t) {
  v->data = (char *)t->mem->ptr + t->offset;
  v->dtype = t->dtype;
  v->rank = t->rank;
  for (uint32_t i = 0; i < t->rank; ++i) {
    v->shape[i] = t->shape[i];
    v->strides[i] = t->strides[i];
  }
}

void ph_cpu_op_cmd_clear(ph_cpu_op_cmd_t *op) {
  free(op->views);
  free(op->attrs);
  op->views = NULL;
  op->attrs = NULL;
}

ph_status_t ph_cpu_op_launch(ph_plugin_stream_t *stream, const ph_plugin_op_desc_t *desc) {
  if (stream == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu op_launch: stream is NULL");
  ph_status_t st = ph_cpu_op_validate(desc, "op_launch");
  if (st != PH_OK) return st;

  size_t nviews = desc->num_inputs + desc->num_outputs;
  if (nviews < desc->num_inputs || nviews > SIZE_MAX / sizeof(ph_kview_t))
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu op_launch: too many tensors");
  ph_cpu_cmd_t *cmd = ph_cpu_cmd_new(PH_CPU_CMD_OP, "op_launch");
  if (cmd == NULL) return PH_ERROR_OUT_OF_MEMORY;
  ph_cpu_op_cmd_t *op = &cmd->u.op;
  op->kernel = ph_ref_kernel(desc->op);
  op->views = calloc(nviews, sizeof(ph_kview_t));
  if (op->views == NULL) goto oom;
  for (size_t i = 0; i < desc->num_inputs; ++i) ph_cpu_view_from(&op->views[i], desc->inputs[i]);
  for (size_t i = 0; i < desc->num_outputs; ++i)
    ph_cpu_view_from(&op->views[desc->num_inputs + i], desc->outputs[i]);

  if (desc->attrs != NULL) {
    size_t size;
    memcpy(&size, desc->attrs, sizeof(size));
    if (size > PH_CPU_MAX_ATTRS_BYTES) size = PH_CPU_MAX_ATTRS_BYTES;
    op->attrs = malloc(size);
    if (op->attrs == NULL) goto oom;
    memcpy(op->attrs, desc->attrs, size);
    memcpy(op->attrs, &size, sizeof(size)); /* the copy's true size */
  }
  op->args.op = desc->op;
  op->args.num_inputs = desc->num_inputs;
  op->args.inputs = op->views;
  op->args.num_outputs = desc->num_outputs;
  op->args.outputs = op->views + desc->num_inputs;
  op->args.attrs = op->attrs;
  ph_cpu_stream_enqueue(stream, cmd);
  return PH_OK;
oom:
  ph_cpu_cmd_free(cmd);
  return ph_cpu_error(PH_ERROR_OUT_OF_MEMORY, "cpu op_launch: out of host memory copying op %s",
                      ph_cpu_op_name(desc->op));
}

typedef struct ph_cpu_op_job {
  const ph_kernel_t *kernel;
  const ph_kargs_t *args;
} ph_cpu_op_job_t;

static ph_status_t ph_cpu_op_range(void *ctx, int64_t begin, int64_t end) {
  const ph_cpu_op_job_t *job = ctx;
  return job->kernel->run(job->args, begin, end);
}

ph_status_t ph_cpu_op_run(ph_plugin_device_t *device, ph_cpu_op_cmd_t *op, char *msg,
                          size_t msg_size) {
  int64_t units = op->kernel->units(&op->args);
  if (units <= 0) return PH_OK;
  ph_cpu_op_job_t job = {op->kernel, &op->args};
  ph_status_t st = ph_cpu_parallel_for(ph_cpu_device_pool(device), units, ph_cpu_op_range, &job);
  if (st != PH_OK)
    snprintf(msg, msg_size, "op %s (%s) failed in its kernel with status %d",
             ph_cpu_op_name(op->args.op), ph_cpu_dtype_name(op->views[0].dtype), (int)st);
  return st;
}
