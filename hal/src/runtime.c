/* The process-wide runtime: discovers candidate plugin files once, loads
 * them, opens their devices and applies the PH_DEVICES selector. Plugins
 * and devices live until process exit: frameworks hold device pointers in
 * globals, and unloading code that worker threads may still run is the
 * classic loader crash. */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static ph_status_t init_status;

static ph_plugin_rec_t **plugins;
static size_t num_plugins;
static ph_device_t **devices; /* selected, in PH_DEVICES order */
static size_t num_devices;

static void host_set_error(ph_status_t code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ph__verror(code, fmt, ap);
  va_end(ap);
}

static void host_log(ph_log_level_t level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ph__vlog(level, fmt, ap);
  va_end(ap);
}

static const ph_host_api_t host_api = {
    sizeof(ph_host_api_t),
    (uint32_t)((PH_PLUGIN_ABI_VERSION_MAJOR << 16) | PH_HAL_ABI_MINOR),
    0,
    host_set_error,
    host_log,
};

/*--- candidate discovery --------------------------------------------------*/

static bool add_candidate(const char *path) {
  char real[PATH_MAX];
  const char *key = realpath(path, real) ? real : path;
  for (size_t i = 0; i < num_plugins; ++i) {
    char other[PATH_MAX];
    const char *okey = realpath(plugins[i]->path, other) ? other : plugins[i]->path;
    if (!strcmp(key, okey)) return true; /* the same file twice: once is enough */
  }
  ph_plugin_rec_t **grown = realloc(plugins, (num_plugins + 1) * sizeof *grown);
  if (!grown) return false;
  plugins = grown;
  ph_plugin_rec_t *rec = calloc(1, sizeof *rec);
  if (!rec || !(rec->path = strdup(path))) {
    free(rec);
    return false;
  }
  plugins[num_plugins++] = rec;
  return true;
}

static bool is_plugin_name(const char *name) {
  size_t n = strlen(name);
  return n > 8 && !strncmp(name, "libph_", 6) && !strcmp(name + n - 3, ".so");
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every libph_*.so in |dir|, sorted by name; with |depth| 1 also
 * looks one level down (the build tree keeps plugins/<name>/libph_*.so). */
static bool scan_dir(const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (!d) {
    ph__log(PH_LOG_DEBUG, "plugin directory %s not readable", dir);
    return true;
  }
  char **names = NULL;
  size_t n = 0;
  bool ok = true;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char **grown = realloc(names, (n + 1) * sizeof *grown);
    if (!grown || !(grown[n] = strdup(e->d_name))) {
      names = grown ? grown : names;
      ok = false;
      break;
    }
    names = grown;
    ++n;
  }
  closedir(d);
  if (ok) qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; ok && i < n; ++i) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) continue;
    struct stat st;
    if (stat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (depth > 0) ok = scan_dir(path, depth - 1);
    } else if (is_plugin_name(names[i])) {
      ok = add_candidate(path);
    }
  }
  for (size_t i = 0; i < n; ++i) free(names[i]);
  free(names);
  return ok;
}

/* Calls |fn| on each element of a colon-separated list. */
static bool for_each_item(const char *list, bool (*fn)(const char *item, int arg), int arg) {
  char *copy = strdup(list);
  if (!copy) return false;
  bool ok = true;
  char *save = NULL;
  for (char *it = strtok_r(copy, ":", &save); it && ok; it = strtok_r(NULL, ":", &save))
    ok = fn(it, arg);
  free(copy);
  return ok;
}

static bool add_file_item(const char *item, int arg) {
  (void)arg;
  return add_candidate(item);
}

static bool add_dir_item(const char *item, int depth) { return scan_dir(item, depth); }

