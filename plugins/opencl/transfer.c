/*
 * Copies and fills, enqueued non-blocking on the stream's queue (the ABI
 * lets host memory stay borrowed until the copy completes, which is what a
 * non-blocking clEnqueueWrite/ReadBuffer needs).
 */
#include "ocl.h"

/* True when [offset, offset + size) lies inside |mem|; overflow-safe. */
static int ph_cl_in_bounds(const ph_plugin_mem_t *mem, uint64_t offset, uint64_t size) {
  return offset <= mem->size && size <= mem->size - offset;
}

static ph_status_t ph_cl_enqueued(ph_cl_stream_t *s, cl_int rc, cl_event ev,
                                  const char *what) {
  if (rc != CL_SUCCESS) {
    if (ev != NULL) clReleaseEvent(ev);
    return ph_cl_error(rc == CL_OUT_OF_HOST_MEMORY || rc == CL_MEM_OBJECT_ALLOCATION_FAILURE
                           ? PH_ERROR_OUT_OF_MEMORY
                           : PH_ERROR_DEVICE,
                       "opencl %s failed (%s)", what, ph_cl_code_name(rc));
  }
  return ph_cl_stream_track(s, ev);
}

ph_status_t ph_cl_copy_h2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                           uint64_t dst_offset, const void *src, uint64_t size) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (s == NULL || dst == NULL || (src == NULL && size != 0))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl copy_h2d: NULL argument");
  if (!ph_cl_in_bounds(dst, dst_offset, size))
    return ph_cl_error(PH_ERROR_OUT_OF_RANGE,
                       "opencl copy_h2d: [%llu, +%llu) outside a %llu-byte buffer",
                       (unsigned long long)dst_offset, (unsigned long long)size,
                       (unsigned long long)dst->size);
  if (size == 0) return PH_OK; /* OpenCL refuses 0-byte copies; nothing to order */
  cl_event ev = NULL;
  cl_int rc = clEnqueueWriteBuffer(s->queue, dst->buffer, CL_FALSE, (size_t)dst_offset,
                                   (size_t)size, src, 0, NULL, &ev);
  return ph_cl_enqueued(s, rc, ev, "copy_h2d: clEnqueueWriteBuffer");
}

ph_status_t ph_cl_copy_d2h(ph_plugin_stream_t *stream, void *dst, ph_plugin_mem_t *src,
                           uint64_t src_offset, uint64_t size) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (s == NULL || src == NULL || (dst == NULL && size != 0))
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl copy_d2h: NULL argument");
  if (!ph_cl_in_bounds(src, src_offset, size))
    return ph_cl_error(PH_ERROR_OUT_OF_RANGE,
                       "opencl copy_d2h: [%llu, +%llu) outside a %llu-byte buffer",
                       (unsigned long long)src_offset, (unsigned long long)size,
                       (unsigned long long)src->size);
  if (size == 0) return PH_OK;
  cl_event ev = NULL;
  cl_int rc = clEnqueueReadBuffer(s->queue, src->buffer, CL_FALSE, (size_t)src_offset,
                                  (size_t)size, dst, 0, NULL, &ev);
  return ph_cl_enqueued(s, rc, ev, "copy_d2h: clEnqueueReadBuffer");
}

ph_status_t ph_cl_copy_d2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                           uint64_t dst_offset, ph_plugin_mem_t *src, uint64_t src_offset,
                           uint64_t size) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (s == NULL || dst == NULL || src == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl copy_d2d: NULL argument");
  if (!ph_cl_in_bounds(dst, dst_offset, size) || !ph_cl_in_bounds(src, src_offset, size))
    return ph_cl_error(PH_ERROR_OUT_OF_RANGE, "opencl copy_d2d: range outside a buffer");
  if (size == 0 || (src == dst && src_offset == dst_offset)) return PH_OK;
  cl_event ev = NULL;
  cl_int rc;
  if (src == dst && (src_offset < dst_offset ? dst_offset - src_offset : src_offset - dst_offset) <
                        size) {
    /* OpenCL refuses overlapping copies (CL_MEM_COPY_OVERLAP); the ABI has
     * memmove semantics, so go through a temporary buffer. */
    cl_mem tmp = clCreateBuffer(s->device->context, CL_MEM_READ_WRITE, (size_t)size, NULL, &rc);
    if (tmp == NULL || rc != CL_SUCCESS)
      return ph_cl_error(PH_ERROR_OUT_OF_MEMORY,
                         "opencl copy_d2d: no temporary for an overlapping copy of %llu bytes "
                         "(%s)",
                         (unsigned long long)size, ph_cl_code_name(rc));
    rc = clEnqueueCopyBuffer(s->queue, src->buffer, tmp, (size_t)src_offset, 0, (size_t)size,
                             0, NULL, &ev);
    ph_status_t st = ph_cl_enqueued(s, rc, ev, "copy_d2d: clEnqueueCopyBuffer");
    ev = NULL;
    if (st == PH_OK) {
      rc = clEnqueueCopyBuffer(s->queue, tmp, dst->buffer, 0, (size_t)dst_offset,
                               (size_t)size, 0, NULL, &ev);
      st = ph_cl_enqueued(s, rc, ev, "copy_d2d: clEnqueueCopyBuffer");
    }
    clReleaseMemObject(tmp); /* freed by OpenCL once both copies complete */
    return st;
  }
  rc = clEnqueueCopyBuffer(s->queue, src->buffer, dst->buffer, (size_t)src_offset,
                           (size_t)dst_offset, (size_t)size, 0, NULL, &ev);
  return ph_cl_enqueued(s, rc, ev, "copy_d2d: clEnqueueCopyBuffer");
}

ph_status_t ph_cl_memset(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst, uint64_t offset,
                         uint8_t value, uint64_t size) {
  ph_cl_stream_t *s = ph_cl_str(stream);
  if (s == NULL || dst == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl memset: NULL argument");
  if (!ph_cl_in_bounds(dst, offset, size))
    return ph_cl_error(PH_ERROR_OUT_OF_RANGE,
                       "opencl memset: [%llu, +%llu) outside a %llu-byte buffer",
                       (unsigned long long)offset, (unsigned long long)size,
                       (unsigned long long)dst->size);
  if (size == 0) return PH_OK;
  cl_event ev = NULL;
  cl_uchar pattern = value;
  cl_int rc = clEnqueueFillBuffer(s->queue, dst->buffer, &pattern, 1, (size_t)offset,
                                  (size_t)size, 0, NULL, &ev);
  return ph_cl_enqueued(s, rc, ev, "memset: clEnqueueFillBuffer");
}
