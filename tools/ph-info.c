/*
 * ph-info: what polyhal found on this machine.
 *
 * Prints the library's version and ABI, every plugin candidate file
 * (loaded, or skipped and why with -v), and every device with its
 * properties and its op x dtype support matrix. --json prints the same as
 * one JSON object. Exits 0 whenever the library answered, devices or not.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "polyhal/polyhal.h"

typedef struct options {
  int verbose;
  int json;
} options_t;

static void usage(FILE *f, const char *argv0) {
  fprintf(f,
          "usage: %s [-v] [--json] [-h]\n"
          "Lists polyhal plugins and devices.\n"
          "  -v, --verbose  explain every plugin candidate: why it was skipped,\n"
          "                 or what a loaded one provides\n"
          "  --json         print everything as one JSON object\n"
          "  -h, --help     this text\n"
          "Environment: PH_PLUGINS, PH_PLUGIN_PATH, PH_DEVICES, PH_LOG.\n",
          argv0);
}

/*--- small helpers ---------------------------------------------------------*/

static const char *str_or_empty(const char *s) { return s ? s : ""; }

/* Writes |s| as a JSON string literal. */
static void json_string(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)str_or_empty(s); *p; p++) {
    switch (*p) {
      case '"': fputs("\\\"", stdout); break;
      case '\\': fputs("\\\\", stdout); break;
      case '\b': fputs("\\b", stdout); break;
      case '\f': fputs("\\f", stdout); break;
      case '\n': fputs("\\n", stdout); break;
      case '\r': fputs("\\r", stdout); break;
      case '\t': fputs("\\t", stdout); break;
      default:
        if (*p < 0x20) printf("\\u%04x", *p);
        else putchar(*p); /* UTF-8 passes through; JSON allows it raw */
    }
  }
  putchar('"');
}

static const char *caps_letter(uint32_t caps) {
  if (!(caps & PH_OP_CAP_SUPPORTED)) return "-";
  return (caps & PH_OP_CAP_STRIDED) ? "S" : "Y";
}

static const char *mem_kind_names[] = {"device", "host-visible", "unified"};
static const char *flag_names[] = {"runtime-compile", "offline-binaries", "timers",
                                   "host-memory"};

/* Names the set bits of |bits| from |names| into |buf|, space-separated;
 * unknown bits as 0x.. . */
static const char *bit_names(uint32_t bits, const char *const *names, size_t count, char *buf,
                             size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (uint32_t i = 0; i < 32; i++) {
    if (!(bits & (1u << i))) continue;
    char unknown[16];
    const char *n = names ? (i < count ? names[i] : NULL) : ph_dtype_name(i);
    if (n == NULL || strcmp(n, "invalid") == 0) {
      snprintf(unknown, sizeof(unknown), "0x%x", 1u << i);
      n = unknown;
    }
    int w = snprintf(buf + len, size - len, "%s%s", len ? " " : "", n);
    if (w < 0 || (size_t)w >= size - len) break;
    len += (size_t)w;
  }
  if (len == 0) snprintf(buf, size, "none");
  return buf;
}

static void abi_string(uint32_t v, char *buf, size_t size) {
  snprintf(buf, size, "%u.%u", (unsigned)PH_ABI_MAJOR(v), (unsigned)PH_ABI_MINOR(v));
}

static int get_plugin(size_t i, ph_plugin_info_t *info) {
  memset(info, 0, sizeof(*info));
  info->struct_size = sizeof(*info);
  return ph_plugin_get_info(i, info) == PH_OK;
}

static int get_device(size_t i, ph_device_t **dev, ph_device_props_t *p) {
  memset(p, 0, sizeof(*p));
  p->struct_size = sizeof(*p);
  return ph_device_get(i, dev) == PH_OK && ph_device_get_props(*dev, p) == PH_OK;
}

/*--- text output -----------------------------------------------------------*/

