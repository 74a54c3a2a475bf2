/*
 * polyhal public API: one program, any device.
 *
 * A framework includes this one header and links libpolyhal. Devices come
 * from plugins the library discovers at first use (see README: PH_PLUGINS,
 * PH_PLUGIN_PATH, PH_DEVICES, PH_LOG).
 *
 * Conventions:
 *  - Every function returns ph_status_t (PH_OK is 0). On failure,
 *    ph_last_error() returns a detailed message for the calling thread.
 *  - Output parameters are named out_* and are set to NULL/0 first.
 *  - Arguments are borrowed. _create/_alloc return a new object that the
 *    caller releases with _destroy/_free; _destroy(NULL)/_free(NULL) is a
 *    no-op.
 *  - Every function is thread-safe unless its comment says otherwise.
 *  - The library never aborts, and prints only when PH_LOG asks.
 *
 * The vocabulary shared with the device ABI (ph_status_t, ph_dtype_t, op
 * kinds and op attribute structs) comes from polyhal/plugin.h.
 */
#ifndef POLYHAL_POLYHAL_H_
#define POLYHAL_POLYHAL_H_

#include <stddef.h>
#include <stdint.h>

#include "polyhal/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===
 * Versions
 *===----------------------------------------------------------------------===*/

#define PH_VERSION_MAJOR 0
#define PH_VERSION_MINOR 1
#define PH_VERSION_PATCH 0
#define PH_VERSION \
  ((PH_VERSION_MAJOR * 10000) + (PH_VERSION_MINOR * 100) + PH_VERSION_PATCH)

/* The library's run-time version, as PH_VERSION encodes it; compare with
 * the compile-time PH_VERSION to detect a header/library mismatch. */
uint32_t ph_version(void);
/* "MAJOR.MINOR.PATCH"; static storage. */
const char *ph_version_string(void);
/* The device ABI version (PH_PLUGIN_ABI_VERSION) of the loaded library. */
uint32_t ph_abi_version(void);

/*===----------------------------------------------------------------------===
 * Errors
 *===----------------------------------------------------------------------===*/

/* A short, static name for |status| ("PH_ERROR_INVALID_ARGUMENT"). */
const char *ph_status_string(ph_status_t status);
/* The detailed message of the calling thread's last failure, or "" if the
 * last call succeeded. Valid until the thread's next polyhal call. */
const char *ph_last_error(void);

/*===----------------------------------------------------------------------===
 * Plugins (what was found and why something was skipped)
 *===----------------------------------------------------------------------===*/

typedef enum ph_plugin_state_e {
  PH_PLUGIN_LOADED = 0,
  PH_PLUGIN_SKIPPED = 1
} ph_plugin_state_t;

typedef struct ph_plugin_info {
  size_t struct_size;     /* caller sets sizeof(ph_plugin_info_t) */
  const char *path;       /* the candidate file */
  uint32_t state;         /* ph_plugin_state_t */
  const char *reason;     /* why skipped ("" when loaded) */
  const char *name;       /* plugin name, "" if skipped before init */
  const char *vendor;
  const char *version;
  uint32_t abi_version;   /* the plugin's ABI version, 0 if unknown */
  size_t device_count;
} ph_plugin_info_t;

/* Number of candidate plugin files examined (loaded or skipped). */
ph_status_t ph_plugin_count(size_t *out_count);
/* Fills |out_info| for candidate |index|. Strings live until process exit. */
ph_status_t ph_plugin_get_info(size_t index, ph_plugin_info_t *out_info);

/*===----------------------------------------------------------------------===
 * Devices
 *===----------------------------------------------------------------------===*/

/* A device. Owned by the library; valid until process exit. */
typedef struct ph_device ph_device_t;

typedef struct ph_device_props {
  size_t struct_size;      /* caller sets sizeof(ph_device_props_t) */
  char id[64];             /* selector name: "cpu:0", "opencl:1" */
  char plugin[64];         /* plugin name */
  char name[128];
  char vendor[64];
  char driver_version[64];
  uint32_t kind;           /* ph_device_kind_t */
  uint32_t compute_units;
  uint64_t memory_bytes;
  uint64_t max_alloc_bytes;
  uint32_t mem_kinds;      /* PH_MEM_* */
  uint32_t flags;          /* PH_DEVICE_* */
  uint32_t dtypes;         /* bit (1 << ph_dtype_t) */
  uint32_t min_alignment;
} ph_device_props_t;

