/*
 * HAL internals shared by the sources of hal/ and api/. Not installed.
 */
#ifndef PH_HAL_INTERNAL_H_
#define PH_HAL_INTERNAL_H_

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyhal/plugin.h"
#include "polyhal/polyhal.h"

/* The HAL's own ABI minor. A test build may define a larger value to act
 * as a newer HAL (tests/loader); production builds never do. */
#ifndef PH_HAL_ABI_MINOR
#define PH_HAL_ABI_MINOR PH_PLUGIN_ABI_VERSION_MINOR
#endif

#if defined(__GNUC__)
#define PH_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PH_PRINTF(a, b)
#endif

/*--- errors and logging (error.c, log.c) ----------------------------------*/

/* Sets the calling thread's message ("fn: detail") and returns |code|. */
ph_status_t ph__error(ph_status_t code, const char *fmt, ...) PH_PRINTF(2, 3);
ph_status_t ph__verror(ph_status_t code, const char *fmt, va_list ap);
/* Clears the calling thread's message; every public entry calls it. */
void ph__clear_error(void);
/* True when a plugin attached a message since the last clear. */
bool ph__error_is_set(void);
/* Prefixes the current message with "fn: " (for plugin messages). */
void ph__error_prefix(const char *fn);

void ph__log(ph_log_level_t level, const char *fmt, ...) PH_PRINTF(2, 3);
void ph__vlog(ph_log_level_t level, const char *fmt, va_list ap);
bool ph__log_enabled(ph_log_level_t level);

/*--- plugins and devices (loader.c, runtime.c) ----------------------------*/

#define PH_REASON_MAX 512

typedef struct ph_plugin_rec {
  char *path;
  ph_plugin_state_t state;
  char reason[PH_REASON_MAX];
  void *dl;                    /* dlopen handle, NULL if skipped */
  const ph_plugin_api_t *api;  /* NULL if skipped */
  size_t device_count;
} ph_plugin_rec_t;

/* Object type tags, checked by every public entry before use. */
enum {
  PH_MAGIC_DEVICE = 0x50484456u, /* "PHDV" */
  PH_MAGIC_BUFFER = 0x50484246u,
  PH_MAGIC_STREAM = 0x50485354u,
  PH_MAGIC_EVENT = 0x50484556u,
  PH_MAGIC_DEAD = 0xdeadbeefu
};

typedef struct ph_stream_node ph_stream_node_t;

struct ph_device {
  uint32_t magic;
  ph_plugin_rec_t *plugin;
  ph_plugin_device_t *handle;
  const ph_plugin_device_props_t *props;
  ph_device_props_t info;      /* props as the API reports them, built once */
  char id[64];                 /* "cpu:0" */
  size_t plugin_index;         /* index among the plugin's devices */
  /* Live streams, so buffer_free can wait for all work on the device. */
  pthread_mutex_t lock;
  ph_stream_node_t *streams;
};

struct ph_buffer {
  uint32_t magic;
  ph_device_t *device;
  ph_plugin_mem_t *mem;
  uint64_t size;
  uint32_t mem_kind;
  bool mapped;
  pthread_mutex_t lock;        /* guards |mapped| */
};

struct ph_stream {
  uint32_t magic;
  ph_device_t *device;
  ph_plugin_stream_t *handle;
  /* Serialises calls on this stream into the plugin (ABI promise). */
  pthread_mutex_t lock;
  /* An error a sync made on the caller's behalf (buffer_free) consumed;
   * reported by the next ph_stream_sync. Guarded by |lock|. */
  ph_status_t deferred;
  char deferred_msg[256];
};

struct ph_event {
  uint32_t magic;
  ph_device_t *device;
  ph_plugin_event_t *handle;
};

/* Initialises the runtime once (discovery, loading, device open). Returns
 * PH_OK even with zero devices; fails only on out-of-memory. */
ph_status_t ph__runtime_init(void);

/* Loads one candidate file into |rec| (state and reason filled). */
void ph__plugin_load(ph_plugin_rec_t *rec, const ph_host_api_t *host);

/* ABI policy: PH_OK if a plugin built for |plugin_abi| may load into a HAL
 * of |hal_abi|, else PH_ERROR_INCOMPATIBLE with |reason| filled. */
ph_status_t ph__abi_check(uint32_t hal_abi, uint32_t plugin_abi,
                          char *reason, size_t reason_size);
/* Checks a plugin table: size, required entries. */
ph_status_t ph__api_table_check(const ph_plugin_api_t *api, char *reason,
                                size_t reason_size);

/* Orders and filters |devices| in place by the PH_DEVICES selector |sel|
 * (NULL or "": unchanged). Returns the new count. Unknown names are
 * logged at warn. */
size_t ph__selector_apply(const char *sel, ph_device_t **devices, size_t n);
/* True when |device| matches one selector term ("cpu", "cpu:0"). */
bool ph__selector_match(const char *term, size_t len, const ph_device_t *device);

/* After a plugin entry of |device| returned |status| != PH_OK: keeps the
 * plugin's message (prefixed with |fn|) or writes a generic one. Returns
 * |status|. */
ph_status_t ph__plugin_status(const char *fn, const ph_device_t *device,
                              ph_status_t status);

/* The runtime's plugin records, for ph_plugin_get_info. */
size_t ph__plugin_records(ph_plugin_rec_t ***out_records);

/*--- validation helpers ---------------------------------------------------*/

bool ph__device_ok(const ph_device_t *d);
bool ph__buffer_ok(const ph_buffer_t *b);
bool ph__stream_ok(const ph_stream_t *s);
bool ph__event_ok(const ph_event_t *e);

/* Fills |device|->info from the plugin's props (once, at device open). */
void ph__device_cache_props(ph_device_t *device);
/* Waits for every live stream of |device| (used by buffer_free). */
void ph__device_sync_all(ph_device_t *device);
bool ph__device_add_stream(ph_device_t *device, ph_stream_t *stream);
void ph__device_remove_stream(ph_device_t *device, ph_stream_t *stream);

/*--- op launch (op_launch.c), used by api/src/op_*.c ----------------------*/

/* Validates the tensors generically (non-NULL buffers on |stream|'s device,
 * valid dtype, rank <= PH_MAX_RANK, non-negative shapes and strides, every
 * element inside its buffer, outputs dense), asks the device's support
 * (op_capability for inputs[0]'s dtype, STRIDED when an input is not
 * dense, then op_check), and enqueues the op. |fn| names the public
 * function in messages. Op-specific shape rules are the caller's. */
ph_status_t ph__op_launch(const char *fn, ph_stream_t *stream, uint32_t op,
                          const ph_tensor_t *const *inputs, size_t num_inputs,
                          const ph_tensor_t *const *outputs, size_t num_outputs,
                          const void *attrs);

/* True when |t| is dense row-major. */
bool ph__tensor_is_dense(const ph_tensor_t *t);

#endif /* PH_HAL_INTERNAL_H_ */
