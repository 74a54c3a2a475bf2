/*
 * Running cases in a worker process. The supervisor (the ph-conform the
 * user started) re-runs its own executable with --worker; the worker runs
 * jobs in order and reports each result through a pipe. When a plugin
 * crashes the worker, or a case exceeds the timeout, the supervisor fails
 * that case with the reason and starts a new worker at the next job: a
 * certification run survives a broken plugin and explains the failure.
 */
#ifndef PH_CONFORM_ISOLATE_H_
#define PH_CONFORM_ISOLATE_H_

#include "suite.h"

/* One case on one device; the run's order of work. */
typedef struct phc_job {
  size_t device; /* index into the run's devices */
  const phc_case_t *test;
} phc_job_t;

typedef void (*phc_start_fn)(void *user, size_t job);
typedef void (*phc_done_fn)(void *user, size_t job, phc_result_t *r);

/* Keeps a copy of the process environment as it is now, before any
 * driver runs, for the workers: the OpenCL ICD loader (ocl-icd) cuts
 * OCL_ICD_FILENAMES short in place while it reads it, and a worker that
 * inherited the cut value loses every ICD but the first. Free it with
 * phc_isolate_free_env. */
void phc_isolate_save_env(void);
void phc_isolate_free_env(void);

/* The worker: runs jobs [from, njobs) on |devs| and writes each result to
 * |fd|. Returns the process exit status. */
int phc_worker_run(const phc_job_t *jobs, size_t njobs, size_t from, int fd,
                   ph_device_t *const *devs, uint64_t seed, uint32_t profile);

/* The supervisor: runs every job in workers started as
 * `argv[0..argc) --worker FD FROM` (argv[0] is replaced by this
 * executable), calling |start| before and |done| after each job, in order.
 * A job the worker dies in or that runs past |timeout_s| is done as a
 * FAIL with the reason. False (with a message) if no worker could start. */
bool phc_supervise(int argc, char **argv, size_t njobs, double timeout_s, phc_start_fn start,
                   phc_done_fn done, void *user);

#endif /* PH_CONFORM_ISOLATE_H_ */