/* Number of devices, after PH_DEVICES filtering and ordering. */
ph_status_t ph_device_count(size_t *out_count);
/* Device |index| (< count), in PH_DEVICES order. */
ph_status_t ph_device_get(size_t index, ph_device_t **out_device);
/* The device a selector names: "cpu:0", "opencl" (its first device). */
ph_status_t ph_device_find(const char *selector, ph_device_t **out_device);
ph_status_t ph_device_get_props(const ph_device_t *device,
                                ph_device_props_t *out_props);
/* Op support for |op| (ph_op_kind_t) with inputs of |dtype|:
 * PH_OP_CAP_* bits in |out_caps|, 0 when unsupported. */
ph_status_t ph_device_op_caps(const ph_device_t *device, uint32_t op,
                              uint32_t dtype, uint32_t *out_caps);

/* Size in bytes of one element of |dtype|, 0 for an invalid dtype. */
size_t ph_dtype_size(uint32_t dtype);
/* "f32", "f16", "bf16", "i8", "i32"; "invalid" otherwise. */
const char *ph_dtype_name(uint32_t dtype);
/* "matmul", "conv2d", ...; "invalid" otherwise. */
const char *ph_op_name(uint32_t op);
/* "cpu", "gpu", "npu", "fpga", "other". */
const char *ph_device_kind_name(uint32_t kind);

/*===----------------------------------------------------------------------===
 * Streams: in-order queues of asynchronous work
 *===----------------------------------------------------------------------===*/

typedef struct ph_stream ph_stream_t;
typedef struct ph_event ph_event_t;
typedef struct ph_buffer ph_buffer_t;

/* |flags| reserved, 0. */
ph_status_t ph_stream_create(ph_device_t *device, uint32_t flags,
                             ph_stream_t **out_stream);
/* Waits for the stream's pending work, then destroys it. NULL: no-op. */
ph_status_t ph_stream_destroy(ph_stream_t *stream);
/* Blocks until all work enqueued so far completes. Returns the first error
 * that work raised since the last sync. */
ph_status_t ph_stream_sync(ph_stream_t *stream);
/* PH_OK when idle, PH_ERROR_NOT_READY while work is pending. */
ph_status_t ph_stream_query(ph_stream_t *stream);
/* Work enqueued on |stream| later waits for |event|'s latest record. The
 * event must belong to the same device. */
ph_status_t ph_stream_wait_event(ph_stream_t *stream, ph_event_t *event);
/* The device a stream belongs to. */
ph_status_t ph_stream_get_device(const ph_stream_t *stream,
                                 ph_device_t **out_device);

/*===----------------------------------------------------------------------===
 * Events
 *===----------------------------------------------------------------------===*/

/* |flags| reserved, 0. A new event counts as completed. */
ph_status_t ph_event_create(ph_device_t *device, uint32_t flags,
                            ph_event_t **out_event);
ph_status_t ph_event_destroy(ph_event_t *event);
/* The event completes once the work enqueued on |stream| so far has. */
ph_status_t ph_event_record(ph_event_t *event, ph_stream_t *stream);
ph_status_t ph_event_sync(ph_event_t *event);
/* PH_OK when completed, PH_ERROR_NOT_READY otherwise. */
ph_status_t ph_event_query(ph_event_t *event);
/* Milliseconds between two completed events of the same device. Requires
 * PH_DEVICE_TIMERS; otherwise PH_ERROR_UNSUPPORTED. */
ph_status_t ph_event_elapsed_ms(ph_event_t *start, ph_event_t *end,
                                float *out_ms);

/*===----------------------------------------------------------------------===
 * Buffers: device memory
 *===----------------------------------------------------------------------===*/

/* Allocates |size| > 0 bytes of memory of |mem_kind| (a PH_MEM_* kind the
 * device lists; 0 means PH_MEM_DEVICE), aligned to the device's
 * min_alignment. */
ph_status_t ph_buffer_alloc(ph_device_t *device, uint64_t size,
                            uint32_t mem_kind, ph_buffer_t **out_buffer);
/* Frees a buffer. Waits first for all work enqueued on the buffer's device
 * (every stream), so work in flight never touches freed memory. A mapped
 * buffer is unmapped. NULL: no-op. */
