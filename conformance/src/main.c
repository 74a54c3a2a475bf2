/*
 * ph-conform: runs the conformance suite on every selected device and
 * writes the reports. See conformance/README.md for how a lab uses it.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "isolate.h"
#include "suite.h"

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

/* The run's state that each finished job updates. */
typedef struct phc_state {
  const phc_options_t *opts;
  phc_run_t *run;
  const phc_job_t *jobs;
  size_t njobs;
  phc_known_list_t *known; /* one per device */
  phc_known_list_t *extra;
  bool tty;
  size_t failures;
} phc_state_t;

static bool phc_is_failure(phc_status_t s) {
  return s == PHC_FAIL || s == PHC_XPASS || s == PHC_UNTRUSTED;
}

static void phc_on_start(void *user, size_t j) {
  phc_state_t *st = user;
  if (!st->tty) return;
  const phc_job_t *job = &st->jobs[j];
  fprintf(stderr, "\r[%zu/%zu] %s %s, %zu failed\033[K", j + 1, st->njobs,
          st->run->devices[job->device].props.id, job->test->name, st->failures);
}

/* Applies the known-failure lists, prints what a lab must see, and keeps
 * the result for the reports. */
static void phc_on_done(void *user, size_t j, phc_result_t *r) {
  phc_state_t *st = user;
  const phc_job_t *job = &st->jobs[j];
  const phc_device_info_t *dev = &st->run->devices[job->device];
  const phc_case_t *c = job->test;
  r->device = job->device;
  r->test = c;
  if (r->seed == 0) r->seed = phc_case_seed(st->run->base_seed, c->name);
  r->known_reason = NULL;
  phc_known_t *k = phc_known_match(&st->known[job->device], c->name, dev->props.id,
                                   dev->props.name);
  if (k == NULL) k = phc_known_match(st->extra, c->name, dev->props.id, dev->props.name);
  if (k) {
    ++k->hits;
    r->known_reason = k->reason;
    if (r->status == PHC_FAIL || r->status == PHC_UNTRUSTED)
      r->status = PHC_XFAIL;
    else if (r->status == PHC_PASS)
      r->status = PHC_XPASS;
  }
  st->run->results[st->run->result_count++] = *r;

  bool bad = phc_is_failure(r->status);
  st->failures += bad;
  if (bad || st->opts->verbose) {
    if (st->tty) fputs("\r\033[K", stderr);
    printf("%-9s %s %s", phc_status_name(r->status), dev->props.id, c->name);
    if (r->status == PHC_XPASS)
      printf(": listed as a known failure (%s) but passed; remove it from the list",
             r->known_reason);
    else if (r->message[0])
      printf(": %s", r->message);
    putchar('\n');
    if (bad)
      printf("          seed %" PRIu64 "; rerun: ph-conform --device %s --filter '%s' "
             "--seed %" PRIu64 " --profile %s\n",
             r->seed, dev->props.id, c->name, st->run->base_seed, st->run->profile_name);
    fflush(stdout);
  }
}

/* --- In-process runs (--no-isolate): a watchdog stops a hung case, since
 * nothing else can end a plugin thread stuck in a driver. ---------------- */

static pthread_mutex_t phc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t phc_wake = PTHREAD_COND_INITIALIZER;
static int phc_stop;
static phc_state_t *phc_watched;
static size_t phc_current_job = SIZE_MAX;
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
    phc_state_t *st = phc_watched;
    if (phc_current_job != SIZE_MAX &&
        phc_now_s() - phc_current_start > st->opts->timeout_s) {
      phc_result_t r;
      memset(&r, 0, sizeof r);
      r.status = PHC_FAIL;
      snprintf(r.message, sizeof r.message, "timed out after %.0f s; the run was stopped",
               st->opts->timeout_s);
      phc_on_done(st, phc_current_job, &r);
      fprintf(stderr, "ph-conform: a case timed out; writing the reports and stopping\n");
      if (st->opts->json) phc_report_json(st->run, st->opts->json);
      if (st->opts->junit) phc_report_junit(st->run, st->opts->junit);
      fflush(NULL);
      _exit(1); /* the plugin's thread is stuck; nothing else can end it */
    }
  }
  pthread_mutex_unlock(&phc_lock);
  return NULL;
}

static void phc_run_in_process(phc_state_t *st, ph_device_t *const *devs) {
  phc_watched = st;
  pthread_t dog;
  bool dog_ok = pthread_create(&dog, NULL, phc_watchdog, NULL) == 0;
  for (size_t j = 0; j < st->njobs; ++j) {
    const phc_job_t *job = &st->jobs[j];
    phc_on_start(st, j);
    pthread_mutex_lock(&phc_lock);
    phc_current_job = j;
    phc_current_start = phc_now_s();
    pthread_mutex_unlock(&phc_lock);
    phc_result_t r;
    phc_run_case(job->test, devs[job->device], &st->run->devices[job->device].props,
                 st->run->base_seed, st->opts->profile, &r);
    pthread_mutex_lock(&phc_lock);
    phc_current_job = SIZE_MAX;
    phc_on_done(st, j, &r);
    pthread_mutex_unlock(&phc_lock);
  }
  pthread_mutex_lock(&phc_lock);
  phc_stop = 1;
  pthread_cond_signal(&phc_wake);
  pthread_mutex_unlock(&phc_lock);
  if (dog_ok) pthread_join(dog, NULL);
}

