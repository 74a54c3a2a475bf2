/* ph-conform's command line. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void phc_usage(FILE *f) {
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
      "  --no-isolate        run cases in this process (for a debugger); by default\n"
      "                      they run in a worker process, so a plugin that crashes\n"
      "                      fails the case it crashed in and the run goes on\n"
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

int phc_parse(int argc, char **argv, phc_options_t *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->timeout_s = 300;
  o->progress = 1;
  o->isolate = 1;
  o->worker_fd = -1;
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
    } else if (strcmp(a, "--no-isolate") == 0) {
      o->isolate = 0;
    } else if (strcmp(a, "--worker") == 0) {
      /* Internal: --worker FD FROM, how the supervisor starts a worker. */
      uint64_t fd, from;
      if (i + 2 >= argc || !phc_parse_u64(argv[i + 1], &fd) ||
          !phc_parse_u64(argv[i + 2], &from) || fd > 1024) {
        fprintf(stderr, "ph-conform: --worker is internal (FD FROM)\n");
        return 2;
      }
      o->worker_fd = (int)fd;
      o->worker_from = (size_t)from;
      i += 2;
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

bool phc_selected(const phc_options_t *o, const phc_case_t *c) {
  if (c->profile == PHC_FULL && o->profile != PHC_FULL) return false;
  for (size_t i = 0; i < o->exclude_count; ++i)
    if (fnmatch(o->excludes[i], c->name, 0) == 0) return false;
  if (o->filter_count == 0) return true;
  for (size_t i = 0; i < o->filter_count; ++i)
    if (fnmatch(o->filters[i], c->name, 0) == 0) return true;
  return false;
}

char *phc_join_argv(int argc, char **argv) {
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

