/*
 * polyhal device ABI, version 1.0.
 *
 * This is the one header a chip vendor needs to write a polyhal plugin: a
 * shared object that exports a single symbol, ph_plugin_init, and through it
 * a table of C function pointers. It is pure C99 (<stddef.h> and <stdint.h>
 * only) and usable from C++.
 *
 * Rules that keep the ABI stable (read these before changing anything):
 *  - Every struct that crosses the boundary begins with `size_t struct_size`.
 *    Structs only ever grow at the end. A reader checks
 *    PH_STRUCT_HAS(ptr, type, field) before touching a field, never ==.
 *  - Enums only grow; values never change meaning. Enum-typed fields are
 *    stored as fixed-width integers so their size cannot vary by compiler.
 *  - A plugin built against ABI MAJOR.m loads in a HAL MAJOR.M when m <= M.
 *    A different major, or a newer minor, is refused with a message.
 *  - Entries marked OPTIONAL may be NULL; the HAL then answers
 *    PH_ERROR_UNSUPPORTED or falls back. The HAL never calls a NULL entry.
 *    Entries marked REQUIRED must be set, or the plugin is refused at load.
 *  - Handles a plugin returns are opaque to the HAL; the plugin owns their
 *    layout. Nothing one side allocates is freed by the other, except
 *    through the entries this header names.
 *  - Errors cross as ph_status_t codes. To attach a detailed message, the
 *    plugin calls host->set_error() on the failing thread before returning.
 *  - Flags arguments marked "reserved" must be 0.
 *
 * The HAL serialises nothing on a plugin's behalf unless stated: every entry
 * may be called from several threads at once, on different objects. Calls
 * on the same stream are serialised by the HAL.
 */
#ifndef POLYHAL_PLUGIN_H_
#define POLYHAL_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===
 * Versions and struct helpers
 *===----------------------------------------------------------------------===*/

#define PH_PLUGIN_ABI_VERSION_MAJOR 1
#define PH_PLUGIN_ABI_VERSION_MINOR 0
/* Packed as (major << 16) | minor. */
#define PH_PLUGIN_ABI_VERSION \
  ((uint32_t)((PH_PLUGIN_ABI_VERSION_MAJOR << 16) | PH_PLUGIN_ABI_VERSION_MINOR))
#define PH_ABI_MAJOR(v) ((uint32_t)(v) >> 16)
#define PH_ABI_MINOR(v) ((uint32_t)(v) & 0xffffu)

/* The name of the one symbol a plugin exports. */
#define PH_PLUGIN_INIT_SYMBOL "ph_plugin_init"

/* True when the struct at |p| (which starts with struct_size) is large
 * enough to hold |field| of |type|. */