ph_status_t ph_buffer_free(ph_buffer_t *buffer);
ph_status_t ph_buffer_get_size(const ph_buffer_t *buffer, uint64_t *out_size);
ph_status_t ph_buffer_get_device(const ph_buffer_t *buffer,
                                 ph_device_t **out_device);
/* Maps a PH_MEM_HOST_VISIBLE or PH_MEM_UNIFIED buffer. The caller must
 * have no work pending on it. Valid until ph_buffer_unmap. */
ph_status_t ph_buffer_map(ph_buffer_t *buffer, void **out_ptr);
ph_status_t ph_buffer_unmap(ph_buffer_t *buffer);

/* Asynchronous copies, in |stream|'s order. Buffers must belong to the
 * stream's device. Host memory (|src| of write, |dst| of read) is borrowed
 * until the copy completes: the caller keeps it valid until a sync or an
 * event says so. */
ph_status_t ph_buffer_write(ph_stream_t *stream, ph_buffer_t *dst,
                            uint64_t dst_offset, const void *src,
                            uint64_t size);
ph_status_t ph_buffer_read(ph_stream_t *stream, void *dst, ph_buffer_t *src,
                           uint64_t src_offset, uint64_t size);
ph_status_t ph_buffer_copy(ph_stream_t *stream, ph_buffer_t *dst,
                           uint64_t dst_offset, ph_buffer_t *src,
                           uint64_t src_offset, uint64_t size);
/* Sets |size| bytes at |offset| to |value|. */
ph_status_t ph_buffer_fill(ph_stream_t *stream, ph_buffer_t *dst,
                           uint64_t offset, uint8_t value, uint64_t size);

/*===----------------------------------------------------------------------===
 * Tensors: views of buffers that ops read and write
 *===----------------------------------------------------------------------===*/

/* Plain data the caller owns. Strides are in elements (0 broadcasts);
 * offset in bytes. The buffer is borrowed: it must outlive the work. */
typedef struct ph_tensor {
  uint32_t dtype; /* ph_dtype_t */
  uint32_t rank;  /* 0..PH_MAX_RANK */
  int64_t shape[PH_MAX_RANK];
  int64_t strides[PH_MAX_RANK];
  ph_buffer_t *buffer;
  uint64_t offset;
} ph_tensor_t;

/* Fills |out_tensor| as a dense row-major view of |buffer| at |offset|. */
ph_status_t ph_tensor_init(ph_tensor_t *out_tensor, ph_buffer_t *buffer,
                           uint64_t offset, uint32_t dtype, uint32_t rank,
                           const int64_t *shape);
/* Number of elements (product of the shape; 1 for rank 0). */
ph_status_t ph_tensor_numel(const ph_tensor_t *tensor, int64_t *out_numel);

/*===----------------------------------------------------------------------===
 * Operators
 *===----------------------------------------------------------------------===
 *
 * One function per op family. Every one:
 *  - is asynchronous: it validates, enqueues the op on |stream| and
 *    returns; the results are ready once ph_stream_sync(|stream|) (or an
 *    event recorded after it) says so. Errors raised while the op runs
 *    are reported by that sync.
 *  - borrows its tensors: the ph_tensor_t structs (and |perm|, |xs|, the
 *    attribute struct) only for the call; the buffers they view until the
 *    op completes. Every buffer belongs to |stream|'s device.
 *  - reads inputs through any non-negative strides (0 broadcasts) and
 *    writes outputs that must be dense row-major and must not overlap an
 *    input (not checked: the result is then undefined).
 *  - returns PH_ERROR_INVALID_ARGUMENT, with a message naming the tensor
 *    and the mismatch, for a NULL stream or tensor, a rank above
 *    PH_MAX_RANK, a shape, dtype or attribute the op's rules reject, a
 *    NULL buffer or a buffer on another device; PH_ERROR_OUT_OF_RANGE when
 *    a tensor's elements do not lie inside its buffer; and
 *    PH_ERROR_UNSUPPORTED, having enqueued nothing, when the device
 *    declines the op for these dtypes or strides (ph_device_op_caps tells
 *    in advance).
 *  - is thread-safe; ops enqueued on one stream run in call order.
 *
 * Dtypes: "float" below means f32, f16 or bf16; f16/bf16 compute in f32.
 * Axes may be negative (counted from the end) wherever an op takes one.
 */

