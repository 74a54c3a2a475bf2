/*
 * The cpu plugin's entry point: checks the host's ABI version and hands
 * back the static table of entries. This is the plugin's one exported
 * symbol; everything else is hidden.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cpu.h"

/* Set by init, valid until the HAL unloads us (see ph_host_api_t). Worker
 * threads read it, so it is written only while no object exists. */
static const ph_host_api_t *ph_cpu_host;

void ph_cpu_set_host(const ph_host_api_t *host) { ph_cpu_host = host; }

ph_status_t ph_cpu_error(ph_status_t code, const char *fmt, ...) {
  const ph_host_api_t *host = ph_cpu_host;
  if (host == NULL || host->set_error == NULL) return code;
  /* set_error is variadic and takes no va_list: format here, pass "%s". */
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  host->set_error(code, "%s", msg);
  return code;
}

void ph_cpu_log(ph_log_level_t level, const char *fmt, ...) {
  const ph_host_api_t *host = ph_cpu_host;
  if (host == NULL || host->log == NULL) return;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  host->log(level, "%s", msg);
}

/* Called by the HAL after every object it made through us is destroyed. */
static void ph_cpu_shutdown(void) { ph_cpu_set_host(NULL); }

static const ph_plugin_api_t ph_cpu_api = {
    .struct_size = sizeof(ph_plugin_api_t),
    .abi_version = PH_PLUGIN_ABI_VERSION,
    .flags = 0,
    .name = "cpu",
    .vendor = "polyhal",
    .version = PH_CPU_PLUGIN_VERSION,
    .shutdown = ph_cpu_shutdown,
    .device_count = ph_cpu_device_count,
    .device_open = ph_cpu_device_open,
    .device_close = ph_cpu_device_close,
    .device_props = ph_cpu_device_props,
    .op_capability = ph_cpu_op_capability,
    .op_check = ph_cpu_op_check,
    .mem_alloc = ph_cpu_mem_alloc,
    .mem_free = ph_cpu_mem_free,
    .mem_map = ph_cpu_mem_map,
    .mem_unmap = ph_cpu_mem_unmap,
    .stream_create = ph_cpu_stream_create,
    .stream_destroy = ph_cpu_stream_destroy,
    .stream_sync = ph_cpu_stream_sync,
    .stream_query = ph_cpu_stream_query,
    .event_create = ph_cpu_event_create,
    .event_destroy = ph_cpu_event_destroy,
    .event_record = ph_cpu_event_record,
    .stream_wait_event = ph_cpu_stream_wait_event,
    .event_sync = ph_cpu_event_sync,
    .event_query = ph_cpu_event_query,
    .event_elapsed = ph_cpu_event_elapsed,
    .copy_h2d = ph_cpu_copy_h2d,
    .copy_d2h = ph_cpu_copy_d2h,
    .copy_d2d = ph_cpu_copy_d2d,
    .memset = ph_cpu_memset,
    .op_launch = ph_cpu_op_launch,
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
                      "cpu plugin: host table too small or missing set_error/log");
    return PH_ERROR_INCOMPATIBLE;
  }
  /* Only the major must match here: the HAL refuses a plugin whose minor is
   * newer than its own, and this plugin reads nothing the host added. */
  uint32_t major = PH_ABI_MAJOR(host->abi_version);
  uint32_t minor = PH_ABI_MINOR(host->abi_version);
  if (major != PH_PLUGIN_ABI_VERSION_MAJOR) {
    host->set_error(PH_ERROR_INCOMPATIBLE,
                    "cpu plugin: built for ABI %u.%u, host offers %u.%u",
                    (unsigned)PH_PLUGIN_ABI_VERSION_MAJOR,
                    (unsigned)PH_PLUGIN_ABI_VERSION_MINOR, (unsigned)major,
                    (unsigned)minor);
    return PH_ERROR_INCOMPATIBLE;
  }
  ph_cpu_set_host(host);
  *out_api = &ph_cpu_api;
  return PH_OK;
}