#define PH_STRUCT_HAS(p, type, field)                 \
  ((p) != NULL && (p)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* Visibility for the init symbol; plugins build with -fvisibility=hidden. */
#if defined(_WIN32)
#define PH_PLUGIN_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define PH_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PH_PLUGIN_EXPORT
#endif

/*===----------------------------------------------------------------------===
 * Shared vocabulary (also used by the public API, polyhal.h)
 *===----------------------------------------------------------------------===*/

/* Status codes. PH_OK is 0; values are fixed forever. */
typedef enum ph_status_e {
  PH_OK = 0,
  PH_ERROR_INVALID_ARGUMENT = 1, /* a NULL, out-of-range or inconsistent argument */
  PH_ERROR_OUT_OF_MEMORY = 2,    /* host or device allocation failed */
  PH_ERROR_UNSUPPORTED = 3,      /* the device declines this request; nothing ran */
  PH_ERROR_NOT_FOUND = 4,        /* no such device, plugin or entry */
  PH_ERROR_NOT_READY = 5,        /* a query: the work has not completed yet */
  PH_ERROR_DEVICE = 6,           /* the device or its driver failed */
  PH_ERROR_INCOMPATIBLE = 7,     /* ABI or version mismatch */
  PH_ERROR_OUT_OF_RANGE = 8,     /* offset/size outside a buffer or limit */
  PH_ERROR_INVALID_STATE = 9,    /* the object is not in a state that allows this */
  PH_ERROR_INTERNAL = 10         /* a bug in polyhal or a plugin */
} ph_status_t;

/* Element types. Stored in uint32_t fields. */
typedef enum ph_dtype_e {
  PH_DTYPE_INVALID = 0,
  PH_DTYPE_F32 = 1,
  PH_DTYPE_F16 = 2,  /* IEEE binary16 */
  PH_DTYPE_BF16 = 3, /* bfloat16 */
  PH_DTYPE_I8 = 4,
  PH_DTYPE_I32 = 5,
  PH_DTYPE_COUNT_ = 6 /* one past the last; grows */
} ph_dtype_t;

/* Device kinds. */
typedef enum ph_device_kind_e {
  PH_DEVICE_KIND_OTHER = 0,
  PH_DEVICE_KIND_CPU = 1,
  PH_DEVICE_KIND_GPU = 2,
  PH_DEVICE_KIND_NPU = 3,
  PH_DEVICE_KIND_FPGA = 4
} ph_device_kind_t;

/* Memory kinds, as a bit set in device properties and as alloc flags. */
enum {
  PH_MEM_DEVICE = 1u << 0,       /* device-local memory (always present) */
  PH_MEM_HOST_VISIBLE = 1u << 1, /* can be mapped into host address space */
  PH_MEM_UNIFIED = 1u << 2       /* one address space, coherent with host */
};

/* Device feature flags (ph_plugin_device_props_t.flags). */
enum {
  PH_DEVICE_RUNTIME_COMPILE = 1u << 0, /* compiles kernels at run time */
  PH_DEVICE_OFFLINE_BINARIES = 1u << 1, /* needs precompiled kernel binaries */
  PH_DEVICE_TIMERS = 1u << 2,           /* events measure elapsed time */
  PH_DEVICE_HOST_MEMORY = 1u << 3       /* device memory is host memory */
};

/* Largest tensor rank any op accepts. */
#define PH_MAX_RANK 8

/* Operator kinds. Stored in uint32_t fields; the list only grows. */
typedef enum ph_op_kind_e {
  PH_OP_INVALID = 0,
  PH_OP_MATMUL = 1,    /* in: a, b[, bias][, c]   out: y      attrs: ph_matmul_attrs_t */
  PH_OP_CONV2D = 2,    /* in: x, w[, bias]        out: y      attrs: ph_conv2d_attrs_t */
  PH_OP_POOL2D = 3,    /* in: x                   out: y      attrs: ph_pool2d_attrs_t */
  PH_OP_UNARY = 4,     /* in: x                   out: y      attrs: ph_unary_attrs_t */
  PH_OP_BINARY = 5,    /* in: a, b (broadcast)    out: y      attrs: ph_binary_attrs_t */
  PH_OP_SOFTMAX = 6,   /* in: x                   out: y      attrs: ph_softmax_attrs_t */
  PH_OP_LAYERNORM = 7, /* in: x[, scale][, bias]  out: y      attrs: ph_norm_attrs_t */
  PH_OP_RMSNORM = 8,   /* in: x[, scale]          out: y      attrs: ph_norm_attrs_t */
  PH_OP_REDUCE = 9,    /* in: x                   out: y      attrs: ph_reduce_attrs_t */
  PH_OP_TRANSPOSE = 10,/* in: x                   out: y      attrs: ph_transpose_attrs_t */
  PH_OP_CONCAT = 11,   /* in: x0..xn-1            out: y      attrs: ph_concat_attrs_t */
  PH_OP_GATHER = 12,   /* in: table, indices(i32) out: y      attrs: ph_gather_attrs_t */
  PH_OP_CAST = 13,     /* in: x                   out: y      attrs: none (NULL) */
  PH_OP_ATTENTION = 14,/* in: q, k, v[, mask]     out: y      attrs: ph_attention_attrs_t */
  PH_OP_COUNT_ = 15    /* one past the last; grows */
} ph_op_kind_t;

/* Epilogue activations for matmul and conv. */
typedef enum ph_activation_e {
  PH_ACT_NONE = 0,
  PH_ACT_RELU = 1,
  PH_ACT_GELU = 2, /* erf form */
  PH_ACT_SILU = 3
} ph_activation_t;

typedef enum ph_unary_func_e {
  PH_UNARY_RELU = 0,
  PH_UNARY_GELU = 1,      /* x * 0.5 * (1 + erf(x / sqrt 2)) */
  PH_UNARY_GELU_TANH = 2, /* tanh approximation */
  PH_UNARY_SILU = 3,
  PH_UNARY_SIGMOID = 4,
  PH_UNARY_TANH = 5,
  PH_UNARY_EXP = 6,
  PH_UNARY_LOG = 7,
  PH_UNARY_SQRT = 8,
  PH_UNARY_RSQRT = 9,
  PH_UNARY_NEG = 10,
  PH_UNARY_ABS = 11,
  PH_UNARY_COUNT_ = 12
} ph_unary_func_t;

typedef enum ph_binary_func_e {
  PH_BINARY_ADD = 0,
  PH_BINARY_SUB = 1,
  PH_BINARY_MUL = 2,
  PH_BINARY_DIV = 3,
  PH_BINARY_MAX = 4,
  PH_BINARY_MIN = 5,
  PH_BINARY_POW = 6,
  PH_BINARY_COUNT_ = 7
} ph_binary_func_t;

typedef enum ph_reduce_func_e {
  PH_REDUCE_SUM = 0,
  PH_REDUCE_MEAN = 1,
  PH_REDUCE_MAX = 2,
  PH_REDUCE_MIN = 3,
  PH_REDUCE_COUNT_ = 4
} ph_reduce_func_t;

typedef enum ph_layout_e {
  PH_LAYOUT_NCHW = 0,
  PH_LAYOUT_NHWC = 1
} ph_layout_t;

typedef enum ph_pool_mode_e {
  PH_POOL_MAX = 0,
  PH_POOL_AVG = 1
} ph_pool_mode_t;

/* Op attribute structs. Each starts with struct_size and only grows.
 * They are plain data, identical on both sides of the ABI. */

typedef struct ph_matmul_attrs {
  size_t struct_size;
  uint32_t trans_a;    /* nonzero: A is stored [.., K, M] */
  uint32_t trans_b;    /* nonzero: B is stored [.., N, K] */
  float alpha;         /* y = act(alpha * A.B + bias + beta * c) */
  float beta;          /* 0 ignores c; nonzero reads input c (shape of y) */
  uint32_t activation; /* ph_activation_t */
  uint32_t has_bias;   /* nonzero: an input bias of shape [N] follows b */
  uint32_t has_c;      /* nonzero: an input c (shape of y) is last */
  /* int8 only: y = round(acc * out_scale) saturated to int8, or
   * acc * out_scale for f32 output. Ignored for floating inputs. */
  float out_scale;
} ph_matmul_attrs_t;

typedef struct ph_conv2d_attrs {
  size_t struct_size;
  uint32_t layout;     /* ph_layout_t of x and y; w is [OC, IC/groups, KH, KW]
                          for NCHW and [OC, KH, KW, IC/groups] for NHWC */
  int64_t stride[2];   /* h, w */
  int64_t pad[4];      /* top, left, bottom, right */
  int64_t dilation[2]; /* h, w */
  int64_t groups;
  uint32_t activation; /* PH_ACT_NONE or PH_ACT_RELU */
  uint32_t has_bias;   /* input bias of shape [OC] */
  float out_scale;     /* int8 only, as for matmul */
} ph_conv2d_attrs_t;

typedef struct ph_pool2d_attrs {
  size_t struct_size;
  uint32_t mode;     /* ph_pool_mode_t */
  uint32_t layout;   /* ph_layout_t */
  int64_t kernel[2];
  int64_t stride[2];
  int64_t pad[4];    /* top, left, bottom, right */
  uint32_t count_include_pad; /* average: divide by the full window */
} ph_pool2d_attrs_t;

typedef struct ph_unary_attrs {
  size_t struct_size;
  uint32_t func; /* ph_unary_func_t */
} ph_unary_attrs_t;

typedef struct ph_binary_attrs {
  size_t struct_size;
  uint32_t func; /* ph_binary_func_t */
} ph_binary_attrs_t;

typedef struct ph_softmax_attrs {
  size_t struct_size;
  int32_t axis;  /* normalised axis, 0 <= axis < rank */
  uint32_t log;  /* nonzero: log-softmax */
} ph_softmax_attrs_t;

typedef struct ph_norm_attrs {
  size_t struct_size;
  int32_t axis;       /* normalise over axes [axis, rank) */
  float epsilon;
  uint32_t has_scale; /* input scale, shape = x.shape[axis:] */
  uint32_t has_bias;  /* layernorm only; input bias, shape = x.shape[axis:] */
} ph_norm_attrs_t;

typedef struct ph_reduce_attrs {
  size_t struct_size;
  uint32_t func;     /* ph_reduce_func_t */
  uint32_t axes;     /* bit i set: reduce axis i */
  uint32_t keepdims; /* nonzero: y keeps reduced axes with extent 1 */
} ph_reduce_attrs_t;

typedef struct ph_transpose_attrs {
  size_t struct_size;
  int32_t perm[PH_MAX_RANK]; /* y.shape[i] = x.shape[perm[i]] */
} ph_transpose_attrs_t;

typedef struct ph_concat_attrs {
  size_t struct_size;
  int32_t axis;
} ph_concat_attrs_t;

typedef struct ph_gather_attrs {
  size_t struct_size;
  int32_t axis; /* y = take(table, indices, axis) */
} ph_gather_attrs_t;

typedef struct ph_attention_attrs {
  size_t struct_size;
  float scale;       /* usually 1/sqrt(head dim) */
  uint32_t causal;   /* nonzero: position i attends to j <= i (+ offset
                        sk - sq, so the last query sees every key) */
  uint32_t has_mask; /* input mask [.., sq, sk] added to the scores */
} ph_attention_attrs_t;

/*===----------------------------------------------------------------------===
 * Host services (HAL -> plugin)
 *===----------------------------------------------------------------------===*/

typedef enum ph_log_level_e {
  PH_LOG_ERROR = 1,
  PH_LOG_WARN = 2,
  PH_LOG_INFO = 3,
  PH_LOG_DEBUG = 4
} ph_log_level_t;

typedef struct ph_host_api {
  size_t struct_size;
  uint32_t abi_version; /* PH_PLUGIN_ABI_VERSION of the HAL */
  uint32_t reserved;
  /* REQUIRED. Attaches a detailed message to the calling thread's current
   * failure; the plugin returns |code| from the entry right after. The
   * message is copied; printf-style format. Thread-safe. */
  void (*set_error)(ph_status_t code, const char *fmt, ...);
  /* REQUIRED. Diagnostics; printed only when PH_LOG asks for |level|.
   * Thread-safe. */
  void (*log)(ph_log_level_t level, const char *fmt, ...);
} ph_host_api_t;

/*===----------------------------------------------------------------------===
 * Opaque plugin handles
 *===----------------------------------------------------------------------===*/

typedef struct ph_plugin_device ph_plugin_device_t;
typedef struct ph_plugin_mem ph_plugin_mem_t;
typedef struct ph_plugin_stream ph_plugin_stream_t;
typedef struct ph_plugin_event ph_plugin_event_t;

/*===----------------------------------------------------------------------===
 * Boundary structs
 *===----------------------------------------------------------------------===*/

/* Properties of one device. Owned by the plugin, valid until device_close;
 * never changes after device_open. */
typedef struct ph_plugin_device_props {
  size_t struct_size;
  char name[128];
  char vendor[64];
  char driver_version[64];
  uint32_t kind;           /* ph_device_kind_t */
  uint32_t compute_units;
  uint64_t memory_bytes;   /* total device memory */
  uint64_t max_alloc_bytes;/* largest single allocation */
  uint32_t mem_kinds;      /* PH_MEM_* bit set */
  uint32_t flags;          /* PH_DEVICE_* bit set */
  uint32_t dtypes;         /* bit (1 << ph_dtype_t) set for each dtype the
                              device stores and copies */
  uint32_t min_alignment;  /* bytes every allocation is aligned to */
} ph_plugin_device_props_t;

/* A tensor view of plugin memory. Strides are in elements and may be any
 * value, zero included (broadcast); offset is in bytes. */
typedef struct ph_plugin_tensor {
  size_t struct_size;
  uint32_t dtype; /* ph_dtype_t */
  uint32_t rank;  /* 0..PH_MAX_RANK; rank 0 is a scalar */
  int64_t shape[PH_MAX_RANK];
  int64_t strides[PH_MAX_RANK];
  ph_plugin_mem_t *mem;
  uint64_t offset;
} ph_plugin_tensor_t;

/* One operator invocation. The HAL has validated shapes, dtypes and bounds
 * against the op's rules before a plugin sees it. Arrays hold pointers so
 * the tensor struct can grow. Everything is borrowed for the duration of
 * the call: a plugin that runs the op later copies what it needs. */
typedef struct ph_plugin_op_desc {
  size_t struct_size;
  uint32_t op;    /* ph_op_kind_t */
  uint32_t flags; /* reserved, 0 */
  size_t num_inputs;
  const ph_plugin_tensor_t *const *inputs;
  size_t num_outputs;
  const ph_plugin_tensor_t *const *outputs;
  const void *attrs; /* the op's attribute struct, or NULL */
} ph_plugin_op_desc_t;

/* Capability bits returned by op_capability. */
enum {
  PH_OP_CAP_SUPPORTED = 1u << 0, /* the op runs for this dtype */
  PH_OP_CAP_STRIDED = 1u << 1    /* non-contiguous inputs are accepted */
};

/*===----------------------------------------------------------------------===
 * The plugin table (plugin -> HAL)
 *===----------------------------------------------------------------------===*/

typedef struct ph_plugin_api {
  size_t struct_size;   /* sizeof(ph_plugin_api_t) the plugin was built with */
  uint32_t abi_version; /* PH_PLUGIN_ABI_VERSION the plugin was built with */
  uint32_t flags;       /* reserved, 0 */
  /* REQUIRED. Static strings owned by the plugin. */
  const char *name;     /* short, lower case, used in selectors: "cpu" */
  const char *vendor;
  const char *version;  /* the plugin's own version, free form */

  /* OPTIONAL. Called once before the HAL unloads the plugin, after every
   * object the HAL created through it was destroyed. */
  void (*shutdown)(void);

  /* --- Devices ---------------------------------------------------------- */

  /* REQUIRED. Number of devices. May be 0. Returns PH_OK. */
  ph_status_t (*device_count)(size_t *out_count);
  /* REQUIRED. Opens device |index| (< count). The HAL opens each device at
   * most once. Errors: INVALID_ARGUMENT, DEVICE, OUT_OF_MEMORY. */
  ph_status_t (*device_open)(size_t index, ph_plugin_device_t **out_device);
  /* REQUIRED. Closes a device once its memory, streams and events are
   * destroyed. */
  void (*device_close)(ph_plugin_device_t *device);
  /* REQUIRED. Properties, owned by the device. */
  ph_status_t (*device_props)(ph_plugin_device_t *device,
                              const ph_plugin_device_props_t **out_props);
  /* REQUIRED. Capabilities of |op| for |dtype| (the dtype of the first
   * input): a PH_OP_CAP_* bit set in |out_caps|, 0 when unsupported. */
  ph_status_t (*op_capability)(ph_plugin_device_t *device, uint32_t op,
                               uint32_t dtype, uint32_t *out_caps);
  /* OPTIONAL. Exact check of a descriptor: PH_OK when op_launch would run
   * it, else UNSUPPORTED with a message. NULL: op_capability decides. */
  ph_status_t (*op_check)(ph_plugin_device_t *device,
                          const ph_plugin_op_desc_t *desc);

  /* --- Memory ----------------------------------------------------------- */

  /* REQUIRED. Allocates |size| > 0 bytes aligned to |alignment| (a power of
   * two, at least props->min_alignment). |mem_kind| is one PH_MEM_* kind
   * the device listed. Errors: OUT_OF_MEMORY, UNSUPPORTED. */
  ph_status_t (*mem_alloc)(ph_plugin_device_t *device, uint64_t size,
                           uint64_t alignment, uint32_t mem_kind,
                           ph_plugin_mem_t **out_mem);
  /* REQUIRED. Frees memory; the HAL guarantees no work that uses it is
   * pending. */
  void (*mem_free)(ph_plugin_device_t *device, ph_plugin_mem_t *mem);
  /* OPTIONAL (required for PH_MEM_HOST_VISIBLE). Maps the whole allocation;
   * the pointer stays valid until mem_unmap. No work may be pending. */
  ph_status_t (*mem_map)(ph_plugin_device_t *device, ph_plugin_mem_t *mem,
                         void **out_ptr);
  /* OPTIONAL (required with mem_map). */
  ph_status_t (*mem_unmap)(ph_plugin_device_t *device, ph_plugin_mem_t *mem);

  /* --- Streams: in-order queues ------------------------------------------ */

  /* REQUIRED. |flags| reserved, 0. */
  ph_status_t (*stream_create)(ph_plugin_device_t *device, uint32_t flags,
                               ph_plugin_stream_t **out_stream);
  /* REQUIRED. Waits for the stream's work, then destroys it. */
  void (*stream_destroy)(ph_plugin_stream_t *stream);
  /* REQUIRED. Blocks until all work enqueued so far has completed. Returns
   * the first error any of that work raised (DEVICE, ...), else PH_OK. */
  ph_status_t (*stream_sync)(ph_plugin_stream_t *stream);
  /* REQUIRED. PH_OK when idle, PH_ERROR_NOT_READY while work is pending. */
  ph_status_t (*stream_query)(ph_plugin_stream_t *stream);

  /* --- Events ------------------------------------------------------------ */

  /* REQUIRED. |flags| reserved, 0. A new event counts as completed. */
  ph_status_t (*event_create)(ph_plugin_device_t *device, uint32_t flags,
                              ph_plugin_event_t **out_event);
  /* REQUIRED. May be called while a record is pending; the plugin keeps
   * what it needs alive until the record completes. */
  void (*event_destroy)(ph_plugin_event_t *event);
  /* REQUIRED. Captures the work enqueued on |stream| so far; the event
   * completes when it has. Re-recording replaces the previous capture. */
  ph_status_t (*event_record)(ph_plugin_event_t *event,
                              ph_plugin_stream_t *stream);
  /* REQUIRED. Work enqueued on |stream| after this call waits for the
   * event's latest record (as of this call). Never recorded: no wait. */
  ph_status_t (*stream_wait_event)(ph_plugin_stream_t *stream,
                                   ph_plugin_event_t *event);
  /* REQUIRED. Blocks the host until the event completes. */
  ph_status_t (*event_sync)(ph_plugin_event_t *event);
  /* REQUIRED. PH_OK when completed, PH_ERROR_NOT_READY otherwise. */
  ph_status_t (*event_query)(ph_plugin_event_t *event);
  /* OPTIONAL (required when PH_DEVICE_TIMERS). Milliseconds between two
   * completed events of one device. NOT_READY if either is pending. */
  ph_status_t (*event_elapsed)(ph_plugin_event_t *start,
                               ph_plugin_event_t *end, float *out_ms);

  /* --- Transfers, enqueued on a stream ----------------------------------- */

  /* REQUIRED. Host memory |src|/|dst| is borrowed until the copy completes.
   * The HAL has checked offsets and sizes against the allocation. */
  ph_status_t (*copy_h2d)(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                          uint64_t dst_offset, const void *src, uint64_t size);
  ph_status_t (*copy_d2h)(ph_plugin_stream_t *stream, void *dst,
                          ph_plugin_mem_t *src, uint64_t src_offset,
                          uint64_t size);
  ph_status_t (*copy_d2d)(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                          uint64_t dst_offset, ph_plugin_mem_t *src,
                          uint64_t src_offset, uint64_t size);
  /* REQUIRED. Sets |size| bytes to |value|. */
  ph_status_t (*memset)(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                        uint64_t offset, uint8_t value, uint64_t size);

  /* --- Operators --------------------------------------------------------- */

  /* REQUIRED. Enqueues |desc| on |stream|. Returns UNSUPPORTED (having
   * enqueued nothing) for a descriptor it cannot run; it never half-runs
   * one. The descriptor is borrowed for the call only. */
  ph_status_t (*op_launch)(ph_plugin_stream_t *stream,
                           const ph_plugin_op_desc_t *desc);
} ph_plugin_api_t;

/* The one exported entry point. The HAL passes its host services (valid
 * until the plugin is unloaded). The plugin checks host->abi_version, then
 * sets |*out_api| to its static table and returns PH_OK; or returns an
 * error (with set_error) and is skipped. Called once per load. */
typedef ph_status_t (*ph_plugin_init_fn)(const ph_host_api_t *host,
                                         const ph_plugin_api_t **out_api);

/* The declaration a plugin defines (with PH_PLUGIN_EXPORT); the HAL never
 * links it, it looks it up with dlsym. */
PH_PLUGIN_EXPORT ph_status_t ph_plugin_init(const ph_host_api_t *host,
                                            const ph_plugin_api_t **out_api);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* POLYHAL_PLUGIN_H_ */
