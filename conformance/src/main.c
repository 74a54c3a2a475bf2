/*
 * ph-conform: runs the conformance suite on every selected device and
 * writes the reports. See conformance/README.md for how a lab uses it.
 */
#include <fnmatch.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

typedef struct phc_options {
  const char *devices[32];
  size_t device_count;
  const char *filters[64];
  size_t filter_count;
  const char *excludes[64];
  size_t exclude_count;
  uint32_t profile;
  uint64_t seed;
  const char *json, *junit, *known_extra, *plugin;
  int list, verbose, progress, skip_missing;
  double timeout_s;
} phc_options_t;

static void phc_usage(FILE *f) {
  fputs(
      "usage: ph-conform [options]\n"
      "  --device SEL        run on this device (cpu:0, opencl:1) or on every device of\n"
      "                      a plugin (opencl); repeatable or comma-separated;\n"
      "                      default: every device (PH_DEVICES applies)\n"
      "  --filter GLOB       run cases whose name matches (fnmatch, e.g. 'op.matmul.*');\n"
      "                      repeatable, any match selects\n"
      "  --exclude GLOB      skip cases whose name matches; repeatable\n"
      "  --profile P         quick (default) or full (every combination)\n"
      "  --seed N            base seed (default 1); each case derives its own from it\n"
      "  --json FILE         write the JSON report (the certification record)\n"
      "  --junit FILE        write JUnit XML\n"
      "  --plugin FILE       certify exactly this plugin file (sets PH_PLUGINS)\n"
      "  --known-failures F  an extra known-failure list for every device\n"
      "  --timeout SEC       a case running longer fails the run (default 300)\n"
      "  --list              print the selected cases and exit\n"
      "  --skip-missing      a --device that matches nothing is a skip (exit 77),\n"
      "                      not an error: for test harnesses\n"
      "  -v, --verbose       print every case's result, not only failures\n"
      "  --no-progress       no progress line on a terminal\n"
      "exit status: 0 all passed (skips and known failures allowed), 1 a case failed,\n"
      "passed unexpectedly (XPASS) or was untrusted, 2 usage error or no device,\n"
      "77 no device matched with --skip-missing.\n",
      f);
}

static bool phc_parse_u64(const char *s, uint64_t *out) {
  char *end;
  unsigned long long v = strtoull(s, &end, 0);
  if (*s == '\0' || *end != '\0') return false;
  *out = v;
  return true;
}

/* Returns 0 on success, 2 on a usage error, 1 for --help. */
static int phc_parse(int argc, char **argv, phc_options_t *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->timeout_s = 300;
  o->progress = 1;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define PHC_NEED_VALUE                                            \
  do {                                                            \
    if (v == NULL) {                                              \
      fprintf(stderr, "ph-conform: %s needs a value\n", a);       \
      return 2;                                                   \
    }                                                             \
    ++i;                                                          \
  } while (0)
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      phc_usage(stdout);
      return 1;
    } else if (strcmp(a, "--device") == 0) {
      PHC_NEED_VALUE;
      if (o->device_count == sizeof o->devices / sizeof o->devices[0]) return 2;
      o->devices[o->device_count++] = v;
    } else if (strcmp(a, "--filter") == 0) {
      PHC_NEED_VALUE;
      if (o->filter_count == sizeof o->filters / sizeof o->filters[0]) return 2;
      o->filters[o->filter_count++] = v;
    } else if (strcmp(a, "--exclude") == 0) {
      PHC_NEED_VALUE;
      if (o->exclude_count == sizeof o->excludes / sizeof o->excludes[0]) return 2;
      o->excludes[o->exclude_count++] = v;
    } else if (strcmp(a, "--profile") == 0) {
      PHC_NEED_VALUE;
      if (strcmp(v, "quick") == 0)
        o->profile = PHC_QUICK;
      else if (strcmp(v, "full") == 0)
        o->profile = PHC_FULL;
      else {
        fprintf(stderr, "ph-conform: unknown profile '%s' (quick or full)\n", v);
        return 2;
      }
    } else if (strcmp(a, "--seed") == 0) {
      PHC_NEED_VALUE;
      if (!phc_parse_u64(v, &o->seed)) {
        fprintf(stderr, "ph-conform: --seed wants a number, not '%s'\n", v);
        return 2;
      }
    } else if (strcmp(a, "--timeout") == 0) {
      PHC_NEED_VALUE;
      uint64_t t;
      if (!phc_parse_u64(v, &t) || t == 0) {
        fprintf(stderr, "ph-conform: --timeout wants a positive number of seconds\n");
        return 2;
      }
      o->timeout_s = (double)t;
    } else if (strcmp(a, "--json") == 0) {
      PHC_NEED_VALUE;
      o->json = v;
    } else if (strcmp(a, "--junit") == 0) {
      PHC_NEED_VALUE;
      o->junit = v;
    } else if (strcmp(a, "--plugin") == 0) {
      PHC_NEED_VALUE;
      o->plugin = v;
    } else if (strcmp(a, "--known-failures") == 0) {
      PHC_NEED_VALUE;
      o->known_extra = v;
    } else if (strcmp(a, "--skip-missing") == 0) {
      o->skip_missing = 1;
    } else if (strcmp(a, "--list") == 0) {
      o->list = 1;
    } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      o->verbose = 1;
    } else if (strcmp(a, "--no-progress") == 0) {
      o->progress = 0;
    } else {
      fprintf(stderr, "ph-conform: unknown argument '%s' (see --help)\n", a);
      return 2;
    }
