/*
 * Private header of the cpu plugin: the layout of its opaque handles and the
 * helpers its files share. Nothing here crosses the ABI; only
 * ph_plugin_init (plugin.c) is exported.
 */
#ifndef PH_PLUGINS_CPU_CPU_H_
#define PH_PLUGINS_CPU_CPU_H_

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "kernel.h"
#include "polyhal/plugin.h"
#include "thread_pool.h"

/* Everything declared here stays inside the .so even if a build forgets
 * -fvisibility=hidden: the plugin exports one symbol, ph_plugin_init. */
#pragma GCC visibility push(hidden)

#define PH_CPU_PLUGIN_VERSION "0.1.0"
#define PH_CPU_MIN_ALIGNMENT 64u
/* Longest message a worker keeps for the next stream_sync to report. */
#define PH_CPU_MSG_MAX 256

/*===----------------------------------------------------------------------===
 * Host services (plugin.c)
 *===----------------------------------------------------------------------===*/

/* Formats a message, hands it to host->set_error on the calling thread and
 * returns |code|, so entries can `return ph_cpu_error(...)`. */
ph_status_t ph_cpu_error(ph_status_t code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Forwards to host->log; the host decides whether it is printed. */
void ph_cpu_log(ph_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets the host table (init) or clears it (shutdown). */
void ph_cpu_set_host(const ph_host_api_t *host);

/*===----------------------------------------------------------------------===
 * Handles
 *===----------------------------------------------------------------------===*/

struct ph_plugin_device {
  ph_plugin_device_props_t props;
  unsigned pool_threads;   /* threads the op pool will use, caller included */
  pthread_mutex_t pool_lock; /* guards lazy creation of |pool| */
  ph_cpu_pool_t *pool;     /* NULL until the first op runs */
  int pool_failed;         /* creation failed once: ops run on the caller */
};

struct ph_plugin_mem {
  ph_plugin_device_t *device;
  void *ptr; /* aligned host memory */
  uint64_t size;
};

typedef struct ph_cpu_cmd ph_cpu_cmd_t;

struct ph_plugin_stream {
  ph_plugin_device_t *device;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t work_cv; /* signalled when a command arrives or on stop */
  pthread_cond_t idle_cv; /* signalled when the queue drains */
  ph_cpu_cmd_t *head, *tail; /* FIFO of pending commands */
  int busy;                  /* the worker is running a command */
  int stop;                  /* destroy asked the worker to exit when drained */
  ph_status_t error;         /* first error since the last sync */
  char error_msg[PH_CPU_MSG_MAX];
};

/* One pending event record. It lives inside the record command and is
 * linked into its event's pending list until the worker reaches it. */
typedef struct ph_cpu_pending {
  uint64_t gen;
  struct ph_cpu_pending *next;
} ph_cpu_pending_t;

struct ph_plugin_event {
  ph_plugin_device_t *device;
  pthread_mutex_t lock;
  pthread_cond_t cv;    /* broadcast when a record completes */
  int refs;             /* the handle + each pending record/wait command */
  uint64_t recorded;    /* generation of the latest record; 0 = never */
  ph_cpu_pending_t *pending; /* records not yet reached by their worker */
  uint64_t stamp_gen;   /* generation |stamp| belongs to */
  struct timespec stamp;/* CLOCK_MONOTONIC when |stamp_gen| completed */
};

/*===----------------------------------------------------------------------===
 * Stream commands (stream.c runs them; the files that enqueue fill them)
 *===----------------------------------------------------------------------===*/

typedef enum ph_cpu_cmd_kind {
  PH_CPU_CMD_COPY = 1,   /* memmove: h2d, d2h and d2d alike on host memory */
  PH_CPU_CMD_MEMSET = 2,
  PH_CPU_CMD_OP = 3,
  PH_CPU_CMD_RECORD = 4,
  PH_CPU_CMD_WAIT = 5
} ph_cpu_cmd_kind_t;

typedef struct ph_cpu_op_cmd {
  const ph_kernel_t *kernel;
  ph_kargs_t args;   /* points into |views| and |attrs| below */
  ph_kview_t *views; /* inputs, then outputs */
  void *attrs;       /* private copy, or NULL */
} ph_cpu_op_cmd_t;

struct ph_cpu_cmd {
  ph_cpu_cmd_t *next;
  ph_cpu_cmd_kind_t kind;
  union {
    struct { void *dst; const void *src; uint64_t size; } copy;
    struct { void *dst; uint64_t size; uint8_t value; } fill;
    ph_cpu_op_cmd_t op;
    struct { ph_plugin_event_t *event; ph_cpu_pending_t pending; } record;
    struct { ph_plugin_event_t *event; uint64_t gen; } wait;
  } u;
};

/* Allocates a zeroed command; NULL (with set_error OUT_OF_MEMORY) on
 * failure. */
ph_cpu_cmd_t *ph_cpu_cmd_new(ph_cpu_cmd_kind_t kind, const char *entry);
/* Frees a command that was never enqueued, or that has run. */
void ph_cpu_cmd_free(ph_cpu_cmd_t *cmd);
/* Appends |cmd| to |stream|'s queue; the stream owns it from here. */
void ph_cpu_stream_enqueue(ph_plugin_stream_t *stream, ph_cpu_cmd_t *cmd);

/*===----------------------------------------------------------------------===
 * Internal entry points shared between files
 *===----------------------------------------------------------------------===*/

/* event.c: run on the stream worker. */
void ph_cpu_event_complete(ph_plugin_event_t *event, ph_cpu_pending_t *rec);
void ph_cpu_event_wait_gen(ph_plugin_event_t *event, uint64_t gen);
void ph_cpu_event_release(ph_plugin_event_t *event);

/* ops.c: run on the stream worker; returns the kernel's status and fills
 * |msg| on failure. */
ph_status_t ph_cpu_op_run(ph_plugin_device_t *device, ph_cpu_op_cmd_t *op,
                          char *msg, size_t msg_size);
void ph_cpu_op_cmd_clear(ph_cpu_op_cmd_t *op);

/* device.c: the device's pool, created on first use; NULL means run on the
 * calling thread only. */
ph_cpu_pool_t *ph_cpu_device_pool(ph_plugin_device_t *device);

/* The ABI entries, one group per file; plugin.c puts them in the table. */
ph_status_t ph_cpu_device_count(size_t *out_count);
ph_status_t ph_cpu_device_open(size_t index, ph_plugin_device_t **out_device);
void ph_cpu_device_close(ph_plugin_device_t *device);
ph_status_t ph_cpu_device_props(ph_plugin_device_t *device,
                                const ph_plugin_device_props_t **out_props);

ph_status_t ph_cpu_op_capability(ph_plugin_device_t *device, uint32_t op,
                                 uint32_t dtype, uint32_t *out_caps);
ph_status_t ph_cpu_op_check(ph_plugin_device_t *device,
                            const ph_plugin_op_desc_t *desc);
ph_status_t ph_cpu_op_launch(ph_plugin_stream_t *stream,
                             const ph_plugin_op_desc_t *desc);

ph_status_t ph_cpu_mem_alloc(ph_plugin_device_t *device, uint64_t size,
                             uint64_t alignment, uint32_t mem_kind,
                             ph_plugin_mem_t **out_mem);
void ph_cpu_mem_free(ph_plugin_device_t *device, ph_plugin_mem_t *mem);
ph_status_t ph_cpu_mem_map(ph_plugin_device_t *device, ph_plugin_mem_t *mem,
                           void **out_ptr);
ph_status_t ph_cpu_mem_unmap(ph_plugin_device_t *device, ph_plugin_mem_t *mem);
ph_status_t ph_cpu_copy_h2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                            uint64_t dst_offset, const void *src, uint64_t size);
ph_status_t ph_cpu_copy_d2h(ph_plugin_stream_t *stream, void *dst,
                            ph_plugin_mem_t *src, uint64_t src_offset,
                            uint64_t size);
ph_status_t ph_cpu_copy_d2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                            uint64_t dst_offset, ph_plugin_mem_t *src,
                            uint64_t src_offset, uint64_t size);
