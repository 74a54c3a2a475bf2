/*
 * A minimal but correct polyhal plugin, for loader tests.
 *
 * One device of kind OTHER whose memory is host memory; streams run work
 * synchronously at enqueue, so events always count as completed. It runs
 * one op (unary relu/neg/abs on dense f32) so the capability path has
 * something to report. Every REQUIRED entry is set; OPTIONAL ones are NULL.
 *
 * The broken test plugins are this same file built with -D flags
 * (tests/plugins/meson.build), so each differs from a working plugin in
 * exactly one way:
 *   PH_TEST_NAME                 plugin name ("test_valid")
 *   PH_TEST_INIT_NAME            the exported symbol (misspell: no init)
 *   PH_TEST_ABI_MAJOR/_MINOR     the ABI version the table claims
 *   PH_TEST_INIT_FAIL=1          init reports a device error
 *   PH_TEST_MISSING_DEVICE_OPEN=1  the REQUIRED device_open entry is NULL
 */
#include <stdlib.h>
#include <string.h>

#include "polyhal/plugin.h"

#ifndef PH_TEST_NAME
#define PH_TEST_NAME "test_valid"
#endif
#ifndef PH_TEST_INIT_NAME
#define PH_TEST_INIT_NAME ph_plugin_init
#endif
#ifndef PH_TEST_ABI_MAJOR
#define PH_TEST_ABI_MAJOR PH_PLUGIN_ABI_VERSION_MAJOR
#endif
#ifndef PH_TEST_ABI_MINOR
#define PH_TEST_ABI_MINOR PH_PLUGIN_ABI_VERSION_MINOR
#endif
#ifndef PH_TEST_INIT_FAIL
#define PH_TEST_INIT_FAIL 0
#endif
#ifndef PH_TEST_MISSING_DEVICE_OPEN
#define PH_TEST_MISSING_DEVICE_OPEN 0
#endif

#define PH_TEST_ALIGN 64u

struct ph_plugin_device {
  ph_plugin_device_props_t props;
};

struct ph_plugin_mem {
  unsigned char *ptr;
  uint64_t size;
};

struct ph_plugin_stream {
  ph_status_t error; /* first error since the last sync */
};

struct ph_plugin_event {
  int unused;
};

static const ph_host_api_t *g_host;
static struct ph_plugin_device g_device;
static int g_device_open;

/*--- devices ---------------------------------------------------------------*/

static ph_status_t t_device_count(size_t *out_count) {
  *out_count = 1;
  return PH_OK;
}

static ph_status_t t_device_open(size_t index, ph_plugin_device_t **out_device) {
  *out_device = NULL;
  if (index != 0 || g_device_open) {
    g_host->set_error(PH_ERROR_INVALID_ARGUMENT, "device %zu cannot be opened", index);
    return PH_ERROR_INVALID_ARGUMENT;
  }
  ph_plugin_device_props_t *p = &g_device.props;
  memset(p, 0, sizeof(*p));
  p->struct_size = sizeof(*p);
  strcpy(p->name, "polyhal test device (" PH_TEST_NAME ")");
  strcpy(p->vendor, "polyhal tests");
  strcpy(p->driver_version, "0.0-test");
  p->kind = PH_DEVICE_KIND_OTHER;
  p->compute_units = 1;
  p->memory_bytes = (uint64_t)1 << 30;
  p->max_alloc_bytes = (uint64_t)1 << 28;
  p->mem_kinds = PH_MEM_DEVICE;
  p->flags = PH_DEVICE_HOST_MEMORY;
  p->dtypes = (1u << PH_DTYPE_F32) | (1u << PH_DTYPE_I32);
  p->min_alignment = PH_TEST_ALIGN;
  g_device_open = 1;
  *out_device = &g_device;
  return PH_OK;
}

static void t_device_close(ph_plugin_device_t *device) {
  (void)device;
  g_device_open = 0;
}

static ph_status_t t_device_props(ph_plugin_device_t *device,
                                  const ph_plugin_device_props_t **out_props) {
  *out_props = &device->props;
  return PH_OK;
}

static ph_status_t t_op_capability(ph_plugin_device_t *device, uint32_t op,
                                   uint32_t dtype, uint32_t *out_caps) {
  (void)device;
  *out_caps = (op == PH_OP_UNARY && dtype == PH_DTYPE_F32) ? PH_OP_CAP_SUPPORTED : 0;
  return PH_OK;
}

