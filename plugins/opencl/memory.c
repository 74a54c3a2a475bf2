/*
 * Device memory: one cl_mem per allocation. PH_MEM_HOST_VISIBLE memory is
 * allocated with CL_MEM_ALLOC_HOST_PTR, which lets drivers place it where
 * mapping is cheap; mapping itself is clEnqueueMapBuffer on the device's
 * own queue (the HAL guarantees no stream work is pending on it).
 *
 * Alignment: kernels address a cl_mem by offset, never by host address, so
 * the only alignment that matters is that of offsets within it; the base
 * is aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN (props->min_alignment).
 */
#include <stdlib.h>

#include "ocl.h"

cl_mem ph_cl_mem(const ph_plugin_mem_t *mem) { return mem != NULL ? mem->buffer : NULL; }

ph_status_t ph_cl_mem_alloc(ph_plugin_device_t *device, uint64_t size, uint64_t alignment,
                            uint32_t mem_kind, ph_plugin_mem_t **out_mem) {
  ph_cl_device_t *dev = ph_cl_dev(device);
  if (out_mem == NULL || dev == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl mem_alloc: NULL argument");
  *out_mem = NULL;
  if (size == 0)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl mem_alloc: size 0 is invalid");
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl mem_alloc: alignment %llu is not a power of two",
                       (unsigned long long)alignment);
  if (mem_kind == 0 || (mem_kind & (mem_kind - 1)) != 0)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl mem_alloc: mem_kind 0x%x is not one PH_MEM_* kind", mem_kind);
  if ((mem_kind & dev->props.mem_kinds) == 0)
    return ph_cl_error(PH_ERROR_UNSUPPORTED, "opencl mem_alloc: mem_kind 0x%x not offered",
                       mem_kind);
  if (size > dev->props.max_alloc_bytes || (uint64_t)(size_t)size != size)
    return ph_cl_error(PH_ERROR_OUT_OF_MEMORY,
                       "opencl mem_alloc: %llu bytes exceeds max_alloc_bytes %llu of \"%s\"",
                       (unsigned long long)size,
                       (unsigned long long)dev->props.max_alloc_bytes, dev->props.name);

  ph_plugin_mem_t *mem = calloc(1, sizeof(*mem));
  if (mem == NULL)
    return ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl mem_alloc: out of host memory");
  cl_mem_flags flags = CL_MEM_READ_WRITE;
  if (mem_kind == PH_MEM_HOST_VISIBLE) flags |= CL_MEM_ALLOC_HOST_PTR;
  cl_int rc = CL_SUCCESS;
  mem->buffer = clCreateBuffer(dev->context, flags, (size_t)size, NULL, &rc);
  if (mem->buffer == NULL || rc != CL_SUCCESS) {
    free(mem);
    ph_status_t code = rc == CL_INVALID_BUFFER_SIZE || rc == CL_OUT_OF_HOST_MEMORY ||
                               rc == CL_OUT_OF_RESOURCES ||
                               rc == CL_MEM_OBJECT_ALLOCATION_FAILURE
                           ? PH_ERROR_OUT_OF_MEMORY
                           : PH_ERROR_DEVICE;
    return ph_cl_error(code, "opencl mem_alloc: clCreateBuffer of %llu bytes failed (%s)",
                       (unsigned long long)size, ph_cl_code_name(rc));
  }
  mem->device = dev;
  mem->size = size;
  *out_mem = mem;
  return PH_OK;
}

void ph_cl_mem_free(ph_plugin_device_t *device, ph_plugin_mem_t *mem) {
  (void)device;
  if (mem == NULL) return;
  if (mem->mapped != NULL) ph_cl_mem_unmap(device, mem);
  /* OpenCL deletes the buffer once no enqueued command uses it. */
  cl_int rc = clReleaseMemObject(mem->buffer);
  if (rc != CL_SUCCESS)
    ph_cl_log(PH_LOG_WARN, "opencl mem_free: clReleaseMemObject failed (%s)",
              ph_cl_code_name(rc));
  free(mem);
}

ph_status_t ph_cl_mem_map(ph_plugin_device_t *device, ph_plugin_mem_t *mem, void **out_ptr) {
  (void)device;
  if (out_ptr != NULL) *out_ptr = NULL;
  if (mem == NULL || out_ptr == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl mem_map: NULL argument");
  if (mem->mapped != NULL) {
    *out_ptr = mem->mapped; /* already mapped: the same pointer */
    return PH_OK;
  }
  cl_int rc = CL_SUCCESS;
  void *p = clEnqueueMapBuffer(mem->device->map_queue, mem->buffer, CL_TRUE,
                               CL_MAP_READ | CL_MAP_WRITE, 0, (size_t)mem->size, 0, NULL,
                               NULL, &rc);
  if (p == NULL || rc != CL_SUCCESS)
    return ph_cl_error(PH_ERROR_DEVICE, "opencl mem_map: clEnqueueMapBuffer failed (%s)",
                       ph_cl_code_name(rc));
  mem->mapped = p;
  *out_ptr = p;
  return PH_OK;
}

ph_status_t ph_cl_mem_unmap(ph_plugin_device_t *device, ph_plugin_mem_t *mem) {
  (void)device;
  if (mem == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl mem_unmap: mem is NULL");
  if (mem->mapped == NULL) return PH_OK;
  cl_command_queue q = mem->device->map_queue;
  cl_int rc = clEnqueueUnmapMemObject(q, mem->buffer, mem->mapped, 0, NULL, NULL);
  /* Wait: the host's writes must reach the buffer before a stream reads it. */
  if (rc == CL_SUCCESS) rc = clFinish(q);
  if (rc != CL_SUCCESS)
    return ph_cl_error(PH_ERROR_DEVICE, "opencl mem_unmap: unmapping failed (%s)",
                       ph_cl_code_name(rc));
  mem->mapped = NULL;
  return PH_OK;
}