ph_status_t ph_cpu_memset(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                          uint64_t offset, uint8_t value, uint64_t size);

ph_status_t ph_cpu_stream_create(ph_plugin_device_t *device, uint32_t flags,
                                 ph_plugin_stream_t **out_stream);
void ph_cpu_stream_destroy(ph_plugin_stream_t *stream);
ph_status_t ph_cpu_stream_sync(ph_plugin_stream_t *stream);
ph_status_t ph_cpu_stream_query(ph_plugin_stream_t *stream);

ph_status_t ph_cpu_event_create(ph_plugin_device_t *device, uint32_t flags,
                                ph_plugin_event_t **out_event);
void ph_cpu_event_destroy(ph_plugin_event_t *event);
ph_status_t ph_cpu_event_record(ph_plugin_event_t *event,
                                ph_plugin_stream_t *stream);
ph_status_t ph_cpu_stream_wait_event(ph_plugin_stream_t *stream,
                                     ph_plugin_event_t *event);
ph_status_t ph_cpu_event_sync(ph_plugin_event_t *event);
ph_status_t ph_cpu_event_query(ph_plugin_event_t *event);
ph_status_t ph_cpu_event_elapsed(ph_plugin_event_t *start,
                                 ph_plugin_event_t *end, float *out_ms);

#pragma GCC visibility pop

#endif /* PH_PLUGINS_CPU_CPU_H_ */
