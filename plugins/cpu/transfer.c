/*
 * Copies and fills, enqueued on a stream. Device memory is host memory, so
 * h2d, d2h and d2d are all one memmove on the stream's worker.
 */
#include "cpu.h"

/* True when [offset, offset + size) lies inside |mem|; overflow-safe. */
static int ph_cpu_in_bounds(const ph_plugin_mem_t *mem, uint64_t offset, uint64_t size) {
  return offset <= mem->size && size <= mem->size - offset;
}

static ph_status_t ph_cpu_enqueue_copy(ph_plugin_stream_t *stream, void *dst,
                                       const void *src, uint64_t size,
                                       const char *entry) {
  if (size == 0) return PH_OK; /* nothing to order: no command needed */
  ph_cpu_cmd_t *cmd = ph_cpu_cmd_new(PH_CPU_CMD_COPY, entry);
  if (cmd == NULL) return PH_ERROR_OUT_OF_MEMORY;
  cmd->u.copy.dst = dst;
  cmd->u.copy.src = src;
  cmd->u.copy.size = size;
  ph_cpu_stream_enqueue(stream, cmd);
  return PH_OK;
}

ph_status_t ph_cpu_copy_h2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                            uint64_t dst_offset, const void *src, uint64_t size) {
  if (stream == NULL || dst == NULL || (src == NULL && size != 0))
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu copy_h2d: NULL argument");
  if (!ph_cpu_in_bounds(dst, dst_offset, size))
    return ph_cpu_error(PH_ERROR_OUT_OF_RANGE,
                        "cpu copy_h2d: [%llu, +%llu) outside a %llu-byte buffer",
                        (unsigned long long)dst_offset, (unsigned long long)size,
                        (unsigned long long)dst->size);
  return ph_cpu_enqueue_copy(stream, (char *)dst->ptr + dst_offset, src, size, "copy_h2d");
}

ph_status_t ph_cpu_copy_d2h(ph_plugin_stream_t *stream, void *dst,
                            ph_plugin_mem_t *src, uint64_t src_offset,
                            uint64_t size) {
  if (stream == NULL || src == NULL || (dst == NULL && size != 0))
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu copy_d2h: NULL argument");
  if (!ph_cpu_in_bounds(src, src_offset, size))
    return ph_cpu_error(PH_ERROR_OUT_OF_RANGE,
                        "cpu copy_d2h: [%llu, +%llu) outside a %llu-byte buffer",
                        (unsigned long long)src_offset, (unsigned long long)size,
                        (unsigned long long)src->size);
  return ph_cpu_enqueue_copy(stream, dst, (const char *)src->ptr + src_offset, size,
                             "copy_d2h");
}

ph_status_t ph_cpu_copy_d2d(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                            uint64_t dst_offset, ph_plugin_mem_t *src,
                            uint64_t src_offset, uint64_t size) {
  if (stream == NULL || dst == NULL || src == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu copy_d2d: NULL argument");
  if (!ph_cpu_in_bounds(dst, dst_offset, size) || !ph_cpu_in_bounds(src, src_offset, size))
    return ph_cpu_error(PH_ERROR_OUT_OF_RANGE, "cpu copy_d2d: range outside a buffer");
  return ph_cpu_enqueue_copy(stream, (char *)dst->ptr + dst_offset,
                             (const char *)src->ptr + src_offset, size, "copy_d2d");
}

ph_status_t ph_cpu_memset(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                          uint64_t offset, uint8_t value, uint64_t size) {
  if (stream == NULL || dst == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu memset: NULL argument");
  if (!ph_cpu_in_bounds(dst, offset, size))
    return ph_cpu_error(PH_ERROR_OUT_OF_RANGE,
                        "cpu memset: [%llu, +%llu) outside a %llu-byte buffer",
                        (unsigned long long)offset, (unsigned long long)size,
                        (unsigned long long)dst->size);
  if (size == 0) return PH_OK;
  ph_cpu_cmd_t *cmd = ph_cpu_cmd_new(PH_CPU_CMD_MEMSET, "memset");
  if (cmd == NULL) return PH_ERROR_OUT_OF_MEMORY;
  cmd->u.fill.dst = (char *)dst->ptr + offset;
  cmd->u.fill.value = value;
  cmd->u.fill.size = size;
  ph_cpu_stream_enqueue(stream, cmd);
  return PH_OK;
}
