/* ph_stream_*: in-order queues of asynchronous work. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool ph__stream_ok(const ph_stream_t *s) { return s && s->magic == PH_MAGIC_STREAM; }

ph_status_t ph_stream_create(ph_device_t *device, uint32_t flags, ph_stream_t **out_stream) {
  static const char fn[] = "ph_stream_create";
  ph__clear_error();
  if (!out_stream) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: out_stream is NULL", fn);
  *out_stream = NULL;
  if (!ph__device_ok(device))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: device is NULL or invalid", fn);
  if (flags != 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: flags 0x%x are reserved; pass 0", fn, flags);
  ph_stream_t *s = calloc(1, sizeof *s);
  if (!s) return ph__error(PH_ERROR_OUT_OF_MEMORY, "%s: out of host memory", fn);
  ph_status_t st = device->plugin->api->stream_create(device->handle, 0, &s->handle);
  if (st != PH_OK) {
    free(s);
    return ph__plugin_status(fn, device, st);
  }
  s->magic = PH_MAGIC_STREAM;
  s->device = device;
  s->deferred = PH_OK;
  pthread_mutex_init(&s->lock, NULL);
  if (!ph__device_add_stream(device, s)) {
    device->plugin->api->stream_destroy(s->handle);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return ph__error(PH_ERROR_OUT_OF_MEMORY, "%s: out of host memory", fn);
  }
  *out_stream = s;
  return PH_OK;
}

ph_status_t ph_stream_destroy(ph_stream_t *stream) {
  ph__clear_error();
  if (!stream) return PH_OK;
  if (!ph__stream_ok(stream))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_stream_destroy: stream is invalid");
  ph__device_remove_stream(stream->device, stream);
  stream->device->plugin->api->stream_destroy(stream->handle);
  pthread_mutex_destroy(&stream->lock);
  stream->magic = PH_MAGIC_DEAD;
  free(stream);
  ph__clear_error();
  return PH_OK;
}

ph_status_t ph_stream_sync(ph_stream_t *stream) {
  static const char fn[] = "ph_stream_sync";
  ph__clear_error();
  if (!ph__stream_ok(stream))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: stream is NULL or invalid", fn);
  pthread_mutex_lock(&stream->lock);
  ph_status_t s = stream->device->plugin->api->stream_sync(stream->handle);
  if (s == PH_OK && stream->deferred != PH_OK) {
    s = ph__error(stream->deferred, "%s", stream->deferred_msg);
    stream->deferred = PH_OK;
  }
  pthread_mutex_unlock(&stream->lock);
  return s == PH_OK ? PH_OK : ph__plugin_status(fn, stream->device, s);
}

ph_status_t ph_stream_query(ph_stream_t *stream) {
  ph__clear_error();
  if (!ph__stream_ok(stream))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_stream_query: stream is NULL or invalid");
  pthread_mutex_lock(&stream->lock);
  ph_status_t s = stream->device->plugin->api->stream_query(stream->handle);
  pthread_mutex_unlock(&stream->lock);
  if (s == PH_OK || s == PH_ERROR_NOT_READY) return s; /* NOT_READY is an answer, no failure */
  return ph__plugin_status("ph_stream_query", stream->device, s);
}

ph_status_t ph_stream_wait_event(ph_stream_t *stream, ph_event_t *event) {
  static const char fn[] = "ph_stream_wait_event";
  ph__clear_error();
  if (!ph__stream_ok(stream))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: stream is NULL or invalid", fn);
  if (!ph__event_ok(event))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: event is NULL or invalid", fn);
  if (event->device != stream->device)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: event is on device %s but the stream is on %s",
                     fn, event->device->id, stream->device->id);
  pthread_mutex_lock(&stream->lock);
  ph_status_t s = stream->device->plugin->api->stream_wait_event(stream->handle, event->handle);
  pthread_mutex_unlock(&stream->lock);
  return s == PH_OK ? PH_OK : ph__plugin_status(fn, stream->device, s);
}

ph_status_t ph_stream_get_device(const ph_stream_t *stream, ph_device_t **out_device) {
  ph__clear_error();
  if (!out_device)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_stream_get_device: out_device is NULL");
  *out_device = NULL;
  if (!ph__stream_ok(stream))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_stream_get_device: stream is NULL or invalid");
  *out_device = stream->device;
  return PH_OK;
}