/* Resolves --device (or every device) into |devs|: 0, or an exit status. */
static int phc_resolve_devices(const phc_options_t *o, ph_device_t **devs, size_t *ndev,
                               size_t cap) {
  *ndev = 0;
  if (o->device_count == 0) {
    size_t n = 0;
    ph_device_count(&n);
    for (size_t i = 0; i < n && *ndev < cap; ++i)
      if (ph_device_get(i, &devs[*ndev]) == PH_OK) ++*ndev;
  }
  for (size_t i = 0; i < o->device_count; ++i) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", o->devices[i]);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
      /* A bare plugin name ("opencl") means every device of that plugin,
       * so one run covers every ICD behind the OpenCL plugin. */
      if (strchr(tok, ':') == NULL && phc_add_plugin_devices(tok, devs, ndev, cap)) continue;
      ph_device_t *d = NULL;
      if (ph_device_find(tok, &d) != PH_OK) {
        if (o->skip_missing && o->worker_fd < 0) {
          printf("SKIP: no device '%s' (%s)\n", tok, ph_last_error());
          continue;
        }
        if (o->skip_missing) continue;
        fprintf(stderr, "ph-conform: no device '%s': %s\n", tok, ph_last_error());
        return 2;
      }
      bool dup = false;
      for (size_t j = 0; j < *ndev; ++j) dup |= devs[j] == d;
      if (!dup && *ndev < cap) devs[(*ndev)++] = d;
    }
  }
  if (*ndev == 0 && o->skip_missing) return 77;
  if (*ndev == 0) {
    fprintf(stderr, "ph-conform: no device found (ph-info -v says why plugins were skipped)\n");
    return 2;
  }
  return 0;
}

int main(int argc, char **argv) {
  phc_options_t o;
  int rc = phc_parse(argc, argv, &o);
  if (rc) return rc == 1 ? 0 : 2;
  if (o.plugin) setenv("PH_PLUGINS", o.plugin, 1);
  if (o.isolate && o.worker_fd < 0) phc_isolate_save_env();

  phc_suite_t suite;
  if (!phc_suite_build(&suite)) return 2;
  ph_device_t *devs[64];
  size_t ndev = 0;
  rc = phc_resolve_devices(&o, devs, &ndev, 64);
  if (rc) {
    phc_suite_free(&suite);
    return rc;
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

  /* The order of work: every selected case on device 0, then device 1... */
  size_t njobs = selected * ndev, nj = 0;
  phc_job_t *jobs = calloc(njobs, sizeof *jobs);
  if (jobs == NULL) {
    fprintf(stderr, "ph-conform: out of memory\n");
    phc_suite_free(&suite);
    return 2;
  }
  for (size_t d = 0; d < ndev; ++d)
    for (size_t i = 0; i < suite.count; ++i)
      if (phc_selected(&o, &suite.cases[i])) jobs[nj++] = (phc_job_t){d, &suite.cases[i]};

  if (o.worker_fd >= 0) {
    rc = phc_worker_run(jobs, njobs, o.worker_from, o.worker_fd, devs, o.seed, o.profile);
    free(jobs);
    phc_suite_free(&suite);
    return rc;
  }

  phc_run_t run;
  memset(&run, 0, sizeof run);
  char *cmd = phc_join_argv(argc, argv);
  run.command_line = cmd ? cmd : argv[0];
  run.profile_name = o.profile == PHC_FULL ? "full" : "quick";
  run.base_seed = o.seed;
  int exit_code = 2; /* until the run completes */
  run.devices = calloc(ndev, sizeof *run.devices);
  run.results = calloc(njobs + 1, sizeof *run.results);
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
  printf("ph-conform %s: %zu cases x %zu devices, profile %s, seed %" PRIu64 "%s\n",
         PHC_SUITE_VERSION, selected, ndev, run.profile_name, o.seed,
         o.isolate ? "" : ", in-process");
  fflush(stdout);

  phc_state_t st = {&o, &run, jobs, njobs, known, &extra,
                    o.progress && isatty(STDERR_FILENO), 0};
  double t0 = phc_now_s();
  if (o.isolate) {
    if (!phc_supervise(argc, argv, njobs, o.timeout_s, phc_on_start, phc_on_done, &st))
      goto cleanup;
  } else {
    phc_run_in_process(&st, devs);
  }
  if (st.tty) fputs("\r\033[K", stderr);
  run.wall_ms = (phc_now_s() - t0) * 1e3;

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
  exit_code = st.failures ? 1 : reports_ok ? 0 : 2;
cleanup:
  for (size_t d = 0; known != NULL && d < ndev; ++d) phc_known_free(&known[d]);
  phc_known_free(&extra);
  free(known);
  free(run.results);
  free(run.devices);
  free(cmd);
  free(jobs);
  phc_suite_free(&suite);
  phc_isolate_free_env();
  return exit_code;
}
