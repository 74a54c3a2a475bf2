/*
 * Devices: every device of every OpenCL platform the ICD loader finds, in
 * platform then device order. Properties come from clGetDeviceInfo once,
 * at device_open; each device gets its own context.
 *
 * Kinds: CL_DEVICE_TYPE_GPU -> GPU, CPU -> CPU, ACCELERATOR -> FPGA when
 * its name or vendor says FPGA (Intel/Altera, Xilinx/AMD FPGA boards
 * register as accelerators), else OTHER: OpenCL cannot tell an NPU from a
 * DSP or anything else, and OTHER promises nothing false.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "ocl.h"

/* The (platform, device) list, enumerated on first use and kept until the
 * plugin is shut down; device ids need no release (root devices). */
typedef struct ph_cl_slot {
  cl_platform_id platform;
  cl_device_id device;
} ph_cl_slot_t;

static pthread_mutex_t ph_cl_enum_lock = PTHREAD_MUTEX_INITIALIZER;
static ph_cl_slot_t *ph_cl_slots;
static size_t ph_cl_num_slots;
static int ph_cl_enumerated;

/* Caller holds ph_cl_enum_lock. A platform that fails to list its devices
 * is skipped with a warning; the others still count. */
static ph_status_t ph_cl_enumerate(void) {
  if (ph_cl_enumerated) return PH_OK;
  cl_uint np = 0;
  cl_int rc = clGetPlatformIDs(0, NULL, &np);
  if (rc == -1001 /* CL_PLATFORM_NOT_FOUND_KHR: no ICD installed */ || np == 0) {
    ph_cl_log(PH_LOG_INFO, "opencl: no OpenCL platform found (%s)", ph_cl_code_name(rc));
    ph_cl_enumerated = 1;
    return PH_OK;
  }
  if (rc != CL_SUCCESS)
    return ph_cl_error(PH_ERROR_DEVICE, "opencl: clGetPlatformIDs failed (%s)",
                       ph_cl_code_name(rc));
  cl_platform_id *plats = calloc(np, sizeof(*plats));
  if (plats == NULL) return ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl: out of host memory");
  rc = clGetPlatformIDs(np, plats, NULL);
  if (rc != CL_SUCCESS) {
    free(plats);
    return ph_cl_error(PH_ERROR_DEVICE, "opencl: clGetPlatformIDs failed (%s)",
                       ph_cl_code_name(rc));
  }
  ph_cl_slot_t *slots = NULL;
  size_t n = 0;
  for (cl_uint p = 0; p < np; ++p) {
    cl_uint nd = 0;
    rc = clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 0, NULL, &nd);
    if (rc == CL_DEVICE_NOT_FOUND || nd == 0) continue;
    cl_device_id *ids = rc == CL_SUCCESS ? calloc(nd, sizeof(*ids)) : NULL;
    ph_cl_slot_t *grown = ids != NULL ? realloc(slots, (n + nd) * sizeof(*slots)) : NULL;
    if (rc == CL_SUCCESS && (ids == NULL || grown == NULL)) {
      free(ids);
      free(slots);
      free(plats);
      return ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl: out of host memory");
    }
    if (rc == CL_SUCCESS) {
      slots = grown;
      rc = clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, nd, ids, NULL);
    }
    if (rc != CL_SUCCESS) {
      ph_cl_log(PH_LOG_WARN, "opencl: platform %u: clGetDeviceIDs failed (%s); skipped",
                (unsigned)p, ph_cl_code_name(rc));
      free(ids);
      continue;
    }
    for (cl_uint d = 0; d < nd; ++d) {
      slots[n].platform = plats[p];
      slots[n].device = ids[d];
      ++n;
    }
    free(ids);
  }
  free(plats);
  ph_cl_slots = slots;
  ph_cl_num_slots = n;
  ph_cl_enumerated = 1;
  ph_cl_log(PH_LOG_INFO, "opencl: %zu device(s) on %u platform(s)", n, (unsigned)np);
  return PH_OK;
}

void ph_cl_devices_release(void) {
  pthread_mutex_lock(&ph_cl_enum_lock);
  free(ph_cl_slots);
  ph_cl_slots = NULL;
  ph_cl_num_slots = 0;
  ph_cl_enumerated = 0;
  pthread_mutex_unlock(&ph_cl_enum_lock);
}