/*--- memory ----------------------------------------------------------------*/

static ph_status_t t_mem_alloc(ph_plugin_device_t *device, uint64_t size,
                               uint64_t alignment, uint32_t mem_kind,
                               ph_plugin_mem_t **out_mem) {
  (void)device;
  *out_mem = NULL;
  if (mem_kind != PH_MEM_DEVICE) {
    g_host->set_error(PH_ERROR_UNSUPPORTED, "memory kind %u", (unsigned)mem_kind);
    return PH_ERROR_UNSUPPORTED;
  }
  if (alignment < PH_TEST_ALIGN) alignment = PH_TEST_ALIGN;
  ph_plugin_mem_t *m = calloc(1, sizeof(*m));
  void *ptr = NULL;
  if (m == NULL || size > SIZE_MAX || posix_memalign(&ptr, (size_t)alignment, (size_t)size) != 0) {
    free(m);
    g_host->set_error(PH_ERROR_OUT_OF_MEMORY, "cannot allocate %llu bytes",
                      (unsigned long long)size);
    return PH_ERROR_OUT_OF_MEMORY;
  }
  m->ptr = ptr;
  m->size = size;
  *out_mem = m;
  return PH_OK;
}

static void t_mem_free(ph_plugin_device_t *device, ph_plugin_mem_t *mem) {
  (void)device;
  if (mem == NULL) return;
  free(mem->ptr);
  free(mem);
}

/*--- streams and events: work runs at enqueue ------------------------------*/

static ph_status_t t_stream_create(ph_plugin_device_t *device, uint32_t flags,
                                   ph_plugin_stream_t **out_stream) {
  (void)device;
  (void)flags;
  *out_stream = calloc(1, sizeof(**out_stream));
  return *out_stream ? PH_OK : PH_ERROR_OUT_OF_MEMORY;
}

static void t_stream_destroy(ph_plugin_stream_t *stream) { free(stream); }

static ph_status_t t_stream_sync(ph_plugin_stream_t *stream) {
  ph_status_t st = stream->error;
  stream->error = PH_OK;
  return st;
}

static ph_status_t t_stream_query(ph_plugin_stream_t *stream) {
  (void)stream;
  return PH_OK;
}

static ph_status_t t_event_create(ph_plugin_device_t *device, uint32_t flags,
                                  ph_plugin_event_t **out_event) {
  (void)device;
  (void)flags;
  *out_event = calloc(1, sizeof(**out_event));
  return *out_event ? PH_OK : PH_ERROR_OUT_OF_MEMORY;
}

static void t_event_destroy(ph_plugin_event_t *event) { free(event); }

static ph_status_t t_event_record(ph_plugin_event_t *event, ph_plugin_stream_t *stream) {
  (void)event;
  (void)stream;
  return PH_OK;
}

static ph_status_t t_stream_wait_event(ph_plugin_stream_t *stream, ph_plugin_event_t *event) {
  (void)stream;
  (void)event;
  return PH_OK;
}

static ph_status_t t_event_sync(ph_plugin_event_t *event) {
  (void)event;
  return PH_OK;
}

static ph_status_t t_event_query(ph_plugin_event_t *event) {
  (void)event;
  return PH_OK;
}

/*--- transfers (the HAL has checked offsets and sizes) ---------------------*/

static ph_status_t t_copy_h2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                              uint64_t dst_offset, const void *src, uint64_t size) {
  (void)stream;
  memcpy(dst->ptr + dst_offset, src, (size_t)size);
  return PH_OK;
}

static ph_status_t t_copy_d2h(ph_plugin_stream_t *stream, void *dst,
                              ph_plugin_mem_t *src, uint64_t src_offset, uint64_t size) {
  (void)stream;
  memcpy(dst, src->ptr + src_offset, (size_t)size);
  return PH_OK;
}

static ph_status_t t_copy_d2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                              uint64_t dst_offset, ph_plugin_mem_t *src,
                              uint64_t src_offset, uint64_t size) {
  (void)stream;
  memmove(dst->ptr + dst_offset, src->ptr + src_offset, (size_t)size);
  return PH_OK;
}

static ph_status_t t_memset(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                            uint64_t offset, uint8_t value, uint64_t size) {
  (void)stream;
  memset(dst->ptr + offset, value, (size_t)size);
  return PH_OK;
}

/*--- the one op: dense f32 unary relu / neg / abs --------------------------*/

