/*
 * ph-conform's command line: options, the usage text, and which cases an
 * invocation selects.
 */
#ifndef PH_CONFORM_CLI_H_
#define PH_CONFORM_CLI_H_

#include <stdio.h>

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
  int isolate;         /* run cases in a worker process (default on) */
  int worker_fd;       /* --worker FD FROM: this process is a worker */
  size_t worker_from;
  double timeout_s;
} phc_options_t;


/* Parses argv into |o|: 0 on success, 1 after printing --help, 2 on a
 * usage error (with a message on stderr). */
int phc_parse(int argc, char **argv, phc_options_t *o);
void phc_usage(FILE *f);
/* True when case |c| is in the invocation's profile and filters. */
bool phc_selected(const phc_options_t *o, const phc_case_t *c);
/* argv as one shell-quoted line, for the report; NULL if out of memory. */
char *phc_join_argv(int argc, char **argv);

#endif /* PH_CONFORM_CLI_H_ */
