/* ph_device_*: properties, op capabilities and the device's stream list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ph_stream_node {
  ph_stream_t *stream;
  ph_stream_node_t *next;
};

bool ph__device_ok(const ph_device_t *d) { return d && d->magic == PH_MAGIC_DEVICE; }

ph_status_t ph__plugin_status(const char *fn, const ph_device_t *device, ph_status_t status) {
  if (ph__error_is_set()) {
    ph__error_prefix(fn);
    return status;
  }
  return ph__error(status, "%s: plugin '%s' (device %s) failed with %s", fn,
                   device->plugin->api->name, device->id, ph_status_string(status));
}

static void copy_str(char *dst, size_t cap, const char *src, size_t src_cap) {
  size_t n = strnlen(src, src_cap);
  if (n >= cap) n = cap - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

void ph__device_cache_props(ph_device_t *device) {
  const ph_plugin_device_props_t *p = device->props;
  ph_device_props_t *o = &device->info;
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  snprintf(o->id, sizeof o->id, "%s", device->id);
  snprintf(o->plugin, sizeof o->plugin, "%s", device->plugin->api->name);
  /* Read each plugin field only if the plugin's struct holds it. */
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, name)) copy_str(o->name, sizeof o->name, p->name, sizeof p->name);
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, vendor)) copy_str(o->vendor, sizeof o->vendor, p->vendor, sizeof p->vendor);
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, driver_version))
    copy_str(o->driver_version, sizeof o->driver_version, p->driver_version, sizeof p->driver_version);
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, kind)) o->kind = p->kind;
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, compute_units)) o->compute_units = p->compute_units;
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, memory_bytes)) o->memory_bytes = p->memory_bytes;
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, max_alloc_bytes)) o->max_alloc_bytes = p->max_alloc_bytes;
  o->mem_kinds = PH_MEM_DEVICE;
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, mem_kinds)) o->mem_kinds |= p->mem_kinds;
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, flags)) o->flags = p->flags;
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, dtypes)) o->dtypes = p->dtypes;
  if (PH_STRUCT_HAS(p, ph_plugin_device_props_t, min_alignment)) o->min_alignment = p->min_alignment;
}

ph_status_t ph_device_get_props(const ph_device_t *device, ph_device_props_t *out_props) {
  ph__clear_error();
  if (!ph__device_ok(device))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_get_props: device is NULL or invalid");
  if (!out_props)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_get_props: out_props is NULL");
  /* Version 1 of the struct ends at min_alignment; a caller built against
   * a later, larger header gets the fields this library knows. */
  const size_t v1 = offsetof(ph_device_props_t, min_alignment) + sizeof(uint32_t);
  if (out_props->struct_size < v1)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "ph_device_get_props: out_props->struct_size (%zu) is too small; set it "
                     "to sizeof(ph_device_props_t)", out_props->struct_size);
  /* Write no byte past what the caller's struct holds. */
  size_t n = out_props->struct_size < sizeof device->info ? out_props->struct_size
                                                          : sizeof device->info;
  memcpy(out_props, &device->info, n);
  out_props->struct_size = n;
  return PH_OK;
}

ph_status_t ph_device_op_caps(const ph_device_t *device, uint32_t op, uint32_t dtype,
                              uint32_t *out_caps) {
  ph__clear_error();
  if (!out_caps) return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_op_caps: out_caps is NULL");
  *out_caps = 0;
  if (!ph__device_ok(device))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_op_caps: device is NULL or invalid");
  if (op == PH_OP_INVALID || op >= PH_OP_COUNT_)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_op_caps: op %u is not an op kind", op);
  if (dtype == PH_DTYPE_INVALID || dtype >= PH_DTYPE_COUNT_)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_op_caps: dtype %u is not a dtype", dtype);
  ph_status_t s = device->plugin->api->op_capability(device->handle, op, dtype, out_caps);
  if (s != PH_OK) {
    *out_caps = 0;
    return ph__plugin_status("ph_device_op_caps", device, s);
  }
  return PH_OK;
}

bool ph__device_add_stream(ph_device_t *device, ph_stream_t *stream) {
  ph_stream_node_t *node = malloc(sizeof *node);
  if (!node) return false;
  pthread_mutex_lock(&device->lock);
  node->stream = stream;
  node->next = device->streams;
  device->streams = node;
  pthread_mutex_unlock(&device->lock);
  return true;
}

void ph__device_remove_stream(ph_device_t *device, ph_stream_t *stream) {
  pthread_mutex_lock(&device->lock);
  for (ph_stream_node_t **p = &device->streams; *p; p = &(*p)->next) {
    if ((*p)->stream == stream) {
      ph_stream_node_t *dead = *p;
      *p = dead->next;
      free(dead);
      break;
    }
  }
  pthread_mutex_unlock(&device->lock);
}

void ph__device_sync_all(ph_device_t *device) {
  /* Holding the device lock keeps streams from being destroyed meanwhile;
   * stream_destroy takes it before freeing. */
  pthread_mutex_lock(&device->lock);
  for (ph_stream_node_t *n = device->streams; n; n = n->next) {
    ph_stream_t *st = n->stream;
    pthread_mutex_lock(&st->lock);
    ph_status_t s = device->plugin->api->stream_sync(st->handle);
    /* Keep the error for the caller's next ph_stream_sync: nothing lost. */
    if (s != PH_OK && st->deferred == PH_OK) {
      st->deferred = s;
      snprintf(st->deferred_msg, sizeof st->deferred_msg, "%s",
               ph__error_is_set() ? ph_last_error() : "");
    }
    pthread_mutex_unlock(&st->lock);
  }
  pthread_mutex_unlock(&device->lock);
  ph__clear_error();
}