static bool discover(void) {
  const char *files = getenv("PH_PLUGINS");
  if (files && *files) return for_each_item(files, add_file_item, 0);
  const char *dirs = getenv("PH_PLUGIN_PATH");
  if (dirs && *dirs) return for_each_item(dirs, add_dir_item, 0);

  /* Default: the install's plugin dir, the one beside this library, and,
   * when this library runs from its build tree, the build's plugins. */
  bool ok = scan_dir(PH_INSTALL_PLUGIN_DIR, 0);
  Dl_info info;
  if (ok && dladdr((void *)&ph__runtime_init, &info) && info.dli_fname) {
    char lib[PATH_MAX], dir[PATH_MAX + 32];
    if (realpath(info.dli_fname, lib)) {
      char *slash = strrchr(lib, '/');
      if (slash) *slash = '\0';
      snprintf(dir, sizeof dir, "%s/polyhal/plugins", lib);
      ok = scan_dir(dir, 0);
      char root[PATH_MAX];
      if (ok && realpath(PH_BUILD_ROOT, root) && !strcmp(root, lib))
        ok = scan_dir(PH_BUILD_PLUGIN_DIR, 1);
    }
  }
  return ok;
}

/*--- devices --------------------------------------------------------------*/

static bool plugin_name_taken(const ph_plugin_rec_t *rec) {
  for (size_t i = 0; i < num_plugins && plugins[i] != rec; ++i)
    if (plugins[i]->state == PH_PLUGIN_LOADED && !strcmp(plugins[i]->api->name, rec->api->name))
      return true;
  return false;
}

static bool open_devices(ph_plugin_rec_t *rec, ph_device_t ***all, size_t *n_all) {
  for (size_t i = 0; i < rec->device_count; ++i) {
    ph_device_t *d = calloc(1, sizeof *d);
    ph_device_t **grown = d ? realloc(*all, (*n_all + 1) * sizeof *grown) : NULL;
    if (!grown) {
      free(d);
      return false;
    }
    *all = grown;
    ph__clear_error();
    ph_status_t s = rec->api->device_open(i, &d->handle);
    if (s == PH_OK) {
      s = rec->api->device_props(d->handle, &d->props);
      if (s == PH_OK && (!d->props || d->props->struct_size < sizeof(size_t))) s = PH_ERROR_INTERNAL;
      if (s != PH_OK) rec->api->device_close(d->handle);
    }
    if (s != PH_OK) {
      ph__log(PH_LOG_WARN, "plugin '%s' (%s): device %zu failed to open: %s: %s", rec->api->name,
              rec->path, i, ph_status_string(s), ph__error_is_set() ? ph_last_error() : "");
      ph__clear_error();
      free(d);
      continue;
    }
    d->magic = PH_MAGIC_DEVICE;
    d->plugin = rec;
    d->plugin_index = i;
    snprintf(d->id, sizeof d->id, "%s:%zu", rec->api->name, i);
    ph__device_cache_props(d);
    pthread_mutex_init(&d->lock, NULL);
    (*all)[(*n_all)++] = d;
  }
  return true;
}

static void runtime_init_once(void) {
  init_status = PH_ERROR_OUT_OF_MEMORY;
  if (!discover()) return;
  ph_device_t **all = NULL;
  size_t n_all = 0;
  for (size_t i = 0; i < num_plugins; ++i) {
    ph_plugin_rec_t *rec = plugins[i];
    ph__plugin_load(rec, &host_api);
    if (rec->state != PH_PLUGIN_LOADED) continue;
    if (plugin_name_taken(rec)) {
      snprintf(rec->reason, sizeof rec->reason,
               "plugin '%s' is already loaded from another file; this copy is ignored",
               rec->api->name);
      rec->state = PH_PLUGIN_SKIPPED;
      ph__log(PH_LOG_WARN, "skipped %s: %s", rec->path, rec->reason);
      rec->api = NULL; /* stays mapped: the other copy may share its code */
      continue;
    }
    if (!open_devices(rec, &all, &n_all)) {
      free(all);
      return;
    }
  }
  num_devices = ph__selector_apply(getenv("PH_DEVICES"), all, n_all);
  devices = all;
  init_status = PH_OK;
}

