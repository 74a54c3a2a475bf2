/*
 * Events: a record is a marker (clEnqueueMarkerWithWaitList with no wait
 * list: it completes when everything before it on the queue has), whose
 * cl_event the event keeps. A wait is a barrier on the waiting stream's
 * queue naming that cl_event. A never-recorded event counts as completed.
 *
 * Lifetime: the event holds one reference to its latest marker; OpenCL
 * keeps a marker alive while a barrier waits on it, so event_destroy with
 * records or waits pending is safe.
 */
#include <stdlib.h>

#include "ocl.h"

ph_status_t ph_cl_event_create(ph_plugin_device_t *device, uint32_t flags,
                               ph_plugin_event_t **out_event) {
  ph_cl_device_t *dev = ph_cl_dev(device);
  if (out_event == NULL || dev == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl event_create: NULL argument");
  *out_event = NULL;
  if (flags != 0)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl event_create: flags 0x%x are reserved and must be 0", flags);
  ph_plugin_event_t *e = calloc(1, sizeof(*e));
  if (e == NULL)
    return ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl event_create: out of host memory");
  e->device = dev;
  pthread_mutex_init(&e->lock, NULL);
  *out_event = e;
  return PH_OK;
}

void ph_cl_event_destroy(ph_plugin_event_t *event) {
  if (event == NULL) return;
  if (event->marker != NULL) clReleaseEvent(event->marker);
  pthread_mutex_destroy(&event->lock);
  free(event);
}

/* The latest marker with a reference for the caller, or NULL. */
static cl_event ph_cl_event_marker(ph_plugin_event_t *e) {
  pthread_mutex_lock(&e->lock);
  cl_event m = e->marker;
  if (m != NULL) clRetainEvent(m);
  pthread_mutex_unlock(&e->lock);
  return m;
}

ph_status_t ph_cl_event_record(ph_plugin_event_t *event, ph_plugin_stream_t *stream) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (event == NULL || s == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl event_record: NULL argument");
  if (s->device != event->device)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl event_record: the event and stream belong to different devices");
  cl_event m = NULL;
  cl_int rc = clEnqueueMarkerWithWaitList(s->queue, 0, NULL, &m);
  /* Another queue may wait on the marker: the spec asks for a flush so the
   * commands it stands for are submitted. */
  if (rc == CL_SUCCESS) rc = clFlush(s->queue);
  if (rc != CL_SUCCESS) {
    if (m != NULL) clReleaseEvent(m);
    return ph_cl_error(PH_ERROR_DEVICE, "opencl event_record: enqueueing a marker failed (%s)",
                       ph_cl_code_name(rc));
  }
  clRetainEvent(m); /* one reference for the stream's error tracking */
  pthread_mutex_lock(&event->lock);
  cl_event old = event->marker;
  event->marker = m;
  pthread_mutex_unlock(&event->lock);
  if (old != NULL) clReleaseEvent(old);
  return ph_cl_stream_track(s, m);
}

ph_status_t ph_cl_stream_wait_event(ph_plugin_stream_t *stream, ph_plugin_event_t *event) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (event == NULL || s == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl stream_wait_event: NULL argument");
  if (s->device != event->device)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl stream_wait_event: the event and stream belong to different "
                       "devices");
  cl_event m = ph_cl_event_marker(event);
  if (m == NULL) return PH_OK; /* never recorded: nothing to wait for */
  cl_event barrier = NULL;
  cl_int rc = clEnqueueBarrierWithWaitList(s->queue, 1, &m, &barrier);
  clReleaseEvent(m);
  if (rc != CL_SUCCESS)
    return ph_cl_error(PH_ERROR_DEVICE,
                       "opencl stream_wait_event: enqueueing a barrier failed (%s)",
                       ph_cl_code_name(rc));
  return ph_cl_stream_track(s, barrier);
}

/* CL_COMPLETE, a positive "still running" status, or a negative error. */
static cl_int ph_cl_marker_status(cl_event m) {
  cl_int status = CL_COMPLETE;
  cl_int rc = clGetEventInfo(m, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(status), &status,
                             NULL);
  return rc != CL_SUCCESS ? rc : status;
}

ph_status_t ph_cl_event_sync(ph_plugin_event_t *event) {
  if (event == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl event_sync: event is NULL");
  cl_event m = ph_cl_event_marker(event);
  if (m == NULL) return PH_OK;
  cl_int rc = clWaitForEvents(1, &m);
  clReleaseEvent(m);
  /* A failure before the marker is the stream's to report at its sync;
   * here only a failure to wait at all is an error. */
  if (rc != CL_SUCCESS && rc != CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
    return ph_cl_error(PH_ERROR_DEVICE, "opencl event_sync: clWaitForEvents failed (%s)",
                       ph_cl_code_name(rc));
  return PH_OK;
}

ph_status_t ph_cl_event_query(ph_plugin_event_t *event) {
  if (event == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl event_query: event is NULL");
  cl_event m = ph_cl_event_marker(event);
  if (m == NULL) return PH_OK;
  cl_int status = ph_cl_marker_status(m);
  clReleaseEvent(m);
  return status == CL_COMPLETE || status < 0 ? PH_OK : PH_ERROR_NOT_READY;
}

ph_status_t ph_cl_event_elapsed(ph_plugin_event_t *start, ph_plugin_event_t *end,
                                float *out_ms) {
  if (out_ms != NULL) *out_ms = 0.0f;
  if (start == NULL || end == NULL || out_ms == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl event_elapsed: NULL argument");
  if (start->device != end->device)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl event_elapsed: the events belong to different devices");
  if (!start->device->profiling)
    return ph_cl_error(PH_ERROR_UNSUPPORTED,
                       "opencl event_elapsed: \"%s\" has no profiling timers",
                       start->device->props.name);
  cl_event ms = ph_cl_event_marker(start), me = ph_cl_event_marker(end);
  ph_status_t st = PH_OK;
  if (ms == NULL || me == NULL) {
    st = ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl event_elapsed: the %s event was never recorded",
                     ms == NULL ? "start" : "end");
    goto done;
  }
  cl_int ss = ph_cl_marker_status(ms), se = ph_cl_marker_status(me);
  if (ss < 0 || se < 0) {
    st = ph_cl_error(PH_ERROR_DEVICE, "opencl event_elapsed: the %s event failed (%s)",
                     ss < 0 ? "start" : "end", ph_cl_code_name(ss < 0 ? ss : se));
    goto done;
  }
  if (ss != CL_COMPLETE || se != CL_COMPLETE) {
    st = ph_cl_error(PH_ERROR_NOT_READY, "opencl event_elapsed: the %s event is pending",
                     ss != CL_COMPLETE ? "start" : "end");
    goto done;
  }
  /* END of a marker: the moment everything before it had completed. */
  cl_ulong t0 = 0, t1 = 0;
  cl_int rc = clGetEventProfilingInfo(ms, CL_PROFILING_COMMAND_END, sizeof(t0), &t0, NULL);
  if (rc == CL_SUCCESS)
    rc = clGetEventProfilingInfo(me, CL_PROFILING_COMMAND_END, sizeof(t1), &t1, NULL);
  if (rc != CL_SUCCESS) {
    st = ph_cl_error(PH_ERROR_DEVICE,
                     "opencl event_elapsed: clGetEventProfilingInfo failed (%s)",
                     ph_cl_code_name(rc));
    goto done;
  }
  *out_ms = (float)(((double)t1 - (double)t0) / 1e6);
done:
  if (ms != NULL) clReleaseEvent(ms);
  if (me != NULL) clReleaseEvent(me);
  return st;
}
