/*
 * Streams: one in-order cl_command_queue each, with profiling enabled when
 * the device offers it (event_elapsed reads command end times).
 *
 * Errors of enqueued work: an enqueue that fails at once returns its error.
 * One that fails while running only shows in its event's status, so each
 * stream keeps the events of the commands enqueued since the last sync and
 * stream_sync reports the first negative status among them. Completed
 * events are pruned as the list grows, so a long run between syncs holds a
 * bounded number of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl.h"

ph_cl_device_t *ph_cl_stream_device(ph_cl_stream_t *s) { return s->device; }

/* A status for an enqueue that the driver refused. */
static ph_status_t ph_cl_enqueue_status(cl_int rc) {
  switch (rc) {
    case CL_OUT_OF_HOST_MEMORY:
    case CL_MEM_OBJECT_ALLOCATION_FAILURE: return PH_ERROR_OUT_OF_MEMORY;
    default: return PH_ERROR_DEVICE;
  }
}

/* Reads |ev|'s status; a negative one becomes the stream's deferred error
 * (the first one wins). Returns the status. */
static cl_int ph_cl_event_check(ph_cl_stream_t *s, cl_event ev) {
  cl_int status = CL_COMPLETE;
  cl_int rc = clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(status), &status,
                             NULL);
  if (rc != CL_SUCCESS) status = rc; /* cannot tell: treat the failure as the command's */
  if (status < 0 && s->error == PH_OK) {
    cl_command_type type = 0;
    clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type, NULL);
    s->error = PH_ERROR_DEVICE;
    snprintf(s->error_msg, sizeof(s->error_msg),
             "a command (CL command type 0x%x) failed on the device (%s)", (unsigned)type,
             ph_cl_code_name(status));
  }
  return status;
}

/* Drops completed (or failed) events, keeping the rest in order. */
static void ph_cl_stream_prune(ph_cl_stream_t *s) {
  size_t keep = 0;
  for (size_t i = 0; i < s->num_pending; ++i) {
    cl_int status = ph_cl_event_check(s, s->pending[i]);
    if (status == CL_COMPLETE || status < 0) clReleaseEvent(s->pending[i]);
    else s->pending[keep++] = s->pending[i];
  }
  s->num_pending = keep;
}

ph_status_t ph_cl_stream_track(ph_cl_stream_t *s, cl_event ev) {
  if (ev == NULL) return PH_OK;
  if (s->num_pending >= PH_CL_PENDING_PRUNE) ph_cl_stream_prune(s);
  if (s->num_pending == s->cap_pending) {
    size_t cap = s->cap_pending ? s->cap_pending * 2 : 64;
    cl_event *grown = realloc(s->pending, cap * sizeof(*grown));
    if (grown == NULL) {
      /* Keep the promise that sync sees its status: wait for it now. */
      clWaitForEvents(1, &ev);
      ph_cl_event_check(s, ev);
      clReleaseEvent(ev);
      return ph_cl_error(PH_ERROR_OUT_OF_MEMORY,
                         "opencl: out of host memory tracking a command (it ran)");
    }
    s->pending = grown;
    s->cap_pending = cap;
  }
  s->pending[s->num_pending++] = ev;
  return PH_OK;
}

void ph_cl_stream_release_scratch(ph_cl_stream_t *s) {
  while (s->scratch != NULL) {
    ph_cl_scratch_node_t *n = s->scratch;
    s->scratch = n->next;
    /* Deferred by OpenCL until the commands that use it complete. */
    clReleaseMemObject(n->buffer);
    free(n);
  }
}

ph_status_t ph_cl_scratch(ph_cl_stream_t *s, size_t bytes, cl_mem *out_mem) {
  if (out_mem != NULL) *out_mem = NULL;
  if (s == NULL || out_mem == NULL || bytes == 0)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl scratch: NULL argument or 0 bytes");
  ph_cl_scratch_node_t *n = malloc(sizeof(*n));
  if (n == NULL) return ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl scratch: out of host memory");
  cl_int rc = CL_SUCCESS;
  n->buffer = clCreateBuffer(s->device->context, CL_MEM_READ_WRITE, bytes, NULL, &rc);
  if (n->buffer == NULL || rc != CL_SUCCESS) {
    free(n);
    return ph_cl_error(rc == CL_INVALID_BUFFER_SIZE ? PH_ERROR_OUT_OF_MEMORY
                                                    : ph_cl_enqueue_status(rc),
                       "opencl scratch: clCreateBuffer of %zu bytes failed (%s)", bytes,
                       ph_cl_code_name(rc));
  }
  n->next = s->scratch;
  s->scratch = n;
  *out_mem = n->buffer;
  return PH_OK;
}

