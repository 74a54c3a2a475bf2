/* The JSON report: a certification record naming exactly what was tested
 * (plugin file and its SHA-256, device properties, suite version, command
 * line) and every case's outcome. */
#include <math.h>
#include <stdio.h>

#include "suite.h"

static void phc_json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; ++p) {
    switch (*p) {
      case '"': fputs("\\\"", f); break;
      case '\\': fputs("\\\\", f); break;
      case '\n': fputs("\\n", f); break;
      case '\r': fputs("\\r", f); break;
      case '\t': fputs("\\t", f); break;
      default:
        if (*p < 0x20)
          fprintf(f, "\\u%04x", *p);
        else
          fputc(*p, f);
    }
  }
  fputc('"', f);
}

/* JSON has no infinities: those become null. */
static void phc_json_num(FILE *f, double v) {
  if (isfinite(v))
    fprintf(f, "%.9g", v);
  else
    fputs("null", f);
}

static void phc_json_props(FILE *f, const ph_device_props_t *p) {
  fputs("{\"id\": ", f);
  phc_json_str(f, p->id);
  fputs(", \"plugin\": ", f);
  phc_json_str(f, p->plugin);
  fputs(", \"name\": ", f);
  phc_json_str(f, p->name);
  fputs(", \"vendor\": ", f);
  phc_json_str(f, p->vendor);
  fputs(", \"driver_version\": ", f);
  phc_json_str(f, p->driver_version);
  fprintf(f,
          ", \"kind\": \"%s\", \"compute_units\": %u, \"memory_bytes\": %llu, "
          "\"max_alloc_bytes\": %llu, \"mem_kinds\": %u, \"flags\": %u, \"dtypes\": %u, "
          "\"min_alignment\": %u}",
          ph_device_kind_name(p->kind), p->compute_units, (unsigned long long)p->memory_bytes,
          (unsigned long long)p->max_alloc_bytes, p->mem_kinds, p->flags, p->dtypes,
          p->min_alignment);
}

bool phc_report_json(const phc_run_t *run, const char *path) {
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "ph-conform: cannot write %s\n", path);
    return false;
  }
  fputs("{\n  \"suite\": {\"name\": \"polyhal conformance\", \"version\": \"" PHC_SUITE_VERSION
        "\"},\n",
        f);
  fprintf(f, "  \"library\": {\"version\": \"%s\", \"abi_version\": \"%u.%u\"},\n",
          ph_version_string(), PH_ABI_MAJOR(ph_abi_version()), PH_ABI_MINOR(ph_abi_version()));
  fputs("  \"command_line\": ", f);
  phc_json_str(f, run->command_line);
  fprintf(f, ",\n  \"seed\": %llu,\n  \"profile\": \"%s\",\n  \"wall_ms\": %.1f,\n",
          (unsigned long long)run->base_seed, run->profile_name, run->wall_ms);
  fputs("  \"devices\": [\n", f);
  for (size_t i = 0; i < run->device_count; ++i) {
    const phc_device_info_t *d = &run->devices[i];
    fputs("    {\"id\": ", f);
    phc_json_str(f, d->props.id);
    fputs(", \"plugin\": {\"name\": ", f);
    phc_json_str(f, d->plugin_name);
    fputs(", \"vendor\": ", f);
    phc_json_str(f, d->plugin_vendor);
    fputs(", \"version\": ", f);
    phc_json_str(f, d->plugin_version);
    fprintf(f, ", \"abi_version\": \"%u.%u\", \"path\": ", PH_ABI_MAJOR(d->plugin_abi),
            PH_ABI_MINOR(d->plugin_abi));
    phc_json_str(f, d->plugin_path);
    fputs(", \"sha256\": ", f);
    phc_json_str(f, d->sha256);
    fputs("},\n     \"props\": ", f);
    phc_json_props(f, &d->props);
    fprintf(f, "}%s\n", i + 1 < run->device_count ? "," : "");
  }
  fputs("  ],\n  \"tests\": [\n", f);
  size_t counts[PHC_STATUS_COUNT_] = {0};
  for (size_t i = 0; i < run->result_count; ++i) {
    const phc_result_t *r = &run->results[i];
    ++counts[r->status];
    fputs("    {\"device\": ", f);
    phc_json_str(f, run->devices[r->device].props.id);
    fputs(", \"name\": ", f);
    phc_json_str(f, r->test->name);
    fprintf(f, ", \"status\": \"%s\", \"message\": ", phc_status_name(r->status));
    phc_json_str(f, r->message);
    if (r->known_reason) {
      fputs(", \"known_failure\": ", f);
      phc_json_str(f, r->known_reason);
    }
    fputs(", \"max_error\": ", f);
    phc_json_num(f, r->max_err);
    fputs(", \"error_ratio\": ", f);
    phc_json_num(f, r->max_ratio);
    fputs(", \"tolerance\": ", f);
    phc_json_str(f, r->tolerance);
    fprintf(f, ", \"seed\": %llu, \"time_ms\": %.3f, \"rerun\": ", (unsigned long long)r->seed,
            r->time_ms);
    char rerun[512];
    snprintf(rerun, sizeof rerun, "ph-conform --device %s --filter '%s' --seed %llu --profile %s",
             run->devices[r->device].props.id, r->test->name,
             (unsigned long long)run->base_seed, run->profile_name);
    phc_json_str(f, rerun);
    fprintf(f, "}%s\n", i + 1 < run->result_count ? "," : "");
  }
  fputs("  ],\n  \"summary\": {", f);
  for (int s = 0; s < PHC_STATUS_COUNT_; ++s)
    fprintf(f, "%s\"%s\": %zu", s ? ", " : "", phc_status_name((phc_status_t)s), counts[s]);
  fputs("}\n}\n", f);
  bool ok = !ferror(f);
  if (fclose(f) != 0) ok = false;
  if (!ok) fprintf(stderr, "ph-conform: error writing %s\n", path);
  return ok;
}
