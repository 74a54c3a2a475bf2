/* ph_buffer_*: device memory and the transfers that move it. */
#include <stdlib.h>

#include "internal.h"

bool ph__buffer_ok(const ph_buffer_t *b) { return b && b->magic == PH_MAGIC_BUFFER; }

/* |offset| + |size| within a buffer of |total| bytes, without overflow. */
static bool in_range(uint64_t total, uint64_t offset, uint64_t size) {
  return offset <= total && size <= total - offset;
}

ph_status_t ph_buffer_alloc(ph_device_t *device, uint64_t size, uint32_t mem_kind,
                            ph_buffer_t **out_buffer) {
  static const char fn[] = "ph_buffer_alloc";
  ph__clear_error();
  if (!out_buffer) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: out_buffer is NULL", fn);
  *out_buffer = NULL;
  if (!ph__device_ok(device))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: device is NULL or invalid", fn);
  if (size == 0) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: size 0 is invalid", fn);
  if (mem_kind == 0) mem_kind = PH_MEM_DEVICE;
  const ph_device_props_t *props = &device->info;
  if ((mem_kind & (mem_kind - 1)) != 0 || !(mem_kind & props->mem_kinds))
    return ph__error(PH_ERROR_UNSUPPORTED,
                     "%s: memory kind 0x%x is not one kind device %s offers (0x%x)", fn,
                     mem_kind, device->id, props->mem_kinds);
  if (props->max_alloc_bytes && size > props->max_alloc_bytes)
    return ph__error(PH_ERROR_OUT_OF_RANGE,
                     "%s: size %llu exceeds device %s's max allocation %llu bytes", fn,
                     (unsigned long long)size, device->id,
                     (unsigned long long)props->max_alloc_bytes);
  ph_buffer_t *b = calloc(1, sizeof *b);
  if (!b) return ph__error(PH_ERROR_OUT_OF_MEMORY, "%s: out of host memory", fn);
  uint64_t align = props->min_alignment ? props->min_alignment : 1;
  ph_status_t s = device->plugin->api->mem_alloc(device->handle, size, align, mem_kind, &b->mem);
  if (s != PH_OK) {
    free(b);
    return ph__plugin_status(fn, device, s);
  }
  b->magic = PH_MAGIC_BUFFER;
  b->device = device;
  b->size = size;
  b->mem_kind = mem_kind;
  pthread_mutex_init(&b->lock, NULL);
  *out_buffer = b;
  return PH_OK;
}

ph_status_t ph_buffer_free(ph_buffer_t *buffer) {
  ph__clear_error();
  if (!buffer) return PH_OK;
  if (!ph__buffer_ok(buffer))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_buffer_free: buffer is invalid");
  ph_device_t *d = buffer->device;
  const ph_plugin_api_t *api = d->plugin->api;
  ph__device_sync_all(d);
  if (buffer->mapped) api->mem_unmap(d->handle, buffer->mem);
  api->mem_free(d->handle, buffer->mem);
  pthread_mutex_destroy(&buffer->lock);
  buffer->magic = PH_MAGIC_DEAD;
  free(buffer);
  ph__clear_error();
  return PH_OK;
}

ph_status_t ph_buffer_get_size(const ph_buffer_t *buffer, uint64_t *out_size) {
  ph__clear_error();
  if (!out_size) return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_buffer_get_size: out_size is NULL");
  *out_size = 0;
  if (!ph__buffer_ok(buffer))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_buffer_get_size: buffer is NULL or invalid");
  *out_size = buffer->size;
  return PH_OK;
}

ph_status_t ph_buffer_get_device(const ph_buffer_t *buffer, ph_device_t **out_device) {
  ph__clear_error();
  if (!out_device)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_buffer_get_device: out_device is NULL");
  *out_device = NULL;
  if (!ph__buffer_ok(buffer))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_buffer_get_device: buffer is NULL or invalid");
  *out_device = buffer->device;
  return PH_OK;
}

ph_status_t ph_buffer_map(ph_buffer_t *buffer, void **out_ptr) {
  static const char fn[] = "ph_buffer_map";
  ph__clear_error();
  if (!out_ptr) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: out_ptr is NULL", fn);
  *out_ptr = NULL;
  if (!ph__buffer_ok(buffer))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: buffer is NULL or invalid", fn);
  const ph_plugin_api_t *api = buffer->device->plugin->api;
  if (!(buffer->mem_kind & (PH_MEM_HOST_VISIBLE | PH_MEM_UNIFIED)))
    return ph__error(PH_ERROR_UNSUPPORTED, "%s: the buffer is not host-visible; allocate it "
                     "with PH_MEM_HOST_VISIBLE or PH_MEM_UNIFIED", fn);
  if (!PH_STRUCT_HAS(api, ph_plugin_api_t, mem_map) || !api->mem_map)
    return ph__error(PH_ERROR_UNSUPPORTED, "%s: plugin '%s' cannot map memory", fn, api->name);
  pthread_mutex_lock(&buffer->lock);
  ph_status_t s;
  if (buffer->mapped) {
    s = ph__error(PH_ERROR_INVALID_STATE, "%s: the buffer is already mapped", fn);
  } else {
    s = api->mem_map(buffer->device->handle, buffer->mem, out_ptr);
    if (s == PH_OK) buffer->mapped = true;
    else s = ph__plugin_status(fn, buffer->device, s);
  }
  pthread_mutex_unlock(&buffer->lock);
  return s;
}