ph_status_t ph_cl_enqueue(ph_cl_stream_t *s, cl_kernel kernel, cl_uint dims,
                          const size_t *global, const size_t *local) {
  if (s == NULL || kernel == NULL || global == NULL || dims == 0 || dims > 3)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl enqueue: bad arguments");
  size_t g[3];
  for (cl_uint i = 0; i < dims; ++i) {
    if (global[i] == 0) return PH_OK; /* an empty range: nothing to run */
    g[i] = global[i];
    if (local != NULL) {
      if (local[i] == 0)
        return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl enqueue: local size 0");
      g[i] = (g[i] + local[i] - 1) / local[i] * local[i];
    }
  }
  cl_event ev = NULL;
  cl_int rc = clEnqueueNDRangeKernel(s->queue, kernel, dims, NULL, g, local, 0, NULL, &ev);
  if (rc != CL_SUCCESS) {
    char name[128] = "?";
    clGetKernelInfo(kernel, CL_KERNEL_FUNCTION_NAME, sizeof(name), name, NULL);
    name[sizeof(name) - 1] = '\0';
    return ph_cl_error(ph_cl_enqueue_status(rc),
                       "opencl: clEnqueueNDRangeKernel(%s, global %zu x %zu x %zu) failed (%s)",
                       name, g[0], dims > 1 ? g[1] : 1, dims > 2 ? g[2] : 1,
                       ph_cl_code_name(rc));
  }
  return ph_cl_stream_track(s, ev);
}

ph_status_t ph_cl_arg(cl_kernel kernel, const char *kernel_name, cl_uint index, size_t size,
                      const void *value) {
  cl_int rc = clSetKernelArg(kernel, index, size, value);
  if (rc != CL_SUCCESS)
    return ph_cl_error(rc == CL_OUT_OF_HOST_MEMORY ? PH_ERROR_OUT_OF_MEMORY : PH_ERROR_INTERNAL,
                       "opencl: clSetKernelArg(%s, arg %u, %zu bytes) failed (%s)",
                       kernel_name != NULL ? kernel_name : "?", (unsigned)index, size,
                       ph_cl_code_name(rc));
  return PH_OK;
}

ph_status_t ph_cl_stream_create(ph_plugin_device_t *device, uint32_t flags,
                                ph_plugin_stream_t **out_stream) {
  ph_cl_device_t *dev = ph_cl_dev(device);
  if (out_stream == NULL || dev == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl stream_create: NULL argument");
  *out_stream = NULL;
  if (flags != 0)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl stream_create: flags 0x%x are reserved and must be 0", flags);
  ph_cl_stream_t *s = calloc(1, sizeof(*s));
  if (s == NULL)
    return ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl stream_create: out of host memory");
  cl_int rc = CL_SUCCESS;
  cl_command_queue_properties props = dev->profiling ? CL_QUEUE_PROFILING_ENABLE : 0;
  s->queue = clCreateCommandQueue(dev->context, dev->id, props, &rc);
  if (s->queue == NULL || rc != CL_SUCCESS) {
    free(s);
    return ph_cl_error(ph_cl_enqueue_status(rc),
                       "opencl stream_create: clCreateCommandQueue failed (%s)",
                       ph_cl_code_name(rc));
  }
  s->device = dev;
  *out_stream = (ph_plugin_stream_t *)s;
  return PH_OK;
}

/* Waits for everything, collects deferred errors and drops the events. */
static cl_int ph_cl_stream_drain(ph_cl_stream_t *s) {
  cl_int rc = clFinish(s->queue);
  for (size_t i = 0; i < s->num_pending; ++i) {
    ph_cl_event_check(s, s->pending[i]);
    clReleaseEvent(s->pending[i]);
  }
  s->num_pending = 0;
  ph_cl_stream_release_scratch(s);
  return rc;
}

void ph_cl_stream_destroy(ph_plugin_stream_t *stream) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (s == NULL) return;
  cl_int rc = ph_cl_stream_drain(s);
  if (rc != CL_SUCCESS)
    ph_cl_log(PH_LOG_WARN, "opencl stream_destroy: clFinish failed (%s)", ph_cl_code_name(rc));
  if (s->error != PH_OK)
    ph_cl_log(PH_LOG_WARN, "opencl stream_destroy: unreported error: %s", s->error_msg);
  rc = clReleaseCommandQueue(s->queue);
  if (rc != CL_SUCCESS)
    ph_cl_log(PH_LOG_WARN, "opencl stream_destroy: clReleaseCommandQueue failed (%s)",
              ph_cl_code_name(rc));
  free(s->pending);
  free(s);
}

ph_status_t ph_cl_stream_sync(ph_plugin_stream_t *stream) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (s == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl stream_sync: stream is NULL");
  cl_int rc = ph_cl_stream_drain(s);
  ph_status_t st = s->error;
  char msg[PH_CL_MSG_MAX];
  memcpy(msg, s->error_msg, sizeof(msg));
  s->error = PH_OK;
  s->error_msg[0] = '\0';
  if (st != PH_OK) return ph_cl_error(st, "opencl stream: %s", msg);
  if (rc != CL_SUCCESS)
    return ph_cl_error(PH_ERROR_DEVICE, "opencl stream_sync: clFinish failed (%s)",
                       ph_cl_code_name(rc));
  return PH_OK;
}

ph_status_t ph_cl_stream_query(ph_plugin_stream_t *stream) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (s == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl stream_query: stream is NULL");
  if (s->num_pending == 0) return PH_OK;
  /* Without a flush some drivers never start the queued work, and a
   * polling caller would wait forever. */
  clFlush(s->queue);
  /* In order: the newest command completes last. */
  cl_int status = ph_cl_event_check(s, s->pending[s->num_pending - 1]);
  return status == CL_COMPLETE || status < 0 ? PH_OK : PH_ERROR_NOT_READY;
}
