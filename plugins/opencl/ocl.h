/*
 * Private header of the opencl plugin's core: the layout of its handles and
 * the helpers its files share. Nothing here crosses the ABI; only
 * ph_plugin_init (plugin.c) is exported. The launchers (ops_<family>.c)
 * see only ocl_launch.h.
 *
 * Handles: ph_plugin_device_t and ph_plugin_stream_t are never defined;
 * the pointers the HAL holds point at a ph_cl_device_t / ph_cl_stream_t
 * (ph_cl_dev()/ph_cl_str() convert), so launchers and the ABI agree on one
 * object without a second tag. ph_plugin_mem_t and ph_plugin_event_t are
 * defined here directly.
 */
#ifndef PH_PLUGINS_OPENCL_OCL_H_
#define PH_PLUGINS_OPENCL_OCL_H_

#include <pthread.h>
#include <stdint.h>

#include "ocl_launch.h"

#pragma GCC visibility push(hidden)

#define PH_CL_PLUGIN_VERSION "0.1.0"
/* Longest deferred error message a stream keeps for the next sync. */
#define PH_CL_MSG_MAX 512
/* A stream prunes completed events from its pending list past this many,
 * so a long run between syncs holds a bounded number of cl_events. */
#define PH_CL_PENDING_PRUNE 256

/*===----------------------------------------------------------------------===
 * Host services (plugin.c)
 *===----------------------------------------------------------------------===*/

void ph_cl_set_host(const ph_host_api_t *host);
/* The host table init received, or NULL before init / after shutdown. */
const ph_host_api_t *ph_cl_host_ptr(void);
/* Forwards to host->log; the host decides whether it is printed. */
void ph_cl_log(ph_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*===----------------------------------------------------------------------===
 * Handles
 *===----------------------------------------------------------------------===*/

typedef struct ph_cl_program ph_cl_program_t; /* program.c */

struct ph_cl_device {
  ph_plugin_device_props_t props;
  cl_platform_id platform;
  cl_device_id id;
  cl_context context;
  /* A queue of the core's own for mem_map/mem_unmap (the ABI maps with no
   * stream; the HAL guarantees no work is pending). */
  cl_command_queue map_queue;
  char platform_name[128];
  char platform_version[128];
  size_t max_work_group;
  uint64_t local_mem_bytes;
  int fp16, fp64;
  int profiling;    /* queues are created with CL_QUEUE_PROFILING_ENABLE */
  int binary_only;  /* no compiler, or PH_OPENCL_BINARY_ONLY=1 */
  char base_options[64]; /* ph_cl_base_options: before every build's own */
  pthread_mutex_t program_lock; /* guards |programs|; held across a build */
  ph_cl_program_t *programs;    /* built programs, by (name, options) */
};

struct ph_plugin_mem {
  ph_cl_device_t *device;
  cl_mem buffer;
  uint64_t size;
  void *mapped; /* host pointer while mapped, else NULL */
};

typedef struct ph_cl_scratch_node {
  struct ph_cl_scratch_node *next;
  cl_mem buffer;
} ph_cl_scratch_node_t;

struct ph_cl_stream {
  ph_cl_device_t *device;
  cl_command_queue queue;
  /* Events of the commands enqueued since the last sync, oldest first;
   * sync (and pruning) reads their status for errors that surface only
   * when a command runs. The last one tells query whether work is
   * pending. */
  cl_event *pending;
  size_t num_pending, cap_pending;
  ph_status_t error; /* first deferred error since the last sync */
  char error_msg[PH_CL_MSG_MAX];
  ph_cl_scratch_node_t *scratch; /* released after the current launch */
};

struct ph_plugin_event {
  ph_cl_device_t *device;
  pthread_mutex_t lock;
  cl_event marker; /* latest record, retained; NULL: never recorded */
};

static inline ph_cl_device_t *ph_cl_dev(ph_plugin_device_t *d) { return (ph_cl_device_t *)d; }
static inline ph_cl_stream_t *ph_cl_str(ph_plugin_stream_t *s) { return (ph_cl_stream_t *)s; }

/*===----------------------------------------------------------------------===
 * Shared between files
 *===----------------------------------------------------------------------===*/

/* stream.c: takes ownership of |ev| (an event of a command just enqueued on
 * |s|). Returns OUT_OF_MEMORY (with a message) only when it could not keep
 * the event, after waiting for it so nothing is lost. */
ph_status_t ph_cl_stream_track(ph_cl_stream_t *s, cl_event ev);
/* stream.c: releases the scratch buffers of the launch that just returned
 * (OpenCL frees each once the commands using it complete). */
void ph_cl_stream_release_scratch(ph_cl_stream_t *s);

/* program.c: releases every program built for |dev| (device_close). */
void ph_cl_programs_release(ph_cl_device_t *dev);
/* program.c: drops the offline bundle (plugin shutdown). */
void ph_cl_programs_shutdown(void);

/* program_cache.c: the disk cache. Both degrade to "no entry" on any
 * failure (logged), never to an error. load: a program built from the
 * cached binary, or NULL. store: writes |binary| for the key. */
cl_program ph_cl_cache_load(ph_cl_device_t *dev, const char *name, const char *options,
                            const char *source, size_t source_size);
void ph_cl_cache_store(ph_cl_device_t *dev, const char *name, const char *options,
                       const char *source, size_t source_size, cl_program program);

/* program.c: a program from |binary| built for |dev| with |options|; NULL
 * (with |err| filled) when the driver refuses it. Used by the cache and the
 * bundle paths alike. */
cl_program ph_cl_program_from_binary(ph_cl_device_t *dev, const unsigned char *binary,
                                     size_t size, const char *options, char *err,
                                     size_t err_size);
/* program.c: the binary of a built single-device program, malloc'ed; NULL
 * with |err| on failure. */
unsigned char *ph_cl_program_binary(cl_program program, size_t *out_size, char *err,
                                    size_t err_size);

/* plugin.c: the path of the default bundle beside the plugin file
 * ("<dir>/libph_opencl.bundle"), or "" when it cannot be found. */
void ph_cl_default_bundle_path(char *out, size_t out_size);

/* The ABI entries, one group per file; plugin.c puts them in the table. */
ph_status_t ph_cl_device_count(size_t *out_count);
ph_status_t ph_cl_device_open(size_t index, ph_plugin_device_t **out_device);
void ph_cl_device_close(ph_plugin_device_t *device);
ph_status_t ph_cl_device_props(ph_plugin_device_t *device,
                               const ph_plugin_device_props_t **out_props);
void ph_cl_devices_release(void);

ph_status_t ph_cl_op_capability(ph_plugin_device_t *device, uint32_t op, uint32_t dtype,
                                uint32_t *out_caps);
ph_status_t ph_cl_op_check(ph_plugin_device_t *device, const ph_plugin_op_desc_t *desc);
ph_status_t ph_cl_op_launch(ph_plugin_stream_t *stream, const ph_plugin_op_desc_t *desc);

ph_status_t ph_cl_mem_alloc(ph_plugin_device_t *device, uint64_t size, uint64_t alignment,
                            uint32_t mem_kind, ph_plugin_mem_t **out_mem);
void ph_cl_mem_free(ph_plugin_device_t *device, ph_plugin_mem_t *mem);
ph_status_t ph_cl_mem_map(ph_plugin_device_t *device, ph_plugin_mem_t *mem, void **out_ptr);
ph_status_t ph_cl_mem_unmap(ph_plugin_device_t *device, ph_plugin_mem_t *mem);

ph_status_t ph_cl_copy_h2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                           uint64_t dst_offset, const void *src, uint64_t size);
ph_status_t ph_cl_copy_d2h(ph_plugin_stream_t *stream, void *dst, ph_plugin_mem_t *src,
                           uint64_t src_offset, uint64_t size);