/* Default matmul attributes: alpha 1, beta 0, no transposes, no
 * activation, out_scale 1. Start from these and change fields, so that
 * struct_size is right. */
ph_matmul_attrs_t ph_matmul_attrs_default(void);

/* y = act(alpha * op(a) . op(b) + bias + beta * c), batched.
 * |a| is [.., M, K] ([.., K, M] with attrs->trans_a), |b| is [.., K, N]
 * ([.., N, K] with trans_b); batch dims broadcast as numpy's matmul does,
 * and |y| is exactly [broadcast batch.., M, N]. |bias| (nullable) is [N].
 * |c| (nullable; required when attrs->beta != 0) has y's shape or one that
 * broadcasts to it. |attrs| (nullable) defaults to
 * ph_matmul_attrs_default(); has_bias and has_c are set from the pointers.
 * Dtypes: a, b, bias, c and y one float dtype; or a and b i8 with y i8 or
 * f32, bias f32 and c of y's dtype: the integer dot product acc is exact,
 * then y = act(alpha * out_scale * acc + bias + beta * c), rounded to
 * nearest even and saturated for an i8 y. */
ph_status_t ph_op_matmul(ph_stream_t *stream, const ph_tensor_t *a,
                         const ph_tensor_t *b, const ph_tensor_t *bias,
                         const ph_tensor_t *c, const ph_tensor_t *y,
                         const ph_matmul_attrs_t *attrs);

/* Default conv2d attributes: NCHW, stride 1, no padding, dilation 1, one
 * group, no activation, out_scale 1. */
ph_conv2d_attrs_t ph_conv2d_attrs_default(void);

/* 2-D convolution (cross-correlation). NCHW: |x| [N, C, H, W], |w|
 * [OC, C/groups, KH, KW], |y| [N, OC, OH, OW]; NHWC: |x| [N, H, W, C], |w|
 * [OC, KH, KW, C/groups], |y| [N, OH, OW, OC], where
 * OH = (H + pad_top + pad_bottom - dilation_h * (KH - 1) - 1) / stride_h + 1
 * (likewise OW) must be at least 1. C and OC divide by groups; strides and
 * dilations are at least 1, pads at least 0. |bias| (nullable) is [OC].
 * Activation NONE or RELU. |attrs| (nullable) defaults to
 * ph_conv2d_attrs_default(). Dtypes as matmul: one float dtype, or x and w
 * i8 with y i8 or f32 and bias f32 (y = act(out_scale * acc + bias)). */
ph_status_t ph_op_conv2d(ph_stream_t *stream, const ph_tensor_t *x,
                         const ph_tensor_t *w, const ph_tensor_t *bias,
                         const ph_tensor_t *y, const ph_conv2d_attrs_t *attrs);

/* Default pool2d attributes for |mode| (ph_pool_mode_t) and a
 * |kernel_h| x |kernel_w| window: NCHW, stride equal to the window, no
 * padding, padding excluded from averages. */
ph_pool2d_attrs_t ph_pool2d_attrs_default(uint32_t mode, int64_t kernel_h,
                                          int64_t kernel_w);

/* Max or average pooling over |x| [N, C, H, W] (NHWC: [N, H, W, C]) into
 * |y| of the same layout with OH = (H + pad_top + pad_bottom - KH) /
 * stride_h + 1 >= 1 (likewise OW). Windows and strides are at least 1;
 * each pad is at least 0 and less than the window along its axis. |attrs|
 * is required. Dtypes: float or i8, y the same as x. */
ph_status_t ph_op_pool2d(ph_stream_t *stream, const ph_tensor_t *x,
                         const ph_tensor_t *y, const ph_pool2d_attrs_t *attrs);

/* y = func(x) elementwise; |func| is a ph_unary_func_t. x and y have the
 * same shape and one float dtype. */
ph_status_t ph_op_unary(ph_stream_t *stream, uint32_t func,
                        const ph_tensor_t *x, const ph_tensor_t *y);

/* y = func(a, b) elementwise with numpy broadcasting; |func| is a
 * ph_binary_func_t. |y|'s shape is exactly the broadcast of a's and b's.
 * a, b and y have one float dtype. */
ph_status_t ph_op_binary(ph_stream_t *stream, uint32_t func,
                         const ph_tensor_t *a, const ph_tensor_t *b,
                         const ph_tensor_t *y);

