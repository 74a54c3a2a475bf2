/*
 * Device memory of the cpu device: aligned host memory, so map is free and
 * every memory kind (device, host-visible, unified) is the same thing.
 */
#include <stdlib.h>

#include "cpu.h"

ph_status_t ph_cpu_mem_alloc(ph_plugin_device_t *device, uint64_t size,
                             uint64_t alignment, uint32_t mem_kind,
                             ph_plugin_mem_t **out_mem) {
  if (out_mem == NULL || device == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu mem_alloc: NULL argument");
  *out_mem = NULL;
  if (size == 0)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu mem_alloc: size 0 is invalid");
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT,
                        "cpu mem_alloc: alignment %llu is not a power of two",
                        (unsigned long long)alignment);
  if (mem_kind == 0 || (mem_kind & (mem_kind - 1)) != 0)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT,
                        "cpu mem_alloc: mem_kind 0x%x is not one PH_MEM_* kind", mem_kind);
  if ((mem_kind & device->props.mem_kinds) == 0)
    return ph_cpu_error(PH_ERROR_UNSUPPORTED, "cpu mem_alloc: mem_kind 0x%x not offered",
                        mem_kind);
  if (size > device->props.max_alloc_bytes)
    return ph_cpu_error(PH_ERROR_OUT_OF_MEMORY,
                        "cpu mem_alloc: %llu bytes exceeds max_alloc_bytes %llu",
                        (unsigned long long)size,
                        (unsigned long long)device->props.max_alloc_bytes);
  if (alignment < PH_CPU_MIN_ALIGNMENT) alignment = PH_CPU_MIN_ALIGNMENT;
  /* 32-bit hosts: a size or alignment size_t cannot hold is unallocatable. */
  if ((uint64_t)(size_t)size != size || (uint64_t)(size_t)alignment != alignment)
    return ph_cpu_error(PH_ERROR_OUT_OF_MEMORY, "cpu mem_alloc: %llu bytes too large here",
                        (unsigned long long)size);

  ph_plugin_mem_t *mem = malloc(sizeof(*mem));
  void *ptr = NULL;
  if (mem == NULL || posix_memalign(&ptr, (size_t)alignment, (size_t)size) != 0) {
    free(mem);
    return ph_cpu_error(PH_ERROR_OUT_OF_MEMORY,
                        "cpu mem_alloc: no host memory for %llu bytes aligned to %llu",
                        (unsigned long long)size, (unsigned long long)alignment);
  }
  mem->device = device;
  mem->ptr = ptr;
  mem->size = size;
  *out_mem = mem;
  return PH_OK;
}

void ph_cpu_mem_free(ph_plugin_device_t *device, ph_plugin_mem_t *mem) {
  (void)device;
  if (mem == NULL) return;
  free(mem->ptr);
  free(mem);
}

ph_status_t ph_cpu_mem_map(ph_plugin_device_t *device, ph_plugin_mem_t *mem,
                           void **out_ptr) {
  (void)device;
  if (out_ptr != NULL) *out_ptr = NULL;
  if (mem == NULL || out_ptr == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu mem_map: NULL argument");
  *out_ptr = mem->ptr;
  return PH_OK;
}

ph_status_t ph_cpu_mem_unmap(ph_plugin_device_t *device, ph_plugin_mem_t *mem) {
  (void)device;
  if (mem == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu mem_unmap: mem is NULL");
  return PH_OK; /* the memory is the host's; nothing to undo */
}
