/*
 * The op thread pool. One job at a time: a job is (fn, ctx, n_units); the
 * caller and threads - 1 workers each take one contiguous range of [0, n).
 *
 * Why jobs are serialised (job_lock): the pool already has one thread per
 * physical core, so two jobs at once would only oversubscribe the cores, and
 * each job's split assumes every worker is its own. Streams that launch ops
 * concurrently therefore take turns; each job still uses every core.
 */
#include "thread_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

typedef struct ph_cpu_worker_arg {
  struct ph_cpu_pool *pool;
  unsigned index; /* 1..threads-1; the caller is participant 0 */
} ph_cpu_worker_arg_t;

struct ph_cpu_pool {
  unsigned threads;  /* participants, the caller included */
  unsigned started;  /* workers actually created */
  pthread_t *workers;
  ph_cpu_worker_arg_t *args;
  pthread_mutex_t job_lock; /* held for a whole job: one job at a time */
  pthread_mutex_t lock;     /* guards the fields below */
  pthread_cond_t start_cv;  /* a new job (or stop) for the workers */
  pthread_cond_t done_cv;   /* the last worker finished the job */
  uint64_t job_gen;
  int stop;
  ph_cpu_range_fn fn;
  void *ctx;
  int64_t n;
  unsigned remaining; /* workers still running the current job */
  ph_status_t status; /* first error of the current job */
};

/* Range of participant |p| of |t|: sizes differ by at most one, and the
 * arithmetic cannot overflow for any n >= 0. */
static void ph_cpu_range(int64_t n, unsigned t, unsigned p, int64_t *b,
                         int64_t *e) {
  int64_t base = n / (int64_t)t, rem = n % (int64_t)t, ip = (int64_t)p;
  *b = ip * base + (ip < rem ? ip : rem);
  *e = *b + base + (ip < rem ? 1 : 0);
}

static void *ph_cpu_pool_worker(void *arg) {
  ph_cpu_worker_arg_t *wa = arg;
  ph_cpu_pool_t *pool = wa->pool;
  uint64_t seen = 0;
  pthread_mutex_lock(&pool->lock);
  for (;;) {
    while (pool->job_gen == seen && !pool->stop)
      pthread_cond_wait(&pool->start_cv, &pool->lock);
    if (pool->stop) break;
    seen = pool->job_gen;
    ph_cpu_range_fn fn = pool->fn;
    void *ctx = pool->ctx;
    int64_t b, e;
    ph_cpu_range(pool->n, pool->threads, wa->index, &b, &e);
    pthread_mutex_unlock(&pool->lock);
    ph_status_t st = b < e ? fn(ctx, b, e) : PH_OK;
    pthread_mutex_lock(&pool->lock);
    if (st != PH_OK && pool->status == PH_OK) pool->status = st;
    if (--pool->remaining == 0) pthread_cond_signal(&pool->done_cv);
  }
  pthread_mutex_unlock(&pool->lock);
  return NULL;
}

unsigned ph_cpu_pool_default_threads(unsigned physical_cores,
                                     const char **out_note) {
  /* PH_CPU_THREADS=<n> overrides the thread count of the cpu plugin's op
   * pool (the stream worker that runs an op counts as one): for
   * benchmarks, for tests that want several threads on a small machine, or
   * to leave cores to other work. Values outside [1, 1024] are ignored. */
  *out_note = NULL;
  const char *s = getenv("PH_CPU_THREADS");
  if (s != NULL && *s != '\0') {
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno == 0 && end != s && *end == '\0' && v >= 1 && v <= 1024)
      return (unsigned)v;
    *out_note = "PH_CPU_THREADS is not an integer in [1, 1024]; ignored";
  }
  return physical_cores > 0 ? physical_cores : 1;
}

static void ph_cpu_pool_stop(ph_cpu_pool_t *pool) {
  pthread_mutex_lock(&pool->lock);
  pool->stop = 1;
  pthread_cond_broadcast(&pool->start_cv);
  pthread_mutex_unlock(&pool->lock);
  for (unsigned i = 0; i < pool->started; ++i) pthread_join(pool->workers[i], NULL);
}

static void ph_cpu_pool_free(ph_cpu_pool_t *pool) {
  pthread_cond_destroy(&pool->done_cv);
  pthread_cond_destroy(&pool->start_cv);
  pthread_mutex_destroy(&pool->lock);
  pthread_mutex_destroy(&pool->job_lock);
  free(pool->args);
  free(pool->workers);
  free(pool);
}

ph_status_t ph_cpu_pool_create(unsigned threads, ph_cpu_pool_t **out_pool) {
  *out_pool = NULL;
  if (threads == 0) threads = 1;
  ph_cpu_pool_t *pool = calloc(1, sizeof(*pool));
  if (pool == NULL) return PH_ERROR_OUT_OF_MEMORY;
  pool->threads = threads;
  pthread_mutex_init(&pool->job_lock, NULL);
  pthread_mutex_init(&pool->lock, NULL);
  pthread_cond_init(&pool->start_cv, NULL);
  pthread_cond_init(&pool->done_cv, NULL);
  unsigned nw = threads - 1;
  if (nw > 0) {
    pool->workers = calloc(nw, sizeof(*pool->workers));
    pool->args = calloc(nw, sizeof(*pool->args));
    if (pool->workers == NULL || pool->args == NULL) goto fail;
  }
  for (unsigned i = 0; i < nw; ++i) {
    pool->args[i].pool = pool;
    pool->args[i].index = i + 1;
    if (pthread_create(&pool->workers[i], NULL, ph_cpu_pool_worker, &pool->args[i]) != 0)
      goto fail;
    pool->started++;
  }
  *out_pool = pool;
  return PH_OK;
fail:
  ph_cpu_pool_stop(pool);
  ph_cpu_pool_free(pool);
  return PH_ERROR_OUT_OF_MEMORY;
}

void ph_cpu_pool_destroy(ph_cpu_pool_t *pool) {
  if (pool == NULL) return;
  ph_cpu_pool_stop(pool);
  ph_cpu_pool_free(pool);
}

ph_status_t ph_cpu_parallel_for(ph_cpu_pool_t *pool, int64_t n_units,
                                ph_cpu_range_fn fn, void *ctx) {
  if (n_units <= 0) return PH_OK;
  /* One unit, or no workers: waking threads would only cost time. */
  if (pool == NULL || pool->threads == 1 || n_units == 1)
    return fn(ctx, 0, n_units);

  pthread_mutex_lock(&pool->job_lock);
  pthread_mutex_lock(&pool->lock);
  pool->fn = fn;
  pool->ctx = ctx;
  pool->n = n_units;
  pool->status = PH_OK;
  pool->remaining = pool->threads - 1;
  pool->job_gen++;
  pthread_cond_broadcast(&pool->start_cv);
  pthread_mutex_unlock(&pool->lock);

  int64_t b, e;
  ph_cpu_range(n_units, pool->threads, 0, &b, &e);
  ph_status_t st = b < e ? fn(ctx, b, e) : PH_OK;

  pthread_mutex_lock(&pool->lock);
  while (pool->remaining > 0) pthread_cond_wait(&pool->done_cv, &pool->lock);
  if (st == PH_OK) st = pool->status;
  pthread_mutex_unlock(&pool->lock);
  pthread_mutex_unlock(&pool->job_lock);
  return st;
}