/* Softmax (|log| nonzero: log-softmax) of |x| along |axis| (in
 * [-rank, rank)). x and y have the same shape and one float dtype. */
ph_status_t ph_op_softmax(ph_stream_t *stream, const ph_tensor_t *x,
                          const ph_tensor_t *y, int32_t axis, uint32_t log);

/* Layer normalisation over axes [axis, rank):
 * y = (x - mean) / sqrt(var + epsilon) * scale + bias. |scale| and |bias|
 * (each nullable) have shape x.shape[axis:]. x, scale, bias and y share
 * one float dtype; y has x's shape. |epsilon| is finite and >= 0. */
ph_status_t ph_op_layernorm(ph_stream_t *stream, const ph_tensor_t *x,
                            const ph_tensor_t *scale, const ph_tensor_t *bias,
                            const ph_tensor_t *y, int32_t axis, float epsilon);

/* RMS normalisation over axes [axis, rank):
 * y = x / sqrt(mean(x^2) + epsilon) * scale. As ph_op_layernorm, without
 * a bias. */
ph_status_t ph_op_rmsnorm(ph_stream_t *stream, const ph_tensor_t *x,
                          const ph_tensor_t *scale, const ph_tensor_t *y,
                          int32_t axis, float epsilon);

/* Reduces |x| over the axes in |axes| (bit i: axis i; non-empty, every bit
 * below x's rank) with |func| (ph_reduce_func_t). With |keepdims| nonzero
 * y keeps x's rank with the reduced extents 1; otherwise the reduced axes
 * are dropped (reducing every axis gives a rank-0 y). x and y have one
 * float dtype. */
ph_status_t ph_op_reduce(ph_stream_t *stream, uint32_t func,
                         const ph_tensor_t *x, const ph_tensor_t *y,
                         uint32_t axes, uint32_t keepdims);

/* y.shape[i] = x.shape[perm[i]]: |perm| holds x.rank entries, a
 * permutation of 0..rank-1 (negative entries count from the end). x and y
 * have one dtype, any. */
ph_status_t ph_op_transpose(ph_stream_t *stream, const ph_tensor_t *x,
                            const ph_tensor_t *y, const int32_t *perm);

/* Joins the |n| tensors |xs| along |axis|; 1 <= n <= 63 (one launch
 * carries at most 64 tensors). They share y's dtype and rank and every
 * extent but |axis|'s; y's extent there is their sum. */
ph_status_t ph_op_concat(ph_stream_t *stream, const ph_tensor_t *const *xs,
                         size_t n, const ph_tensor_t *y, int32_t axis);

/* y = take(table, indices, axis): y.shape = table.shape[:axis] +
 * indices.shape + table.shape[axis+1:], at most PH_MAX_RANK dims.
 * |indices| is i32; with V = table.shape[axis], an index in [-V, V)
 * selects a slice (negative ones count from the end). The values live on
 * the device and are not checked here: the reference kernels write zeros
 * for an index outside that range. y has table's dtype, any. */
ph_status_t ph_op_gather(ph_stream_t *stream, const ph_tensor_t *table,
                         const ph_tensor_t *indices, const ph_tensor_t *y,
                         int32_t axis);

/* Converts |x| to y's dtype elementwise (any two dtypes; to integers:
 * round to nearest even, saturating, NaN to 0). Same shape. */
ph_status_t ph_op_cast(ph_stream_t *stream, const ph_tensor_t *x,
                       const ph_tensor_t *y);

/* Scaled dot-product attention:
 * y = softmax(scale * q . k^T + mask [+ causal mask]) . v, with |q|
 * [B, H, Sq, D], |k| [B, H, Sk, D], |v| [B, H, Sk, Dv], |y| [B, H, Sq, Dv].
 * |mask| (nullable) is added to the scores and broadcasts to
 * [B, H, Sq, Sk]. |scale| is finite (usually 1/sqrt(D)). With |causal|
 * nonzero, query i sees keys j <= i + Sk - Sq. All one float dtype. */
ph_status_t ph_op_attention(ph_stream_t *stream, const ph_tensor_t *q,
                            const ph_tensor_t *k, const ph_tensor_t *v,
                            const ph_tensor_t *mask, const ph_tensor_t *y,
                            float scale, uint32_t causal);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* POLYHAL_POLYHAL_H_ */