ph_status_t ph_cl_device_count(size_t *out_count) {
  if (out_count == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl device_count: out_count is NULL");
  *out_count = 0;
  pthread_mutex_lock(&ph_cl_enum_lock);
  ph_status_t st = ph_cl_enumerate();
  *out_count = ph_cl_num_slots;
  pthread_mutex_unlock(&ph_cl_enum_lock);
  return st;
}

/* clGetDeviceInfo of a fixed-size value; |what| names it in the message. */
static ph_status_t ph_cl_info(cl_device_id id, cl_device_info param, void *out, size_t size,
                              const char *what) {
  cl_int rc = clGetDeviceInfo(id, param, size, out, NULL);
  if (rc != CL_SUCCESS)
    return ph_cl_error(PH_ERROR_DEVICE, "opencl device_open: clGetDeviceInfo(%s) failed (%s)",
                       what, ph_cl_code_name(rc));
  return PH_OK;
}

/* A string property, cut to |size| (the driver's may be longer). */
static ph_status_t ph_cl_info_str(cl_device_id id, cl_device_info param, char *out,
                                  size_t size, const char *what) {
  size_t need = 0;
  cl_int rc = clGetDeviceInfo(id, param, 0, NULL, &need);
  char *tmp = rc == CL_SUCCESS ? malloc(need + 1) : NULL;
  if (rc == CL_SUCCESS && tmp == NULL)
    return ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl device_open: out of host memory");
  if (rc == CL_SUCCESS) rc = clGetDeviceInfo(id, param, need, tmp, NULL);
  if (rc != CL_SUCCESS) {
    free(tmp);
    return ph_cl_error(PH_ERROR_DEVICE, "opencl device_open: clGetDeviceInfo(%s) failed (%s)",
                       what, ph_cl_code_name(rc));
  }
  tmp[need] = '\0';
  /* Drivers pad some strings with spaces (and count the terminator). */
  ph_cl_trim_copy(tmp, out, size);
  free(tmp);
  return PH_OK;
}

static void ph_cl_platform_str(cl_platform_id p, cl_platform_info param, char *out,
                               size_t size) {
  out[0] = '\0';
  if (clGetPlatformInfo(p, param, size, out, NULL) != CL_SUCCESS) {
    /* Longer than |size| or refused: the cache key then just lacks it. */
    size_t need = 0;
    char *tmp = NULL;
    if (clGetPlatformInfo(p, param, 0, NULL, &need) == CL_SUCCESS &&
        (tmp = malloc(need + 1)) != NULL &&
        clGetPlatformInfo(p, param, need, tmp, NULL) == CL_SUCCESS) {
      tmp[need] = '\0';
      snprintf(out, size, "%s", tmp);
    }
    free(tmp);
  }
}

static int ph_cl_contains_ci(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay != '\0'; ++hay)
    if (strncasecmp(hay, needle, n) == 0) return 1;
  return 0;
}