static void text_plugins(const options_t *o, size_t n) {
  printf("plugins: %zu candidate%s\n", n, n == 1 ? "" : "s");
  for (size_t i = 0; i < n; i++) {
    ph_plugin_info_t info;
    if (!get_plugin(i, &info)) {
      printf("  [%zu] (no information: %s)\n", i, ph_last_error());
      continue;
    }
    int loaded = info.state == PH_PLUGIN_LOADED;
    printf("  %-8s %s\n", loaded ? "LOADED" : "SKIPPED", str_or_empty(info.path));
    if (!o->verbose) continue;
    if (loaded) {
      char abi[32];
      abi_string(info.abi_version, abi, sizeof(abi));
      printf("           name %s, vendor %s, version %s, ABI %s, %zu device%s\n",
             str_or_empty(info.name), str_or_empty(info.vendor), str_or_empty(info.version), abi,
             info.device_count, info.device_count == 1 ? "" : "s");
    } else {
      printf("           reason: %s\n", str_or_empty(info.reason));
    }
  }
}

static void text_matrix(const ph_device_t *dev) {
  printf("  ops (Y supported, S also strided, - no):\n    %-10s", "");
  for (uint32_t d = 1; d < PH_DTYPE_COUNT_; d++) printf(" %-4s", ph_dtype_name(d));
  putchar('\n');
  for (uint32_t op = 1; op < PH_OP_COUNT_; op++) {
    printf("    %-10s", ph_op_name(op));
    for (uint32_t d = 1; d < PH_DTYPE_COUNT_; d++) {
      uint32_t caps = 0;
      const char *c = ph_device_op_caps(dev, op, d, &caps) == PH_OK ? caps_letter(caps) : "?";
      printf(" %-4s", c);
    }
    putchar('\n');
  }
}

static void text_devices(size_t n) {
  if (n == 0) {
    printf("devices: none (no plugin provided a device; try ph-info -v)\n");
    return;
  }
  printf("devices: %zu\n", n);
  for (size_t i = 0; i < n; i++) {
    ph_device_t *dev = NULL;
    ph_device_props_t p;
    if (!get_device(i, &dev, &p)) {
      printf("device %zu: (no information: %s)\n", i, ph_last_error());
      continue;
    }
    char buf[256];
    printf("device %zu: %s\n", i, p.id);
    printf("  name:           %s\n", p.name);
    printf("  vendor:         %s\n", p.vendor);
    printf("  plugin:         %s\n", p.plugin);
    printf("  driver:         %s\n", p.driver_version);
    printf("  kind:           %s\n", ph_device_kind_name(p.kind));
    printf("  compute units:  %" PRIu32 "\n", p.compute_units);
    printf("  memory:         %" PRIu64 " bytes (%.1f MiB)\n", p.memory_bytes,
           (double)p.memory_bytes / (1024.0 * 1024.0));
    printf("  max alloc:      %" PRIu64 " bytes (%.1f MiB)\n", p.max_alloc_bytes,
           (double)p.max_alloc_bytes / (1024.0 * 1024.0));
    printf("  memory kinds:   %s\n",
           bit_names(p.mem_kinds, mem_kind_names, 3, buf, sizeof(buf)));
    printf("  flags:          %s\n", bit_names(p.flags, flag_names, 4, buf, sizeof(buf)));
    printf("  dtypes:         %s\n", bit_names(p.dtypes, NULL, 0, buf, sizeof(buf)));
    printf("  alignment:      %" PRIu32 " bytes\n", p.min_alignment);
    text_matrix(dev);
  }
}

/*--- JSON output -----------------------------------------------------------*/

static void json_names(uint32_t bits, const char *const *names, size_t count) {
  char buf[256];
  bit_names(bits, names, count, buf, sizeof(buf));
  putchar('[');
  if (bits != 0) {
    int first = 1;
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
      if (!first) putchar(',');
      json_string(tok);
      first = 0;
    }
  }
  putchar(']');
}

static void json_plugins(size_t n) {
  printf("\"plugins\":[");
  for (size_t i = 0; i < n; i++) {
    ph_plugin_info_t info;
    if (i) putchar(',');
    if (!get_plugin(i, &info)) {
      printf("{\"error\":");
      json_string(ph_last_error());
      putchar('}');
      continue;
    }
    char abi[32];
    abi_string(info.abi_version, abi, sizeof(abi));
    printf("{\"path\":");
    json_string(info.path);
    printf(",\"state\":\"%s\",\"reason\":",
           info.state == PH_PLUGIN_LOADED ? "loaded" : "skipped");
    json_string(info.reason);
    printf(",\"name\":");
    json_string(info.name);
    printf(",\"vendor\":");
    json_string(info.vendor);
    printf(",\"version\":");
    json_string(info.version);
    printf(",\"abi\":");
    json_string(info.abi_version ? abi : "");
    printf(",\"device_count\":%zu}", info.device_count);
  }
  putchar(']');
}

