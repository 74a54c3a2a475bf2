/*
 * The runner's side of the suite: the case list, one result per case and
 * device, and the pieces main.c wires together (selection, known
 * failures, reports). Group files see only conform.h.
 */
#ifndef PH_CONFORM_SUITE_H_
#define PH_CONFORM_SUITE_H_

#include <stdio.h>

#include "conform.h"

struct phc_suite {
  phc_case_t *cases;
  size_t count, cap;
  int oom; /* an allocation failed while registering */
};

/* Registers every group; reports duplicate names on stderr. Returns false
 * when the suite itself is broken (duplicates, out of memory). */
bool phc_suite_build(phc_suite_t *s);
void phc_suite_free(phc_suite_t *s);

/* What one device is, for the reports (the certification record). */
typedef struct phc_device_info {
  ph_device_t *device;
  ph_device_props_t props;
  char plugin_name[64];
  char plugin_version[64];
  char plugin_vendor[64];
  char plugin_path[1024];
  uint32_t plugin_abi;
  char sha256[65]; /* of the plugin file; "" if unreadable */
} phc_device_info_t;

typedef struct phc_result {
  size_t device;        /* index into the run's devices */
  const phc_case_t *test;
  phc_status_t status;
  char message[640];
  double max_err, max_ratio;
  char tolerance[96];
  uint64_t seed;
  double time_ms;
  const char *known_reason; /* the known-failure list's reason, or NULL */
} phc_result_t;

typedef struct phc_run {
  const char *command_line;
  const char *profile_name;
  uint64_t base_seed;
  phc_device_info_t *devices;
  size_t device_count;
  phc_result_t *results;
  size_t result_count;
  double wall_ms;
} phc_run_t;

const char *phc_status_name(phc_status_t st);
/* Case seed from the run's base seed and the case name (FNV-1a mixed). */
uint64_t phc_case_seed(uint64_t base, const char *name);
void phc_rng_seed(phc_rng_t *r, uint64_t seed);

/* Runs one case on one device into |out|. */
void phc_run_case(const phc_case_t *c, ph_device_t *device, const ph_device_props_t *props,
                  uint64_t base_seed, uint32_t profile, phc_result_t *out);

/* Lowercase hex SHA-256 of a file into out[65]; false if unreadable. */
bool phc_sha256_file(const char *path, char out[65]);

/* Known-failure lists: "<test-glob> [device=<glob>] <reason>" lines. */
typedef struct phc_known {
  char *test_glob;
  char *device_glob; /* NULL: any device of the plugin */
  char *reason;
  char *file;
  int line;
  size_t hits;
} phc_known_t;

typedef struct phc_known_list {
  phc_known_t *items;
  size_t count, cap;
} phc_known_list_t;

/* Appends the entries of |path|. A missing file is fine when |optional|;
 * a malformed line is an error (message on stderr) so a list never
 * silently stops applying. */
bool phc_known_load(phc_known_list_t *list, const char *path, bool optional);
/* The entry matching |test| on a device of this name/id, or NULL. */
phc_known_t *phc_known_match(phc_known_list_t *list, const char *test,
                             const char *device_id, const char *device_name);
void phc_known_free(phc_known_list_t *list);

/* Reports. */
bool phc_report_json(const phc_run_t *run, const char *path);
bool phc_report_junit(const phc_run_t *run, const char *path);
void phc_report_summary(const phc_run_t *run, FILE *out);

#endif /* PH_CONFORM_SUITE_H_ */