static int ph_cl_env_true(const char *name) {
  const char *v = getenv(name);
  return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

/* Fills everything but the context and queue. */
static ph_status_t ph_cl_read_props(ph_cl_device_t *dev) {
  cl_device_id id = dev->id;
  ph_plugin_device_props_t *p = &dev->props;
  p->struct_size = sizeof(*p);
  ph_status_t st;
  if ((st = ph_cl_info_str(id, CL_DEVICE_NAME, p->name, sizeof(p->name), "NAME")) != PH_OK ||
      (st = ph_cl_info_str(id, CL_DEVICE_VENDOR, p->vendor, sizeof(p->vendor), "VENDOR")) !=
          PH_OK ||
      (st = ph_cl_info_str(id, CL_DRIVER_VERSION, p->driver_version,
                           sizeof(p->driver_version), "DRIVER_VERSION")) != PH_OK)
    return st;
  ph_cl_platform_str(dev->platform, CL_PLATFORM_NAME, dev->platform_name,
                     sizeof(dev->platform_name));
  ph_cl_platform_str(dev->platform, CL_PLATFORM_VERSION, dev->platform_version,
                     sizeof(dev->platform_version));

  cl_device_type type = 0;
  cl_uint cus = 0, align_bits = 0;
  cl_ulong global_mem = 0, max_alloc = 0, local_mem = 0;
  size_t max_wg = 0;
  cl_bool compiler = CL_FALSE, linker = CL_FALSE;
  cl_command_queue_properties qprops = 0;
  if ((st = ph_cl_info(id, CL_DEVICE_TYPE, &type, sizeof(type), "TYPE")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_MAX_COMPUTE_UNITS, &cus, sizeof(cus),
                       "MAX_COMPUTE_UNITS")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_GLOBAL_MEM_SIZE, &global_mem, sizeof(global_mem),
                       "GLOBAL_MEM_SIZE")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, &max_alloc, sizeof(max_alloc),
                       "MAX_MEM_ALLOC_SIZE")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_LOCAL_MEM_SIZE, &local_mem, sizeof(local_mem),
                       "LOCAL_MEM_SIZE")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_MEM_BASE_ADDR_ALIGN, &align_bits, sizeof(align_bits),
                       "MEM_BASE_ADDR_ALIGN")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_MAX_WORK_GROUP_SIZE, &max_wg, sizeof(max_wg),
                       "MAX_WORK_GROUP_SIZE")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_COMPILER_AVAILABLE, &compiler, sizeof(compiler),
                       "COMPILER_AVAILABLE")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_LINKER_AVAILABLE, &linker, sizeof(linker),
                       "LINKER_AVAILABLE")) != PH_OK ||
      (st = ph_cl_info(id, CL_DEVICE_QUEUE_PROPERTIES, &qprops, sizeof(qprops),
                       "QUEUE_PROPERTIES")) != PH_OK)
    return st;

  /* Extensions decide fp16/fp64; a failure here only loses the facts. */
  size_t ext_size = 0;
  char *ext = NULL;
  if (clGetDeviceInfo(id, CL_DEVICE_EXTENSIONS, 0, NULL, &ext_size) == CL_SUCCESS &&
      (ext = malloc(ext_size + 1)) != NULL &&
      clGetDeviceInfo(id, CL_DEVICE_EXTENSIONS, ext_size, ext, NULL) == CL_SUCCESS) {
    ext[ext_size] = '\0';
    dev->fp16 = strstr(ext, "cl_khr_fp16") != NULL;
    dev->fp64 = strstr(ext, "cl_khr_fp64") != NULL;
  }
  free(ext);
  ph_cl_base_options(id, dev->base_options, sizeof dev->base_options);

  if (type & CL_DEVICE_TYPE_GPU) p->kind = PH_DEVICE_KIND_GPU;
  else if (type & CL_DEVICE_TYPE_CPU) p->kind = PH_DEVICE_KIND_CPU;
  else if ((type & CL_DEVICE_TYPE_ACCELERATOR) &&
           (ph_cl_contains_ci(p->name, "fpga") || ph_cl_contains_ci(p->vendor, "fpga") ||
            ph_cl_contains_ci(p->vendor, "xilinx") || ph_cl_contains_ci(p->vendor, "altera")))
    p->kind = PH_DEVICE_KIND_FPGA;
  else p->kind = PH_DEVICE_KIND_OTHER;

  p->compute_units = cus;
  p->memory_bytes = global_mem;
  p->max_alloc_bytes = max_alloc;
  /* The only alignment OpenCL promises for a cl_mem's base; it is in bits. */
  p->min_alignment = align_bits >= 8 ? align_bits / 8 : 1;
  /* Mapped through clEnqueueMapBuffer (mem_map); not UNIFIED: a cl_mem
   * has no host address a kernel and the host share. */
  p->mem_kinds = PH_MEM_DEVICE | PH_MEM_HOST_VISIBLE;
  /* Every storage type is copied byte-wise and computed in f32 by the
   * kernels, so all five are stored whatever the device's extensions. */
  p->dtypes = (1u << PH_DTYPE_F32) | (1u << PH_DTYPE_F16) | (1u << PH_DTYPE_BF16) |
              (1u << PH_DTYPE_I8) | (1u << PH_DTYPE_I32);
  dev->binary_only = !(compiler && linker) || ph_cl_env_true("PH_OPENCL_BINARY_ONLY");
  p->flags = dev->binary_only ? PH_DEVICE_OFFLINE_BINARIES : PH_DEVICE_RUNTIME_COMPILE;
  dev->profiling = (qprops & CL_QUEUE_PROFILING_ENABLE) != 0;
  if (dev->profiling) p->flags |= PH_DEVICE_TIMERS;
  dev->max_work_group = max_wg > 0 ? max_wg : 1;
  dev->local_mem_bytes = local_mem;
  return PH_OK;
}