static void json_devices(size_t n) {
  printf("\"devices\":[");
  for (size_t i = 0; i < n; i++) {
    ph_device_t *dev = NULL;
    ph_device_props_t p;
    if (i) putchar(',');
    if (!get_device(i, &dev, &p)) {
      printf("{\"error\":");
      json_string(ph_last_error());
      putchar('}');
      continue;
    }
    printf("{\"id\":");
    json_string(p.id);
    printf(",\"name\":");
    json_string(p.name);
    printf(",\"vendor\":");
    json_string(p.vendor);
    printf(",\"plugin\":");
    json_string(p.plugin);
    printf(",\"driver_version\":");
    json_string(p.driver_version);
    printf(",\"kind\":");
    json_string(ph_device_kind_name(p.kind));
    printf(",\"compute_units\":%" PRIu32 ",\"memory_bytes\":%" PRIu64
           ",\"max_alloc_bytes\":%" PRIu64 ",\"min_alignment\":%" PRIu32 ",\"mem_kinds\":",
           p.compute_units, p.memory_bytes, p.max_alloc_bytes, p.min_alignment);
    json_names(p.mem_kinds, mem_kind_names, 3);
    printf(",\"flags\":");
    json_names(p.flags, flag_names, 4);
    printf(",\"dtypes\":");
    json_names(p.dtypes, NULL, 0);
    /* ops: {"matmul": {"f32": "Y", ...}, ...} with the letters of the table. */
    printf(",\"ops\":{");
    for (uint32_t op = 1; op < PH_OP_COUNT_; op++) {
      if (op > 1) putchar(',');
      json_string(ph_op_name(op));
      printf(":{");
      for (uint32_t d = 1; d < PH_DTYPE_COUNT_; d++) {
        uint32_t caps = 0;
        const char *c = ph_device_op_caps(dev, op, d, &caps) == PH_OK ? caps_letter(caps) : "?";
        if (d > 1) putchar(',');
        json_string(ph_dtype_name(d));
        printf(":\"%s\"", c);
      }
      putchar('}');
    }
    printf("}}");
  }
  putchar(']');
}

/*--- main ------------------------------------------------------------------*/

int main(int argc, char **argv) {
  options_t o = {0, 0};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
      o.verbose = 1;
    } else if (strcmp(argv[i], "--json") == 0) {
      o.json = 1;
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage(stdout, argv[0]);
      return 0;
    } else {
      fprintf(stderr, "%s: unknown option '%s'\n", argv[0], argv[i]);
      usage(stderr, argv[0]);
      return 2;
    }
  }

  size_t nplugins = 0, ndevices = 0;
  ph_status_t st = ph_plugin_count(&nplugins);
  if (st == PH_OK) st = ph_device_count(&ndevices);
  if (st != PH_OK) {
    fprintf(stderr, "%s: polyhal failed to initialise: %s (%s)\n", argv[0],
            ph_status_string(st), ph_last_error());
    return 1;
  }

  char abi[32];
  abi_string(ph_abi_version(), abi, sizeof(abi));
  if (o.json) {
    printf("{\"version\":");
    json_string(ph_version_string());
    printf(",\"abi\":");
    json_string(abi);
    putchar(',');
    json_plugins(nplugins);
    putchar(',');
    json_devices(ndevices);
    printf("}\n");
  } else {
    printf("polyhal %s (device ABI %s)\n", ph_version_string(), abi);
    if (ph_version() != PH_VERSION)
      printf("note: ph-info was built with polyhal.h %d.%d.%d\n", PH_VERSION_MAJOR,
             PH_VERSION_MINOR, PH_VERSION_PATCH);
    text_plugins(&o, nplugins);
    text_devices(ndevices);
  }
  return 0;
}
