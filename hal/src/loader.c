/* Loads one plugin file: dlopen, dlsym, init, version and table checks.
 * Modelled on the ICD loader's vendor add: one cleanup path, and every
 * failure leaves a reason naming the file. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static void skip(ph_plugin_rec_t *rec, const char *fmt, const char *detail) {
  char why[PH_REASON_MAX];
  snprintf(why, sizeof why, fmt, detail);
  snprintf(rec->reason, sizeof rec->reason, "plugin %s: %s", base_name(rec->path), why);
  rec->state = PH_PLUGIN_SKIPPED;
  ph__log(PH_LOG_WARN, "skipped %s: %s", rec->path, rec->reason);
}

void ph__plugin_load(ph_plugin_rec_t *rec, const ph_host_api_t *host) {
  char detail[PH_REASON_MAX];
  const ph_plugin_api_t *api = NULL;
  rec->state = PH_PLUGIN_SKIPPED;
  rec->api = NULL;
  rec->dl = NULL;

  ph__log(PH_LOG_DEBUG, "loading %s", rec->path);
  dlerror();
  /* RTLD_LOCAL: two vendors' plugins may carry clashing symbols. */
  void *dl = dlopen(rec->path, RTLD_NOW | RTLD_LOCAL);
  if (!dl) {
    const char *e = dlerror();
    skip(rec, "dlopen failed: %s", e ? e : "unknown error");
    return;
  }
  void *sym = dlsym(dl, PH_PLUGIN_INIT_SYMBOL);
  if (!sym) {
    skip(rec, "not a polyhal plugin: symbol '%s' not found", PH_PLUGIN_INIT_SYMBOL);
    goto fail;
  }
  ph_plugin_init_fn init;
  /* POSIX guarantees object/function pointer conversion for dlsym. */
  memcpy(&init, &sym, sizeof init);

  ph__clear_error();
  ph_status_t s = init(host, &api);
  if (s != PH_OK) {
    snprintf(detail, sizeof detail, "%s: %s", ph_status_string(s),
             ph__error_is_set() ? ph_last_error() : "(no message)");
    ph__clear_error();
    skip(rec, PH_PLUGIN_INIT_SYMBOL " failed with %s", detail);
    goto fail;
  }
  if (!api || api->struct_size < offsetof(ph_plugin_api_t, abi_version) + sizeof api->abi_version) {
    skip(rec, "%s returned no valid plugin table", PH_PLUGIN_INIT_SYMBOL);
    goto fail;
  }
  if (ph__abi_check(host->abi_version, api->abi_version, detail, sizeof detail) != PH_OK) {
    skip(rec, "%s", detail);
    goto fail;
  }
  if (ph__api_table_check(api, detail, sizeof detail) != PH_OK) {
    skip(rec, "%s", detail);
    goto fail;
  }
  size_t count = 0;
  ph__clear_error();
  s = api->device_count(&count);
  if (s != PH_OK) {
    snprintf(detail, sizeof detail, "%s: %s", ph_status_string(s),
             ph__error_is_set() ? ph_last_error() : "(no message)");
    ph__clear_error();
    skip(rec, "device_count failed with %s", detail);
    goto fail;
  }
  rec->dl = dl;
  rec->api = api;
  rec->device_count = count;
  rec->state = PH_PLUGIN_LOADED;
  rec->reason[0] = '\0';
  ph__log(PH_LOG_INFO, "loaded %s: plugin '%s' %s (ABI %u.%u), %zu device(s)",
          rec->path, api->name, api->version, PH_ABI_MAJOR(api->abi_version),
          PH_ABI_MINOR(api->abi_version), count);
  return;

fail:
  if (api && rec->state != PH_PLUGIN_LOADED && PH_STRUCT_HAS(api, ph_plugin_api_t, shutdown) &&
      api->shutdown && PH_ABI_MAJOR(api->abi_version) == PH_PLUGIN_ABI_VERSION_MAJOR)
    api->shutdown();
  dlclose(dl);
}
