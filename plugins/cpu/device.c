/*
 * The one cpu device: the host itself. Properties come from /proc/cpuinfo,
 * hwloc and sysconf; the op thread pool is created on the first op so that
 * merely listing devices (ph-info) starts no threads.
 */
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu.h"

/* Copies the value of the first "|key| : value" line of /proc/cpuinfo into
 * |out|; returns 0 when there is none (non-Linux, or arm's cpuinfo). */
static int ph_cpu_cpuinfo(const char *key, char *out, size_t out_size) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f == NULL) return 0;
  char line[512];
  size_t klen = strlen(key);
  int found = 0;
  while (!found && fgets(line, sizeof(line), f) != NULL) {
    if (strncmp(line, key, klen) != 0) continue;
    char *p = line + klen;
    while (*p == ' ' || *p == '\t') ++p;
    if (*p != ':') continue;
    ++p;
    while (*p == ' ' || *p == '\t') ++p;
    size_t n = strcspn(p, "\r\n");
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) --n;
    if (n == 0) continue;
    if (n >= out_size) n = out_size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    found = 1;
  }
  fclose(f);
  return found;
}

/* Physical cores per hwloc; 0 when hwloc cannot tell. */
static unsigned ph_cpu_hwloc_cores(void) {
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0) return 0;
  int n = -1;
  if (hwloc_topology_load(topo) == 0) n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  hwloc_topology_destroy(topo);
  return n > 0 ? (unsigned)n : 0;
}

ph_status_t ph_cpu_device_count(size_t *out_count) {
  if (out_count == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu device_count: out_count is NULL");
  *out_count = 1;
  return PH_OK;
}

ph_status_t ph_cpu_device_open(size_t index, ph_plugin_device_t **out_device) {
  if (out_device == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu device_open: out_device is NULL");
  *out_device = NULL;
  if (index != 0)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT,
                        "cpu device_open: index %zu out of range (1 device)", index);
  ph_plugin_device_t *dev = calloc(1, sizeof(*dev));
  if (dev == NULL)
    return ph_cpu_error(PH_ERROR_OUT_OF_MEMORY, "cpu device_open: out of host memory");

  ph_plugin_device_props_t *p = &dev->props;
  p->struct_size = sizeof(*p);
  if (!ph_cpu_cpuinfo("model name", p->name, sizeof(p->name)))
    snprintf(p->name, sizeof(p->name), "host cpu");
  if (!ph_cpu_cpuinfo("vendor_id", p->vendor, sizeof(p->vendor)))
    snprintf(p->vendor, sizeof(p->vendor), "unknown");
  snprintf(p->driver_version, sizeof(p->driver_version), "polyhal-cpu %s",
           PH_CPU_PLUGIN_VERSION);
  p->kind = PH_DEVICE_KIND_CPU;

  unsigned cores = ph_cpu_hwloc_cores();
  if (cores == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    cores = n > 0 ? (unsigned)n : 1;
    ph_cpu_log(PH_LOG_WARN, "cpu: hwloc found no cores; using %u online cpus", cores);
  }
  p->compute_units = cores;

  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  p->memory_bytes = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
  /* Half of physical memory: one allocation larger than that would leave
   * too little for the process and the OS, and Linux overcommit would let
   * it "succeed" only to be OOM-killed on first touch. */
  p->max_alloc_bytes = p->memory_bytes / 2;
  p->mem_kinds = PH_MEM_DEVICE | PH_MEM_HOST_VISIBLE | PH_MEM_UNIFIED;
  p->flags = PH_DEVICE_TIMERS | PH_DEVICE_HOST_MEMORY;
  p->dtypes = (1u << PH_DTYPE_F32) | (1u << PH_DTYPE_F16) | (1u << PH_DTYPE_BF16) |
              (1u << PH_DTYPE_I8) | (1u << PH_DTYPE_I32);
  p->min_alignment = PH_CPU_MIN_ALIGNMENT;

  const char *note = NULL;
  dev->pool_threads = ph_cpu_pool_default_threads(cores, &note);
  if (note != NULL) ph_cpu_log(PH_LOG_WARN, "cpu: %s", note);
  pthread_mutex_init(&dev->pool_lock, NULL);
  ph_cpu_log(PH_LOG_INFO, "cpu: opened \"%s\", %u cores, %u pool threads", p->name,
             cores, dev->pool_threads);
  *out_device = dev;
  return PH_OK;
}

void ph_cpu_device_close(ph_plugin_device_t *device) {
  if (device == NULL) return;
  ph_cpu_pool_destroy(device->pool);
  pthread_mutex_destroy(&device->pool_lock);
  free(device);
}

ph_status_t ph_cpu_device_props(ph_plugin_device_t *device,
                                const ph_plugin_device_props_t **out_props) {
  if (out_props != NULL) *out_props = NULL;
  if (device == NULL || out_props == NULL)
    return ph_cpu_error(PH_ERROR_INVALID_ARGUMENT, "cpu device_props: NULL argument");
  *out_props = &device->props;
  return PH_OK;
}

ph_cpu_pool_t *ph_cpu_device_pool(ph_plugin_device_t *device) {
  pthread_mutex_lock(&device->pool_lock);
  if (device->pool == NULL && !device->pool_failed) {
    if (ph_cpu_pool_create(device->pool_threads, &device->pool) != PH_OK) {
      /* Ops still run, on the stream worker alone; say so once. */
      device->pool_failed = 1;
      ph_cpu_log(PH_LOG_WARN, "cpu: could not start %u pool threads; ops run single-threaded",
                 device->pool_threads);
    }
  }
  ph_cpu_pool_t *pool = device->pool;
  pthread_mutex_unlock(&device->pool_lock);
  return pool;
}