#undef PHC_NEED_VALUE
  }
  return 0;
}

static bool phc_selected(const phc_options_t *o, const phc_case_t *c) {
  if (c->profile == PHC_FULL && o->profile != PHC_FULL) return false;
  for (size_t i = 0; i < o->exclude_count; ++i)
    if (fnmatch(o->excludes[i], c->name, 0) == 0) return false;
  if (o->filter_count == 0) return true;
  for (size_t i = 0; i < o->filter_count; ++i)
    if (fnmatch(o->filters[i], c->name, 0) == 0) return true;
  return false;
}

static char *phc_join_argv(int argc, char **argv) {
  size_t n = 1;
  for (int i = 0; i < argc; ++i) n += strlen(argv[i]) + 3;
  char *s = malloc(n);
  if (s == NULL) return NULL;
  s[0] = '\0';
  for (int i = 0; i < argc; ++i) {
    bool quote = argv[i][strcspn(argv[i], " *?[]'\"\t")] != '\0';
    if (i) strcat(s, " ");
    if (quote) strcat(s, "'");
    strcat(s, argv[i]);
    if (quote) strcat(s, "'");
  }
  return s;
}

/* Fills the certification facts of |dev| from the plugin that owns it. */
static void phc_describe(phc_device_info_t *info, ph_device_t *dev) {
  memset(info, 0, sizeof *info);
  info->device = dev;
  info->props.struct_size = sizeof info->props;
  ph_device_get_props(dev, &info->props);
  size_t count = 0;
  ph_plugin_count(&count);
  for (size_t i = 0; i < count; ++i) {
    ph_plugin_info_t pi;
    memset(&pi, 0, sizeof pi);
    pi.struct_size = sizeof pi;
    if (ph_plugin_get_info(i, &pi) != PH_OK || pi.state != PH_PLUGIN_LOADED) continue;
    if (strcmp(pi.name, info->props.plugin) != 0) continue;
    snprintf(info->plugin_name, sizeof info->plugin_name, "%s", pi.name);
    snprintf(info->plugin_vendor, sizeof info->plugin_vendor, "%s", pi.vendor);
    snprintf(info->plugin_version, sizeof info->plugin_version, "%s", pi.version);
    snprintf(info->plugin_path, sizeof info->plugin_path, "%s", pi.path);
    info->plugin_abi = pi.abi_version;
    phc_sha256_file(pi.path, info->sha256);
    break;
  }
}

