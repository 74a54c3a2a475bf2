/*
 * A fixed pool of threads that runs one data-parallel job at a time.
 *
 * The cpu plugin runs every op kernel through ph_cpu_parallel_for: the
 * kernel's units [0, n) are split into contiguous ranges, one per thread,
 * and the stream worker that calls it runs the first range itself.
 */
#ifndef PH_PLUGINS_CPU_THREAD_POOL_H_
#define PH_PLUGINS_CPU_THREAD_POOL_H_

#include <stdint.h>

#include "polyhal/plugin.h"

#pragma GCC visibility push(hidden)

typedef struct ph_cpu_pool ph_cpu_pool_t;

/* Runs units [begin, end) of a job; returns PH_OK or an error code. */
typedef ph_status_t (*ph_cpu_range_fn)(void *ctx, int64_t begin, int64_t end);

/* Threads a pool should use, the calling thread included: PH_CPU_THREADS
 * when set to an integer in [1, 1024], else |physical_cores| (at least 1).
 * Writes a note to |*out_note| (static text) when PH_CPU_THREADS was set but
 * ignored, else NULL. */
unsigned ph_cpu_pool_default_threads(unsigned physical_cores,
                                     const char **out_note);

/* Creates a pool in which |threads| threads (the caller of parallel_for
 * plus threads - 1 workers) share each job. Returns PH_OK, or
 * OUT_OF_MEMORY when memory or a thread could not be had. */
ph_status_t ph_cpu_pool_create(unsigned threads, ph_cpu_pool_t **out_pool);

/* Joins the workers and frees the pool. No job may be running. NULL is a
 * no-op. */
void ph_cpu_pool_destroy(ph_cpu_pool_t *pool);

/* Runs fn(ctx, b, e) over contiguous ranges covering [0, n_units) exactly
 * once, and returns when all have finished. The calling thread runs the
 * first range. Returns PH_OK, or the first error a range returned. |pool|
 * may be NULL: the caller then runs everything. Thread-safe: concurrent
 * calls (one per stream worker) run one after the other. */
ph_status_t ph_cpu_parallel_for(ph_cpu_pool_t *pool, int64_t n_units,
                                ph_cpu_range_fn fn, void *ctx);

#pragma GCC visibility pop

#endif /* PH_PLUGINS_CPU_THREAD_POOL_H_ */
