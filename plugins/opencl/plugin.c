/*
 * The opencl plugin's entry point: checks the host's ABI version and hands
 * back the static table of entries. This is the plugin's one exported
 * symbol; everything else is hidden.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ocl.h"

/* Set by init, valid until the HAL unloads us (see ph_host_api_t). */
static const ph_host_api_t *ph_cl_host;

void ph_cl_set_host(const ph_host_api_t *host) { ph_cl_host = host; }

const ph_host_api_t *ph_cl_host_ptr(void) { return ph_cl_host; }

void ph_cl_log(ph_log_level_t level, const char *fmt, ...) {
  const ph_host_api_t *host = ph_cl_host;
  if (host == NULL || host->log == NULL) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  host->log(level, "%s", msg);
}

void ph_cl_default_bundle_path(char *out, size_t out_size) {
  out[0] = '\0';
  /* dladdr on a symbol of this file names the .so we were loaded from,
   * wherever PH_PLUGIN_PATH or the install put it. */
  Dl_info info;
  if (dladdr((void *)&ph_cl_host, &info) == 0 || info.dli_fname == NULL) return;
  const char *slash = strrchr(info.dli_fname, '/');
  if (slash == NULL) {
    snprintf(out, out_size, "libph_opencl.bundle");
    return;
  }
  int n = snprintf(out, out_size, "%.*s/libph_opencl.bundle",
                   (int)(slash - info.dli_fname), info.dli_fname);
  if (n < 0 || (size_t)n >= out_size) out[0] = '\0'; /* too long: no default */
}

/* Called by the HAL after every object it made through us is destroyed. */
static void ph_cl_shutdown(void) {
  ph_cl_devices_release();
  ph_cl_programs_shutdown();
  ph_cl_set_host(NULL);
}

static const ph_plugin_api_t ph_cl_api = {
    .struct_size = sizeof(ph_plugin_api_t),
    .abi_version = PH_PLUGIN_ABI_VERSION,
    .flags = 0,
    .name = "opencl",
    .vendor = "polyhal",
    .version = PH_CL_PLUGIN_VERSION,
    .shutdown = ph_cl_shutdown,
    .device_count = ph_cl_device_count,
    .device_open = ph_cl_device_open,
    .device_close = ph_cl_device_close,
    .device_props = ph_cl_device_props,
    .op_capability = ph_cl_op_capability,
    .op_check = ph_cl_op_check,
    .mem_alloc = ph_cl_mem_alloc,
    .mem_free = ph_cl_mem_free,
    .mem_map = ph_cl_mem_map,
    .mem_unmap = ph_cl_mem_unmap,
    .stream_create = ph_cl_stream_create,
    .stream_destroy = ph_cl_stream_destroy,
    .stream_sync = ph_cl_stream_sync,
    .stream_query = ph_cl_stream_query,
    .event_create = ph_cl_event_create,
    .event_destroy = ph_cl_event_destroy,
    .event_record = ph_cl_event_record,
    .stream_wait_event = ph_cl_stream_wait_event,
    .event_sync = ph_cl_event_sync,
    .event_query = ph_cl_event_query,
    .event_elapsed = ph_cl_event_elapsed,
    .copy_h2d = ph_cl_copy_h2d,
    .copy_d2h = ph_cl_copy_d2h,
    .copy_d2d = ph_cl_copy_d2d,
    .memset = ph_cl_memset,
    .op_launch = ph_cl_op_launch,
};

PH_PLUGIN_EXPORT ph_status_t ph_plugin_init(const ph_host_api_t *host,
                                            const ph_plugin_api_t **out_api) {
  if (out_api != NULL) *out_api = NULL;
  if (host == NULL || out_api == NULL) return PH_ERROR_INVALID_ARGUMENT;
  /* Without set_error and log the host cannot hear from us at all. */
  if (!PH_STRUCT_HAS(host, ph_host_api_t, log) || host->set_error == NULL ||
      host->log == NULL) {
    if (PH_STRUCT_HAS(host, ph_host_api_t, set_error) && host->set_error != NULL)
      host->set_error(PH_ERROR_INCOMPATIBLE,
                      "opencl plugin: host table too small or missing set_error/log");
    return PH_ERROR_INCOMPATIBLE;
  }
  /* Only the major must match here: the HAL refuses a plugin whose minor is
   * newer than its own, and this plugin reads nothing the host added. */
  uint32_t major = PH_ABI_MAJOR(host->abi_version);
  uint32_t minor = PH_ABI_MINOR(host->abi_version);
  if (major != PH_PLUGIN_ABI_VERSION_MAJOR) {
    host->set_error(PH_ERROR_INCOMPATIBLE,
                    "opencl plugin: built for ABI %u.%u, host offers %u.%u",
                    (unsigned)PH_PLUGIN_ABI_VERSION_MAJOR,
                    (unsigned)PH_PLUGIN_ABI_VERSION_MINOR, (unsigned)major,
                    (unsigned)minor);
    return PH_ERROR_INCOMPATIBLE;
  }
  ph_cl_set_host(host);
  *out_api = &ph_cl_api;
  return PH_OK;
}