/* The known-failure list shipped beside a plugin file:
 * libph_cpu.so -> libph_cpu.known-failures. */
static void phc_known_path(const char *plugin_path, char *out, size_t n) {
  size_t len = strlen(plugin_path);
  if (len > 3 && strcmp(plugin_path + len - 3, ".so") == 0) len -= 3;
  snprintf(out, n, "%.*s.known-failures", (int)len, plugin_path);
}

/* --- Watchdog: a hung case (an event that never completes) must not hang
 * the certification run silently. --------------------------------------- */

static pthread_mutex_t phc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t phc_wake = PTHREAD_COND_INITIALIZER;
static int phc_stop;
static phc_run_t *phc_active_run;
static const phc_options_t *phc_active_opts;
static const phc_case_t *phc_current_case;
static size_t phc_current_device;
static double phc_current_start;

static double phc_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *phc_watchdog(void *arg) {
  (void)arg;
  pthread_mutex_lock(&phc_lock);
  while (!phc_stop) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_cond_timedwait(&phc_wake, &phc_lock, &until);
    if (phc_current_case && phc_now_s() - phc_current_start > phc_active_opts->timeout_s) {
      phc_run_t *run = phc_active_run;
      phc_result_t *r = &run->results[run->result_count++];
      memset(r, 0, sizeof *r);
      r->device = phc_current_device;
      r->test = phc_current_case;
      r->status = PHC_FAIL;
      snprintf(r->message, sizeof r->message, "timed out after %.0f s; the run was stopped",
               phc_active_opts->timeout_s);
      r->seed = phc_case_seed(run->base_seed, phc_current_case->name);
      fprintf(stderr, "\nph-conform: %s on %s timed out after %.0f s; writing reports and stopping\n",
              phc_current_case->name, run->devices[phc_current_device].props.id,
              phc_active_opts->timeout_s);
      if (phc_active_opts->json) phc_report_json(run, phc_active_opts->json);
      if (phc_active_opts->junit) phc_report_junit(run, phc_active_opts->junit);
      fflush(NULL);
      _exit(1); /* the plugin's thread is stuck; nothing else can end it */
    }
  }
  pthread_mutex_unlock(&phc_lock);
  return NULL;
}

/* Appends every device of plugin |name| not already listed; false if the
 * plugin has none. */
static bool phc_add_plugin_devices(const char *name, ph_device_t **devs, size_t *ndev,
                                   size_t cap) {
  size_t n = 0;
  bool any = false;
  ph_device_count(&n);
  for (size_t i = 0; i < n; ++i) {
    ph_device_t *d = NULL;
    ph_device_props_t p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    if (ph_device_get(i, &d) != PH_OK || ph_device_get_props(d, &p) != PH_OK) continue;
    if (strcmp(p.plugin, name) != 0) continue;
    any = true;
    bool dup = false;
    for (size_t j = 0; j < *ndev; ++j) dup |= devs[j] == d;
    if (!dup && *ndev < cap) devs[(*ndev)++] = d;
  }
  return any;
}

static bool phc_is_failure(phc_status_t s) {
  return s == PHC_FAIL || s == PHC_XPASS || s == PHC_UNTRUSTED;
}

