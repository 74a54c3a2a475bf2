/*
 * The seam between the opencl plugin's core (devices, memory, streams,
 * program cache: device.c, memory.c, stream.c, program.c, ...) and its op
 * launchers (ops_<family>.c). A launcher turns one validated descriptor
 * into kernel enqueues on the stream's in-order command queue; the core
 * owns everything else (event bookkeeping, waits, errors, compilation).
 */
#ifndef PH_OPENCL_OCL_LAUNCH_H_
#define PH_OPENCL_OCL_LAUNCH_H_

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include "polyhal/plugin.h"

typedef struct ph_cl_device ph_cl_device_t; /* == ph_plugin_device_t */
typedef struct ph_cl_stream ph_cl_stream_t; /* == ph_plugin_stream_t */

/* A tensor as kernels see it, passed by value as a kernel argument. The
 * same layout is declared in kernels/opencl/common.h (ph_view); all fields
 * are 64-bit or 32-bit with no implicit padding. */
typedef struct ph_cl_view {
  cl_long shape[PH_MAX_RANK];
  cl_long strides[PH_MAX_RANK]; /* elements; 0 broadcasts */
  cl_long offset;               /* elements from the start of the cl_mem */
  cl_int rank;
  cl_int dtype;                 /* ph_dtype_t */
} ph_cl_view_t;

/* Fills |out| from a plugin tensor. PH_ERROR_UNSUPPORTED (with a message)
 * when the byte offset is not a multiple of the element size. */
ph_status_t ph_cl_view(const ph_plugin_tensor_t *t, ph_cl_view_t *out);

/* The cl_mem behind a plugin allocation. */
cl_mem ph_cl_mem(const ph_plugin_mem_t *mem);

/* The device a stream belongs to, and facts launchers tune by. */
ph_cl_device_t *ph_cl_stream_device(ph_cl_stream_t *s);
size_t ph_cl_max_work_group(const ph_cl_device_t *dev);
uint64_t ph_cl_local_mem_bytes(const ph_cl_device_t *dev);
int ph_cl_has_fp16(const ph_cl_device_t *dev); /* cl_khr_fp16 */

/* A new kernel object |kernel| from program |program| (the stem of a file
 * in kernels/opencl/, e.g. "unary") built with |options| (NULL: none;
 * "-D" defines for tunable variants). The program is compiled once per
 * device and options, then cached in memory and on disk (or loaded from
 * the offline bundle). The caller releases the kernel after enqueueing it
 * (OpenCL keeps it alive while the launch is pending). Kernel objects are
 * per call because clSetKernelArg is not thread-safe on a shared one. */
ph_status_t ph_cl_kernel(ph_cl_device_t *dev, const char *program,
                         const char *options, const char *kernel,
                         cl_kernel *out_kernel);

/* Enqueues |kernel| on the stream's queue over |global| (rounded up to a
 * multiple of |local| here when |local| is not NULL; kernels bound-check
 * their ids). Errors become PH_ERROR_DEVICE with the OpenCL code named. */
ph_status_t ph_cl_enqueue(ph_cl_stream_t *s, cl_kernel kernel, cl_uint dims,
                          const size_t *global, const size_t *local);

/* Sets argument |index| and turns a failure into a status with a message
 * naming |kernel_name| and the index. */
ph_status_t ph_cl_arg(cl_kernel kernel, const char *kernel_name, cl_uint index,
                      size_t size, const void *value);

/* Scratch device memory for one launch (e.g. partial sums), released once
 * the stream's work up to now completes. */
ph_status_t ph_cl_scratch(ph_cl_stream_t *s, size_t bytes, cl_mem *out_mem);

/* The launchers, one per op family (ops_<family>.c). Each returns
 * PH_ERROR_UNSUPPORTED for a descriptor it cannot run, having enqueued
 * nothing; ops.c pairs each with its ph_cl_caps_* answer. */
typedef ph_status_t (*ph_cl_launch_fn)(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
typedef uint32_t (*ph_cl_caps_fn)(const ph_cl_device_t *dev, uint32_t dtype);

ph_status_t ph_cl_launch_matmul(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_conv2d(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_pool2d(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_unary(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_binary(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_softmax(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_layernorm(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_rmsnorm(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_reduce(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_transpose(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_concat(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_gather(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_cast(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);
ph_status_t ph_cl_launch_attention(ph_cl_stream_t *s, const ph_plugin_op_desc_t *d);

/* Supported dtypes (caps.c), as PH_OP_CAP_* bits for inputs of |dtype|:
 * float = f32/f16/bf16 (unary, binary, softmax, norms, reduce, attention);
 * float_i8 adds i8 (matmul, conv2d, pool2d); any is every dtype
 * (transpose, concat, gather, cast). */
uint32_t ph_cl_caps_float(const ph_cl_device_t *dev, uint32_t dtype);
uint32_t ph_cl_caps_float_i8(const ph_cl_device_t *dev, uint32_t dtype);
uint32_t ph_cl_caps_any(const ph_cl_device_t *dev, uint32_t dtype);

/* Reports an error through the host (set_error) and returns |code|. */
ph_status_t ph_cl_error(ph_status_t code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "CL_OUT_OF_RESOURCES" for a cl_int error code. */
const char *ph_cl_code_name(cl_int code);

#endif /* PH_OPENCL_OCL_LAUNCH_H_ */
