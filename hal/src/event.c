/* ph_event_*: points in a stream's work, for ordering and timing. */
#include <stdlib.h>

#include "internal.h"

bool ph__event_ok(const ph_event_t *e) { return e && e->magic == PH_MAGIC_EVENT; }

ph_status_t ph_event_create(ph_device_t *device, uint32_t flags, ph_event_t **out_event) {
  static const char fn[] = "ph_event_create";
  ph__clear_error();
  if (!out_event) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: out_event is NULL", fn);
  *out_event = NULL;
  if (!ph__device_ok(device))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: device is NULL or invalid", fn);
  if (flags != 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: flags 0x%x are reserved; pass 0", fn, flags);
  ph_event_t *e = calloc(1, sizeof *e);
  if (!e) return ph__error(PH_ERROR_OUT_OF_MEMORY, "%s: out of host memory", fn);
  ph_status_t s = device->plugin->api->event_create(device->handle, 0, &e->handle);
  if (s != PH_OK) {
    free(e);
    return ph__plugin_status(fn, device, s);
  }
  e->magic = PH_MAGIC_EVENT;
  e->device = device;
  *out_event = e;
  return PH_OK;
}

ph_status_t ph_event_destroy(ph_event_t *event) {
  ph__clear_error();
  if (!event) return PH_OK;
  if (!ph__event_ok(event))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_event_destroy: event is invalid");
  event->device->plugin->api->event_destroy(event->handle);
  event->magic = PH_MAGIC_DEAD;
  free(event);
  return PH_OK;
}

ph_status_t ph_event_record(ph_event_t *event, ph_stream_t *stream) {
  static const char fn[] = "ph_event_record";
  ph__clear_error();
  if (!ph__event_ok(event))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: event is NULL or invalid", fn);
  if (!ph__stream_ok(stream))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: stream is NULL or invalid", fn);
  if (event->device != stream->device)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: event is on device %s but the stream is on %s",
                     fn, event->device->id, stream->device->id);
  pthread_mutex_lock(&stream->lock);
  ph_status_t s = stream->device->plugin->api->event_record(event->handle, stream->handle);
  pthread_mutex_unlock(&stream->lock);
  return s == PH_OK ? PH_OK : ph__plugin_status(fn, stream->device, s);
}

ph_status_t ph_event_sync(ph_event_t *event) {
  ph__clear_error();
  if (!ph__event_ok(event))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_event_sync: event is NULL or invalid");
  ph_status_t s = event->device->plugin->api->event_sync(event->handle);
  return s == PH_OK ? PH_OK : ph__plugin_status("ph_event_sync", event->device, s);
}

ph_status_t ph_event_query(ph_event_t *event) {
  ph__clear_error();
  if (!ph__event_ok(event))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_event_query: event is NULL or invalid");
  ph_status_t s = event->device->plugin->api->event_query(event->handle);
  if (s == PH_OK || s == PH_ERROR_NOT_READY) return s;
  return ph__plugin_status("ph_event_query", event->device, s);
}

ph_status_t ph_event_elapsed_ms(ph_event_t *start, ph_event_t *end, float *out_ms) {
  static const char fn[] = "ph_event_elapsed_ms";
  ph__clear_error();
  if (!out_ms) return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: out_ms is NULL", fn);
  *out_ms = 0.0f;
  if (!ph__event_ok(start) || !ph__event_ok(end))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: start or end event is NULL or invalid", fn);
  if (start->device != end->device)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: events are on different devices (%s, %s)",
                     fn, start->device->id, end->device->id);
  const ph_device_t *d = start->device;
  const ph_plugin_api_t *api = d->plugin->api;
  if (!(d->info.flags & PH_DEVICE_TIMERS) || !PH_STRUCT_HAS(api, ph_plugin_api_t, event_elapsed) ||
      !api->event_elapsed)
    return ph__error(PH_ERROR_UNSUPPORTED, "%s: device %s has no event timers", fn, d->id);
  ph_status_t s = api->event_elapsed(start->handle, end->handle, out_ms);
  if (s == PH_ERROR_NOT_READY && !ph__error_is_set())
    return ph__error(s, "%s: an event has not completed yet", fn);
  return s == PH_OK ? PH_OK : ph__plugin_status(fn, d, s);
}