static int t_dense_numel(const ph_plugin_tensor_t *t, int64_t *out_n) {
  int64_t n = 1;
  for (uint32_t i = t->rank; i-- > 0;) {
    if (t->shape[i] != 1 && t->strides[i] != n) return 0;
    n *= t->shape[i];
  }
  *out_n = n;
  return 1;
}

static ph_status_t t_op_launch(ph_plugin_stream_t *stream, const ph_plugin_op_desc_t *desc) {
  (void)stream;
  const ph_unary_attrs_t *a = desc->attrs;
  int64_t n = 0, ny = 0;
  if (desc->op != PH_OP_UNARY || desc->num_inputs != 1 || desc->num_outputs != 1 ||
      a == NULL || !PH_STRUCT_HAS(a, ph_unary_attrs_t, func) ||
      desc->inputs[0]->dtype != PH_DTYPE_F32 || desc->outputs[0]->dtype != PH_DTYPE_F32 ||
      !t_dense_numel(desc->inputs[0], &n) || !t_dense_numel(desc->outputs[0], &ny) || n != ny ||
      (a->func != PH_UNARY_RELU && a->func != PH_UNARY_NEG && a->func != PH_UNARY_ABS)) {
    g_host->set_error(PH_ERROR_UNSUPPORTED, "%s runs only dense f32 relu/neg/abs", PH_TEST_NAME);
    return PH_ERROR_UNSUPPORTED;
  }
  const float *x = (const float *)(desc->inputs[0]->mem->ptr + desc->inputs[0]->offset);
  float *y = (float *)(desc->outputs[0]->mem->ptr + desc->outputs[0]->offset);
  for (int64_t i = 0; i < n; i++) {
    float v = x[i];
    if (a->func == PH_UNARY_RELU) y[i] = v > 0.0f ? v : 0.0f;
    else if (a->func == PH_UNARY_NEG) y[i] = -v;
    else y[i] = v < 0.0f ? -v : v;
  }
  return PH_OK;
}

/*--- the table and the entry point ----------------------------------------*/

static const ph_plugin_api_t g_api = {
  .struct_size = sizeof(ph_plugin_api_t),
  .abi_version = (uint32_t)((PH_TEST_ABI_MAJOR << 16) | PH_TEST_ABI_MINOR),
  .flags = 0,
  .name = PH_TEST_NAME,
  .vendor = "polyhal tests",
  .version = "0.1-test",
  .shutdown = NULL,
  .device_count = t_device_count,
  .device_open = PH_TEST_MISSING_DEVICE_OPEN ? NULL : t_device_open,
  .device_close = t_device_close,
  .device_props = t_device_props,
  .op_capability = t_op_capability,
  .op_check = NULL,
  .mem_alloc = t_mem_alloc,
  .mem_free = t_mem_free,
  .mem_map = NULL,
  .mem_unmap = NULL,
  .stream_create = t_stream_create,
  .stream_destroy = t_stream_destroy,
  .stream_sync = t_stream_sync,
  .stream_query = t_stream_query,
  .event_create = t_event_create,
  .event_destroy = t_event_destroy,
  .event_record = t_event_record,
  .stream_wait_event = t_stream_wait_event,
  .event_sync = t_event_sync,
  .event_query = t_event_query,
  .event_elapsed = NULL,
  .copy_h2d = t_copy_h2d,
  .copy_d2h = t_copy_d2h,
  .copy_d2d = t_copy_d2d,
  .memset = t_memset,
  .op_launch = t_op_launch,
};

PH_PLUGIN_EXPORT ph_status_t PH_TEST_INIT_NAME(const ph_host_api_t *host,
                                               const ph_plugin_api_t **out_api);

PH_PLUGIN_EXPORT ph_status_t PH_TEST_INIT_NAME(const ph_host_api_t *host,
                                               const ph_plugin_api_t **out_api) {
  *out_api = NULL;
  /* A real plugin refuses a HAL of another major itself. The test plugins
   * check the major of the header they were really compiled with, not the
   * one they claim, so the HAL's own ABI check is what refuses them. */
  if (host == NULL || PH_ABI_MAJOR(host->abi_version) != PH_PLUGIN_ABI_VERSION_MAJOR)
    return PH_ERROR_INCOMPATIBLE;
  g_host = host;
  if (PH_TEST_INIT_FAIL) {
    host->set_error(PH_ERROR_DEVICE, "no board found on bus 3");
    return PH_ERROR_DEVICE;
  }
  *out_api = &g_api;
  return PH_OK;
}