ph_status_t ph_cl_copy_d2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                           uint64_t dst_offset, ph_plugin_mem_t *src, uint64_t src_offset,
                           uint64_t size);
ph_status_t ph_cl_memset(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst, uint64_t offset,
                         uint8_t value, uint64_t size);

ph_status_t ph_cl_stream_create(ph_plugin_device_t *device, uint32_t flags,
                                ph_plugin_stream_t **out_stream);
void ph_cl_stream_destroy(ph_plugin_stream_t *stream);
ph_status_t ph_cl_stream_sync(ph_plugin_stream_t *stream);
ph_status_t ph_cl_stream_query(ph_plugin_stream_t *stream);

ph_status_t ph_cl_event_create(ph_plugin_device_t *device, uint32_t flags,
                               ph_plugin_event_t **out_event);
void ph_cl_event_destroy(ph_plugin_event_t *event);
ph_status_t ph_cl_event_record(ph_plugin_event_t *event, ph_plugin_stream_t *stream);
ph_status_t ph_cl_stream_wait_event(ph_plugin_stream_t *stream, ph_plugin_event_t *event);
ph_status_t ph_cl_event_sync(ph_plugin_event_t *event);
ph_status_t ph_cl_event_query(ph_plugin_event_t *event);
ph_status_t ph_cl_event_elapsed(ph_plugin_event_t *start, ph_plugin_event_t *end,
                                float *out_ms);

#pragma GCC visibility pop

#endif /* PH_PLUGINS_OPENCL_OCL_H_ */