ph_status_t ph__runtime_init(void) {
  pthread_once(&init_once, runtime_init_once);
  if (init_status != PH_OK)
    return ph__error(init_status, "polyhal: out of memory while discovering plugins");
  return PH_OK;
}

size_t ph__plugin_records(ph_plugin_rec_t ***out_records) {
  *out_records = plugins;
  return num_plugins;
}

/*--- public: plugins and device enumeration --------------------------------*/

ph_status_t ph_plugin_count(size_t *out_count) {
  ph__clear_error();
  if (!out_count) return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_plugin_count: out_count is NULL");
  *out_count = 0;
  ph_status_t s = ph__runtime_init();
  if (s != PH_OK) return s;
  *out_count = num_plugins;
  return PH_OK;
}

ph_status_t ph_plugin_get_info(size_t index, ph_plugin_info_t *out_info) {
  ph__clear_error();
  if (!out_info)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_plugin_get_info: out_info is NULL");
  if (out_info->struct_size < offsetof(ph_plugin_info_t, device_count) + sizeof(size_t))
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "ph_plugin_get_info: out_info->struct_size (%zu) is too small; set it to "
                     "sizeof(ph_plugin_info_t)", out_info->struct_size);
  ph_status_t s = ph__runtime_init();
  if (s != PH_OK) return s;
  if (index >= num_plugins)
    return ph__error(PH_ERROR_OUT_OF_RANGE, "ph_plugin_get_info: index %zu >= plugin count %zu",
                     index, num_plugins);
  const ph_plugin_rec_t *rec = plugins[index];
  ph_plugin_info_t full = {
      .struct_size = out_info->struct_size < sizeof full ? out_info->struct_size : sizeof full,
      .path = rec->path,
      .state = rec->state,
      .reason = rec->reason,
      .name = rec->api ? rec->api->name : "",
      .vendor = rec->api ? rec->api->vendor : "",
      .version = rec->api ? rec->api->version : "",
      .abi_version = rec->api ? rec->api->abi_version : 0,
      .device_count = rec->device_count,
  };
  /* Write no byte past what the caller's struct holds (it may be older). */
  memcpy(out_info, &full, full.struct_size);
  return PH_OK;
}

ph_status_t ph_device_count(size_t *out_count) {
  ph__clear_error();
  if (!out_count) return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_count: out_count is NULL");
  *out_count = 0;
  ph_status_t s = ph__runtime_init();
  if (s != PH_OK) return s;
  *out_count = num_devices;
  return PH_OK;
}

ph_status_t ph_device_get(size_t index, ph_device_t **out_device) {
  ph__clear_error();
  if (!out_device) return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_get: out_device is NULL");
  *out_device = NULL;
  ph_status_t s = ph__runtime_init();
  if (s != PH_OK) return s;
  if (index >= num_devices)
    return ph__error(PH_ERROR_OUT_OF_RANGE, "ph_device_get: index %zu >= device count %zu", index,
                     num_devices);
  *out_device = devices[index];
  return PH_OK;
}

ph_status_t ph_device_find(const char *selector, ph_device_t **out_device) {
  ph__clear_error();
  if (!out_device) return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_find: out_device is NULL");
  *out_device = NULL;
  if (!selector || !*selector)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "ph_device_find: selector is NULL or empty");
  ph_status_t s = ph__runtime_init();
  if (s != PH_OK) return s;
  for (size_t i = 0; i < num_devices; ++i) {
    if (ph__selector_match(selector, strlen(selector), devices[i])) {
      *out_device = devices[i];
      return PH_OK;
    }
  }
  return ph__error(PH_ERROR_NOT_FOUND, "ph_device_find: no device matches '%s' (%zu device(s) "
                   "available; see ph-info)", selector, num_devices);
}