int main(int argc, char **argv) {
  phc_options_t o;
  int rc = phc_parse(argc, argv, &o);
  if (rc) return rc == 1 ? 0 : 2;
  if (o.plugin) setenv("PH_PLUGINS", o.plugin, 1);

  phc_suite_t suite;
  if (!phc_suite_build(&suite)) return 2;

  /* Devices: those named, else all of them. */
  ph_device_t *devs[64];
  size_t ndev = 0;
  if (o.device_count) {
    for (size_t i = 0; i < o.device_count; ++i) {
      char buf[256];
      snprintf(buf, sizeof buf, "%s", o.devices[i]);
      for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        /* A bare plugin name ("opencl") means every device of that plugin,
         * so one run covers every ICD behind the OpenCL plugin. */
        if (strchr(tok, ':') == NULL && phc_add_plugin_devices(tok, devs, &ndev, 64)) continue;
        ph_device_t *d = NULL;
        if (ph_device_find(tok, &d) != PH_OK) {
          if (o.skip_missing) {
            printf("SKIP: no device '%s' (%s)\n", tok, ph_last_error());
            continue;
          }
          fprintf(stderr, "ph-conform: no device '%s': %s\n", tok, ph_last_error());
          phc_suite_free(&suite);
          return 2;
        }
        bool dup = false;
        for (size_t j = 0; j < ndev; ++j) dup |= devs[j] == d;
        if (!dup && ndev < 64) devs[ndev++] = d;
      }
    }
  } else {
    size_t n = 0;
    ph_device_count(&n);
    for (size_t i = 0; i < n && ndev < 64; ++i)
      if (ph_device_get(i, &devs[ndev]) == PH_OK) ++ndev;
  }
  if (ndev == 0 && o.skip_missing) {
    phc_suite_free(&suite);
    return 77;
  }
  if (ndev == 0) {
    fprintf(stderr, "ph-conform: no device found (ph-info -v says why plugins were skipped)\n");
    phc_suite_free(&suite);
    return 2;
  }

  size_t selected = 0;
  for (size_t i = 0; i < suite.count; ++i) selected += phc_selected(&o, &suite.cases[i]);
  if (o.list) {
    for (size_t i = 0; i < suite.count; ++i)
      if (phc_selected(&o, &suite.cases[i]))
        printf("%s%s\n", suite.cases[i].name,
               suite.cases[i].profile == PHC_FULL ? "  (full)" : "");
    printf("%zu cases selected of %zu\n", selected, suite.count);
    phc_suite_free(&suite);
    return 0;
  }
  if (selected == 0) {
    fprintf(stderr, "ph-conform: no case matches the filters (see --list)\n");
    phc_suite_free(&suite);
    return 2;
  }

  phc_run_t run;
  memset(&run, 0, sizeof run);
  char *cmd = phc_join_argv(argc, argv);
  run.command_line = cmd ? cmd : argv[0];
  run.profile_name = o.profile == PHC_FULL ? "full" : "quick";
  run.base_seed = o.seed;
  int exit_code = 2; /* until the run completes */
  bool dog_ok = false;
  pthread_t dog;
  run.devices = calloc(ndev, sizeof *run.devices);
  run.results = calloc(selected * ndev + 1, sizeof *run.results);
  phc_known_list_t *known = calloc(ndev, sizeof *known);
  phc_known_list_t extra;
  memset(&extra, 0, sizeof extra);
  if (run.devices == NULL || run.results == NULL || known == NULL) {
    fprintf(stderr, "ph-conform: out of memory\n");
    goto cleanup;
  }
  run.device_count = ndev;
  bool lists_ok = o.known_extra ? phc_known_load(&extra, o.known_extra, false) : true;
  for (size_t d = 0; d < ndev; ++d) {
    phc_describe(&run.devices[d], devs[d]);
    char kpath[1100];
    phc_known_path(run.devices[d].plugin_path, kpath, sizeof kpath);
    lists_ok &= phc_known_load(&known[d], kpath, true);
    printf("device %s: %s (plugin %s %s, ABI %u.%u, %s)%s\n", run.devices[d].props.id,
           run.devices[d].props.name, run.devices[d].plugin_name,
           run.devices[d].plugin_version, PH_ABI_MAJOR(run.devices[d].plugin_abi),
           PH_ABI_MINOR(run.devices[d].plugin_abi), run.devices[d].plugin_path,
           known[d].count ? " with a known-failure list" : "");
  }
  if (!lists_ok) goto cleanup;
  printf("ph-conform %s: %zu cases x %zu devices, profile %s, seed %" PRIu64 "\n",
         PHC_SUITE_VERSION, selected, ndev, run.profile_name, o.seed);
  fflush(stdout);

  phc_active_run = &run;
  phc_active_opts = &o;
  dog_ok = pthread_create(&dog, NULL, phc_watchdog, NULL) == 0;

  bool tty = o.progress && isatty(STDERR_FILENO);
  double t0 = phc_now_s();
  size_t done = 0, failures = 0, total = selected * ndev;
  for (size_t d = 0; d < ndev; ++d) {
    const phc_device_info_t *dev = &run.devices[d];
    for (size_t i = 0; i < suite.count; ++i) {
      const phc_case_t *c = &suite.cases[i];
      if (!phc_selected(&o, c)) continue;
      if (tty)
        fprintf(stderr, "\r[%zu/%zu] %s %s, %zu failed\033[K", done + 1, total, dev->props.id,
                c->name, failures);
      pthread_mutex_lock(&phc_lock);
      phc_current_case = c;
      phc_current_device = d;
      phc_current_start = phc_now_s();
      pthread_mutex_unlock(&phc_lock);

      phc_result_t r;
      phc_run_case(c, dev->device, &dev->props, o.seed, o.profile, &r);
      r.device = d;
      phc_known_t *k = phc_known_match(&known[d], c->name, dev->props.id, dev->props.name);
      if (k == NULL) k = phc_known_match(&extra, c->name, dev->props.id, dev->props.name);
      if (k) {
        ++k->hits;
        r.known_reason = k->reason;
        if (r.status == PHC_FAIL || r.status == PHC_UNTRUSTED)
          r.status = PHC_XFAIL;
        else if (r.status == PHC_PASS)
          r.status = PHC_XPASS;
      }

      pthread_mutex_lock(&phc_lock);
      phc_current_case = NULL;
      run.results[run.result_count++] = r;
      pthread_mutex_unlock(&phc_lock);
      ++done;

      bool bad = phc_is_failure(r.status);
      failures += bad;
      if (bad || o.verbose) {
        if (tty) fputs("\r\033[K", stderr);
        printf("%-9s %s %s", phc_status_name(r.status), dev->props.id, c->name);
        if (r.status == PHC_XPASS)
          printf(": listed as a known failure (%s) but passed; remove it from the list",
                 r.known_reason);
        else if (r.message[0])
          printf(": %s", r.message);
        putchar('\n');
        if (bad)
          printf("          seed %" PRIu64 "; rerun: ph-conform --device %s --filter '%s' "
                 "--seed %" PRIu64 " --profile %s\n",
                 r.seed, dev->props.id, c->name, o.seed, run.profile_name);
        fflush(stdout);
      }
    }
  }
  if (tty) fputs("\r\033[K", stderr);
  run.wall_ms = (phc_now_s() - t0) * 1e3;

  pthread_mutex_lock(&phc_lock);
  phc_stop = 1;
  pthread_cond_signal(&phc_wake);
  pthread_mutex_unlock(&phc_lock);
  if (dog_ok) pthread_join(dog, NULL);
  phc_report_summary(&run, stdout);
  size_t counts[PHC_STATUS_COUNT_] = {0};
  for (size_t i = 0; i < run.result_count; ++i) ++counts[run.results[i].status];
  printf("\n%zu passed, %zu failed, %zu skipped, %zu known failures, %zu unexpected passes, "
         "%zu untrusted (%.1f s)\n",
         counts[PHC_PASS], counts[PHC_FAIL], counts[PHC_SKIP], counts[PHC_XFAIL],
         counts[PHC_XPASS], counts[PHC_UNTRUSTED], run.wall_ms / 1e3);
  bool reports_ok = true;
  if (o.json) reports_ok &= phc_report_json(&run, o.json);
  if (o.junit) reports_ok &= phc_report_junit(&run, o.junit);
  fflush(stdout);

  exit_code = failures ? 1 : reports_ok ? 0 : 2;
cleanup:
  for (size_t d = 0; known != NULL && d < ndev; ++d) phc_known_free(&known[d]);
  phc_known_free(&extra);
  free(known);
  free(run.results);
  free(run.devices);
  free(cmd);
  phc_suite_free(&suite);
  return exit_code;
}