ph_status_t ph_cl_device_open(size_t index, ph_plugin_device_t **out_device) {
  if (out_device == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl device_open: out_device is NULL");
  *out_device = NULL;
  pthread_mutex_lock(&ph_cl_enum_lock);
  ph_status_t st = ph_cl_enumerate();
  ph_cl_slot_t slot = {0};
  size_t count = ph_cl_num_slots;
  if (st == PH_OK && index < count) slot = ph_cl_slots[index];
  pthread_mutex_unlock(&ph_cl_enum_lock);
  if (st != PH_OK) return st;
  if (index >= count)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT,
                       "opencl device_open: index %zu out of range (%zu devices)", index,
                       count);

  ph_cl_device_t *dev = calloc(1, sizeof(*dev));
  if (dev == NULL)
    return ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl device_open: out of host memory");
  dev->platform = slot.platform;
  dev->id = slot.device;
  cl_int rc = CL_SUCCESS;
  st = ph_cl_read_props(dev);
  if (st != PH_OK) goto fail;

  cl_context_properties cprops[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)dev->platform,
                                    0};
  dev->context = clCreateContext(cprops, 1, &dev->id, NULL, NULL, &rc);
  if (dev->context == NULL || rc != CL_SUCCESS) {
    st = ph_cl_error(PH_ERROR_DEVICE, "opencl device_open: clCreateContext for \"%s\" failed (%s)",
                     dev->props.name, ph_cl_code_name(rc));
    dev->context = NULL;
    goto fail;
  }
  dev->map_queue = clCreateCommandQueue(dev->context, dev->id, 0, &rc);
  if (dev->map_queue == NULL || rc != CL_SUCCESS) {
    st = ph_cl_error(PH_ERROR_DEVICE,
                     "opencl device_open: clCreateCommandQueue for \"%s\" failed (%s)",
                     dev->props.name, ph_cl_code_name(rc));
    dev->map_queue = NULL;
    goto fail;
  }
  pthread_mutex_init(&dev->program_lock, NULL);
  ph_cl_log(PH_LOG_INFO,
            "opencl: opened \"%s\" (%s, driver %s), %u compute units, %s%s%s", dev->props.name,
            dev->platform_name, dev->props.driver_version, dev->props.compute_units,
            dev->binary_only ? "binary-only" : "runtime compiler",
            dev->fp16 ? ", fp16" : "", dev->fp64 ? ", fp64" : "");
  *out_device = (ph_plugin_device_t *)dev;
  return PH_OK;
fail:
  if (dev->context != NULL) clReleaseContext(dev->context);
  free(dev);
  return st;
}

void ph_cl_device_close(ph_plugin_device_t *device) {
  ph_cl_device_t *dev = ph_cl_dev(device);
  if (dev == NULL) return;
  ph_cl_programs_release(dev);
  pthread_mutex_destroy(&dev->program_lock);
  cl_int rc = clReleaseCommandQueue(dev->map_queue);
  if (rc != CL_SUCCESS)
    ph_cl_log(PH_LOG_WARN, "opencl device_close: clReleaseCommandQueue failed (%s)",
              ph_cl_code_name(rc));
  rc = clReleaseContext(dev->context);
  if (rc != CL_SUCCESS)
    ph_cl_log(PH_LOG_WARN, "opencl device_close: clReleaseContext failed (%s)",
              ph_cl_code_name(rc));
  free(dev);
}

ph_status_t ph_cl_device_props(ph_plugin_device_t *device,
                               const ph_plugin_device_props_t **out_props) {
  if (out_props != NULL) *out_props = NULL;
  if (device == NULL || out_props == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl device_props: NULL argument");
  *out_props = &ph_cl_dev(device)->props;
  return PH_OK;
}

size_t ph_cl_max_work_group(const ph_cl_device_t *dev) { return dev->max_work_group; }
uint64_t ph_cl_local_mem_bytes(const ph_cl_device_t *dev) { return dev->local_mem_bytes; }
int ph_cl_has_fp16(const ph_cl_device_t *dev) { return dev->fp16; }