ph_status_t ph_buffer_unmap(ph_buffer_t *buffer) {
  static const char fn[] = "ph_buffer_unmap";
  ph__clear_error();
  if (!ph__buffer_ok(buffer))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: buffer is NULL or invalid", fn);
  pthread_mutex_lock(&buffer->lock);
  ph_status_t s;
  if (!buffer->mapped) {
    s = ph__error(PH_ERROR_INVALID_STATE, "%s: the buffer is not mapped", fn);
  } else {
    s = buffer->device->plugin->api->mem_unmap(buffer->device->handle, buffer->mem);
    if (s == PH_OK) buffer->mapped = false;
    else s = ph__plugin_status(fn, buffer->device, s);
  }
  pthread_mutex_unlock(&buffer->lock);
  return s;
}

/* Common checks of a transfer: a valid stream, buffers of its device and
 * ranges inside them. */
static ph_status_t check_transfer(const char *fn, const ph_stream_t *stream,
                                  const ph_buffer_t *buf, const char *what, uint64_t offset,
                                  uint64_t size) {
  if (!ph__stream_ok(stream))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: stream is NULL or invalid", fn);
  if (!ph__buffer_ok(buf))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s buffer is NULL or invalid", fn, what);
  if (buf->device != stream->device)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: %s buffer is on device %s but the stream is on %s", fn, what,
                     buf->device->id, stream->device->id);
  if (!in_range(buf->size, offset, size))
    return ph__error(PH_ERROR_OUT_OF_RANGE,
                     "%s: %s range [%llu, +%llu) exceeds the buffer's %llu bytes", fn, what,
                     (unsigned long long)offset, (unsigned long long)size,
                     (unsigned long long)buf->size);
  return PH_OK;
}

/* Reports a failed plugin enqueue with the plugin's message. */
static ph_status_t finish(const char *fn, ph_stream_t *stream, ph_status_t s) {
  return s == PH_OK ? PH_OK : ph__plugin_status(fn, stream->device, s);
}

ph_status_t ph_buffer_write(ph_stream_t *stream, ph_buffer_t *dst, uint64_t dst_offset,
                            const void *src, uint64_t size) {
  static const char fn[] = "ph_buffer_write";
  ph__clear_error();
  ph_status_t s = check_transfer(fn, stream, dst, "destination", dst_offset, size);
  if (s != PH_OK) return s;
  if (!src && size) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: src is NULL", fn);
  if (size == 0) return PH_OK;
  pthread_mutex_lock(&stream->lock);
  s = stream->device->plugin->api->copy_h2d(stream->handle, dst->mem, dst_offset, src, size);
  pthread_mutex_unlock(&stream->lock);
  return finish(fn, stream, s);
}

ph_status_t ph_buffer_read(ph_stream_t *stream, void *dst, ph_buffer_t *src, uint64_t src_offset,
                           uint64_t size) {
  static const char fn[] = "ph_buffer_read";
  ph__clear_error();
  ph_status_t s = check_transfer(fn, stream, src, "source", src_offset, size);
  if (s != PH_OK) return s;
  if (!dst && size) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: dst is NULL", fn);
  if (size == 0) return PH_OK;
  pthread_mutex_lock(&stream->lock);
  s = stream->device->plugin->api->copy_d2h(stream->handle, dst, src->mem, src_offset, size);
  pthread_mutex_unlock(&stream->lock);
  return finish(fn, stream, s);
}

ph_status_t ph_buffer_copy(ph_stream_t *stream, ph_buffer_t *dst, uint64_t dst_offset,
                           ph_buffer_t *src, uint64_t src_offset, uint64_t size) {
  static const char fn[] = "ph_buffer_copy";
  ph__clear_error();
  ph_status_t s = check_transfer(fn, stream, dst, "destination", dst_offset, size);
  if (s == PH_OK) s = check_transfer(fn, stream, src, "source", src_offset, size);
  if (s != PH_OK) return s;
  if (dst == src && dst_offset < src_offset + size && src_offset < dst_offset + size)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: source and destination ranges overlap", fn);
  if (size == 0) return PH_OK;
  pthread_mutex_lock(&stream->lock);
  s = stream->device->plugin->api->copy_d2d(stream->handle, dst->mem, dst_offset, src->mem,
                                            src_offset, size);
  pthread_mutex_unlock(&stream->lock);
  return finish(fn, stream, s);
}

ph_status_t ph_buffer_fill(ph_stream_t *stream, ph_buffer_t *dst, uint64_t offset, uint8_t value,
                           uint64_t size) {
  static const char fn[] = "ph_buffer_fill";
  ph__clear_error();
  ph_status_t s = check_transfer(fn, stream, dst, "destination", offset, size);
  if (s != PH_OK) return s;
  if (size == 0) return PH_OK;
  pthread_mutex_lock(&stream->lock);
  s = stream->device->plugin->api->memset(stream->handle, dst->mem, offset, value, size);
  pthread_mutex_unlock(&stream->lock);
  return finish(fn, stream, s);
}
