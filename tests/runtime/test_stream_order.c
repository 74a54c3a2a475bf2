/*
 * Ordering tests of streams and events on the cpu device. Each check is
 * built so that it fails if a stream ran its work synchronously (the
 * enqueue returns only when the work is done) or out of order, or if a
 * wait on an event did not hold later work back. Nothing here depends on
 * timing being precise: streams are kept busy with chains of large copies
 * (hundreds of MiB of traffic) and the tests check results and states
 * right after enqueueing, which a synchronous queue can never produce.
 */
#include <pthread.h>
#include <stdbool.h>

#include "rt.h"

#define BIG ((uint64_t)64 << 20) /* bytes of each busy-chain buffer */
#define BUSY_COPIES 12           /* 12 x 64 MiB copies: far above a millisecond */
#define SMALL 4096

static ph_device_t *dev;

/* Enqueues |copies| copies of BIG bytes back and forth between |a| and |b|
 * (both BIG): work that keeps |s| busy and ends with both holding what |a|
 * held. */
static void busy_chain(ph_stream_t *s, ph_buffer_t *a, ph_buffer_t *b, int copies) {
  for (int i = 0; i < copies; ++i) {
    if (i % 2 == 0) RT_OK(ph_buffer_copy(s, b, 0, a, 0, BIG));
    else RT_OK(ph_buffer_copy(s, a, 0, b, 0, BIG));
  }
  if (copies % 2) RT_OK(ph_buffer_copy(s, a, 0, b, 0, BIG));
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != v) return false;
  return true;
}

/* Buffers most tests share: two big ones for busy chains, two small. */
typedef struct {
  ph_buffer_t *a, *b, *s, *t;
} bufs_t;

static bool bufs_alloc(bufs_t *x) {
  memset(x, 0, sizeof *x);
  return RT_OK(ph_buffer_alloc(dev, BIG, 0, &x->a)) == PH_OK &&
         RT_OK(ph_buffer_alloc(dev, BIG, 0, &x->b)) == PH_OK &&
         RT_OK(ph_buffer_alloc(dev, SMALL, 0, &x->s)) == PH_OK &&
         RT_OK(ph_buffer_alloc(dev, SMALL, 0, &x->t)) == PH_OK;
}

static void bufs_free(bufs_t *x) {
  ph_buffer_free(x->a);
  ph_buffer_free(x->b);
  ph_buffer_free(x->s);
  ph_buffer_free(x->t);
}

/*--- 1. a wait on another stream's event holds later work back -------------*/

static void test_cross_stream_wait(void) {
  bufs_t x;
  ph_stream_t *sa = NULL, *sb = NULL;
  ph_event_t *e = NULL;
  static uint8_t host[SMALL];
  if (!bufs_alloc(&x) || RT_OK(ph_stream_create(dev, 0, &sa)) != PH_OK ||
      RT_OK(ph_stream_create(dev, 0, &sb)) != PH_OK ||
      RT_OK(ph_event_create(dev, 0, &e)) != PH_OK)
    goto done;
  RT_OK(ph_buffer_fill(sa, x.a, 0, 0xa5, BIG));
  RT_OK(ph_buffer_fill(sa, x.s, 0, 0x11, SMALL));
  RT_OK(ph_buffer_fill(sa, x.t, 0, 0xee, SMALL));
  RT_OK(ph_stream_sync(sa));

  /* A: long chain, then s = 0x22, then the record. */
  busy_chain(sa, x.a, x.b, BUSY_COPIES);
  RT_OK(ph_buffer_fill(sa, x.s, 0, 0x22, SMALL));
  RT_OK(ph_event_record(e, sa));
  /* B: wait, t = s, read t. Without the wait B would copy 0x11. */
  memset(host, 0, sizeof host);
  RT_OK(ph_stream_wait_event(sb, e));
  RT_OK(ph_buffer_copy(sb, x.t, 0, x.s, 0, SMALL));
  RT_OK(ph_buffer_read(sb, host, x.t, 0, SMALL));
  /* Right after enqueueing, A is still copying and B is blocked on it. */
  RT_CHECK(ph_stream_query(sb) == PH_ERROR_NOT_READY,
           "stream B reports idle while it waits on A's unfinished event");
  RT_CHECK(ph_event_query(e) == PH_ERROR_NOT_READY,
           "event recorded behind a long chain reports completed at once");
  RT_CHECK(ph_stream_query(sa) == PH_ERROR_NOT_READY,
           "stream A reports idle right after a long chain was enqueued");
  RT_OK(ph_stream_sync(sb));
  RT_CHECK(all_bytes(host, SMALL, 0x22),
           "B read 0x%02x, want 0x22: B did not wait for A's event", host[0]);
  RT_CHECK(ph_event_query(e) == PH_OK, "event not completed after the waiting stream synced");

  /* The wait takes the event's latest record: record once on an idle
   * stream (completes at once), then again behind a chain. */
  RT_OK(ph_event_record(e, sa));
  RT_OK(ph_event_sync(e));
  busy_chain(sa, x.a, x.b, BUSY_COPIES);
  RT_OK(ph_buffer_fill(sa, x.s, 0, 0x33, SMALL));
  RT_OK(ph_event_record(e, sa));
  RT_OK(ph_stream_wait_event(sb, e));
  RT_OK(ph_buffer_copy(sb, x.t, 0, x.s, 0, SMALL));
  RT_OK(ph_buffer_read(sb, host, x.t, 0, SMALL));
  RT_OK(ph_stream_sync(sb));
  RT_CHECK(all_bytes(host, SMALL, 0x33),
           "B read 0x%02x, want 0x33: the wait used an old record of the event", host[0]);

  /* A never-recorded event does not block. */
  ph_event_t *fresh = NULL;
  if (RT_OK(ph_event_create(dev, 0, &fresh)) == PH_OK) {
    RT_OK(ph_stream_wait_event(sb, fresh));
    RT_OK(ph_buffer_fill(sb, x.t, 0, 0x44, SMALL));
    RT_OK(ph_buffer_read(sb, host, x.t, 0, SMALL));
    RT_OK(ph_stream_sync(sb));
    RT_CHECK(all_bytes(host, SMALL, 0x44), "work after a wait on a fresh event did not run");
    ph_event_destroy(fresh);
  }
  RT_OK(ph_stream_sync(sa));
done:
  ph_event_destroy(e);
  ph_stream_destroy(sa);
  ph_stream_destroy(sb);
  bufs_free(&x);
}

/*--- 2. one stream runs a dependent chain in order ------------------------*/

enum { CHAIN_BUF = 8192, CHAIN_OPS = 3000, CHAIN_SNAPS = 24, CHAIN_MAXLEN = 1024 };

typedef struct {
  uint64_t rng;
  ph_stream_t *stream;
  ph_buffer_t *buf[2];
  uint8_t mirror[2][CHAIN_BUF]; /* what the buffers must hold, host side */
  uint8_t *arena;               /* write payloads; borrowed until sync */
  uint8_t snaps[CHAIN_SNAPS][CHAIN_BUF];
  uint8_t want_snaps[CHAIN_SNAPS][CHAIN_BUF];
  int failures;
  char first_failure[256];
} chain_t;

static void chain_fail(chain_t *c, const char *what, ph_status_t s) {
  if (c->failures++ == 0)
    snprintf(c->first_failure, sizeof c->first_failure, "%s -> %s: %s", what,
             ph_status_string(s), ph_last_error());
}

/* Enqueues a seeded random mix of writes, fills, copies (between and
 * within the two buffers) and snapshot reads, mirroring each on the host.
 * Ranges overlap heavily, so any reordering changes the result. */
static void chain_run(chain_t *c, int ops) {
  size_t arena_used = 0;
  int snap = 0;
  for (int i = 0; i < ops; ++i) {
    int kind = (int)(rt_next_r(&c->rng) % 8);
    int d = (int)(rt_next_r(&c->rng) % 2);
    uint64_t len = 1 + rt_next_r(&c->rng) % CHAIN_MAXLEN;
    uint64_t doff = rt_next_r(&c->rng) % (CHAIN_BUF - len + 1);
    uint64_t soff = rt_next_r(&c->rng) % (CHAIN_BUF - len + 1);
    ph_status_t s = PH_OK;
    if (kind <= 1) { /* write */
      uint8_t *p = c->arena + arena_used;
      arena_used += len;
      for (uint64_t k = 0; k < len; ++k) p[k] = (uint8_t)(rt_next_r(&c->rng) >> 56);
      memcpy(c->mirror[d] + doff, p, len);
      s = ph_buffer_write(c->stream, c->buf[d], doff, p, len);
    } else if (kind == 2) { /* fill */
      uint8_t v = (uint8_t)rt_next_r(&c->rng);
      memset(c->mirror[d] + doff, v, len);
      s = ph_buffer_fill(c->stream, c->buf[d], doff, v, len);
    } else if (kind <= 5) { /* copy from the other buffer */
      memcpy(c->mirror[d] + doff, c->mirror[1 - d] + soff, len);
      s = ph_buffer_copy(c->stream, c->buf[d], doff, c->buf[1 - d], soff, len);
    } else if (kind == 6) { /* copy within one buffer, ranges apart */
      if (doff < soff + len && soff < doff + len) continue;
      memmove(c->mirror[d] + doff, c->mirror[d] + soff, len);
      s = ph_buffer_copy(c->stream, c->buf[d], doff, c->buf[d], soff, len);
    } else { /* snapshot read of a whole buffer */
      if (snap >= CHAIN_SNAPS) continue;
      memcpy(c->want_snaps[snap], c->mirror[d], CHAIN_BUF);
      s = ph_buffer_read(c->stream, c->snaps[snap], c->buf[d], 0, CHAIN_BUF);
      ++snap;
    }
    if (s != PH_OK) chain_fail(c, "enqueue", s);
  }
  for (int d = 0; d < 2; ++d) {
    if (snap >= CHAIN_SNAPS) break;
    memcpy(c->want_snaps[snap], c->mirror[d], CHAIN_BUF);
    ph_status_t s = ph_buffer_read(c->stream, c->snaps[snap], c->buf[d], 0, CHAIN_BUF);
    if (s != PH_OK) chain_fail(c, "final read", s);
    ++snap;
  }
  ph_status_t s = ph_stream_sync(c->stream);
  if (s != PH_OK) chain_fail(c, "ph_stream_sync", s);
  for (int k = 0; k < snap; ++k) {
    long at = rt_first_diff(c->snaps[k], c->want_snaps[k], CHAIN_BUF);
    if (at >= 0 && c->failures++ == 0)
      snprintf(c->first_failure, sizeof c->first_failure,
               "snapshot %d differs at byte %ld (got 0x%02x, want 0x%02x)", k, at,
               c->snaps[k][at], c->want_snaps[k][at]);
  }
}

/* Sets up a chain on a new stream with fresh buffers of known content. */
static bool chain_init(chain_t *c, uint64_t seed, int ops) {
  memset(c, 0, sizeof *c);
  c->rng = seed;
  c->arena = malloc((size_t)ops * CHAIN_MAXLEN);
  if (!c->arena) return false;
  ph_status_t s = ph_stream_create(dev, 0, &c->stream);
  for (int d = 0; d < 2 && s == PH_OK; ++d) {
    s = ph_buffer_alloc(dev, CHAIN_BUF, 0, &c->buf[d]);
    if (s == PH_OK) s = ph_buffer_fill(c->stream, c->buf[d], 0, (uint8_t)d, CHAIN_BUF);
    memset(c->mirror[d], d, CHAIN_BUF);
  }
  if (s != PH_OK) chain_fail(c, "setup", s);
  return s == PH_OK;
}

static void chain_fini(chain_t *c) {
  ph_stream_destroy(c->stream);
  ph_buffer_free(c->buf[0]);
  ph_buffer_free(c->buf[1]);
  free(c->arena);
}

static void test_single_stream_chain(uint64_t seed) {
  chain_t *c = calloc(1, sizeof *c);
  if (!c) {
    RT_CHECK(0, "out of host memory");
    return;
  }
  if (chain_init(c, seed, CHAIN_OPS)) chain_run(c, CHAIN_OPS);
  RT_CHECK(c->failures == 0, "single-stream chain (seed %llu): %d failure(s), first: %s",
           (unsigned long long)seed, c->failures, c->first_failure);
  chain_fini(c);
  free(c);
}

/*--- 3. 32 streams at once, each driven by its own host thread ------------*/

enum { NUM_STREAMS = 32, THREAD_OPS = 400 };

static void *chain_thread(void *arg) {
  chain_t *c = arg;
  /* The caller put this thread's seed in c->rng. */
  if (chain_init(c, c->rng, THREAD_OPS)) chain_run(c, THREAD_OPS);
  return NULL;
}

static void test_many_streams(uint64_t seed) {
  chain_t *chains = calloc(NUM_STREAMS, sizeof *chains);
  pthread_t threads[NUM_STREAMS];
  bool started[NUM_STREAMS] = {false};
  if (!chains) {
    RT_CHECK(0, "out of host memory");
    return;
  }
  for (int i = 0; i < NUM_STREAMS; ++i) {
    chains[i].rng = seed + 1000 + (uint64_t)i;
    started[i] = pthread_create(&threads[i], NULL, chain_thread, &chains[i]) == 0;
    RT_CHECK(started[i], "pthread_create %d failed", i);
  }
  for (int i = 0; i < NUM_STREAMS; ++i) {
    if (!started[i]) continue;
    pthread_join(threads[i], NULL);
    RT_CHECK(chains[i].failures == 0, "stream %d of %d (seed %llu): %d failure(s), first: %s",
             i, NUM_STREAMS, (unsigned long long)(seed + 1000 + (uint64_t)i),
             chains[i].failures, chains[i].first_failure);
    chain_fini(&chains[i]);
  }
  free(chains);
}

/* A pipeline across 32 streams: stream i waits for stream i-1's event,
 * copies its buffer on and records its own event. Stream 0 starts behind
 * a long chain, so every later stream would copy stale data if a wait
 * did not hold it back. */
static void test_pipeline(void) {
  enum { N = NUM_STREAMS, LEN = 65536 };
  ph_stream_t *s[N] = {NULL};
  ph_event_t *e[N] = {NULL};
  ph_buffer_t *b[N] = {NULL};
  bufs_t x;
  uint8_t *payload = malloc(LEN), *host = malloc(LEN);
  bool ok = payload && host && bufs_alloc(&x);
  for (int i = 0; ok && i < N; ++i)
    ok = RT_OK(ph_stream_create(dev, 0, &s[i])) == PH_OK &&
         RT_OK(ph_event_create(dev, 0, &e[i])) == PH_OK &&
         RT_OK(ph_buffer_alloc(dev, LEN, 0, &b[i])) == PH_OK &&
         RT_OK(ph_buffer_fill(s[i], b[i], 0, 0x00, LEN)) == PH_OK;
  if (ok) {
    for (int i = 0; i < N; ++i) RT_OK(ph_stream_sync(s[i]));
    rt_random_bytes(payload, LEN);
    memset(host, 0, LEN);
    RT_OK(ph_buffer_fill(s[0], x.a, 0, 0x5a, BIG));
    busy_chain(s[0], x.a, x.b, BUSY_COPIES);
    RT_OK(ph_buffer_write(s[0], b[0], 0, payload, LEN));
    RT_OK(ph_event_record(e[0], s[0]));
    for (int i = 1; i < N; ++i) {
      RT_OK(ph_stream_wait_event(s[i], e[i - 1]));
      RT_OK(ph_buffer_copy(s[i], b[i], 0, b[i - 1], 0, LEN));
      RT_OK(ph_event_record(e[i], s[i]));
    }
    RT_OK(ph_buffer_read(s[N - 1], host, b[N - 1], 0, LEN));
    RT_CHECK(ph_stream_query(s[N - 1]) == PH_ERROR_NOT_READY,
             "the last stream of the pipeline reports idle while stream 0 is busy");
    RT_CHECK(ph_event_query(e[N - 1]) == PH_ERROR_NOT_READY,
             "the last event of the pipeline reports completed while stream 0 is busy");
    RT_OK(ph_stream_sync(s[N - 1]));
    long at = rt_first_diff(host, payload, LEN);
    RT_CHECK(at < 0, "pipeline output differs at byte %ld: a wait did not order the copies", at);
    for (int i = 0; i < N; ++i)
      RT_CHECK(ph_event_query(e[i]) == PH_OK, "pipeline event %d not completed", i);
  }
  for (int i = 0; i < N; ++i) {
    ph_stream_destroy(s[i]);
    ph_event_destroy(e[i]);
    ph_buffer_free(b[i]);
  }
  if (payload && host) bufs_free(&x);
  free(payload);
  free(host);
}

/*--- 4. events: states and timers -----------------------------------------*/

static void test_events(void) {
  bufs_t x;
  ph_stream_t *s = NULL;
  ph_event_t *e[4] = {NULL};
  if (!bufs_alloc(&x) || RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK) goto done;
  for (int i = 0; i < 4; ++i)
    if (RT_OK(ph_event_create(dev, 0, &e[i])) != PH_OK) goto done;

  /* A new event counts as completed. */
  RT_CHECK(ph_event_query(e[0]) == PH_OK, "a new event is not completed");
  RT_OK(ph_event_sync(e[0]));

  RT_OK(ph_buffer_fill(s, x.a, 0, 0x3c, BIG));
  busy_chain(s, x.a, x.b, BUSY_COPIES);
  RT_OK(ph_event_record(e[0], s));
  RT_CHECK(ph_event_query(e[0]) == PH_ERROR_NOT_READY,
           "event behind a long chain is completed right after the record");
  RT_CHECK(ph_stream_query(s) == PH_ERROR_NOT_READY, "a busy stream reports idle");
  RT_OK(ph_event_sync(e[0]));
  RT_CHECK(ph_event_query(e[0]) == PH_OK, "event not completed after ph_event_sync");
  RT_OK(ph_stream_sync(s));
  RT_CHECK(ph_stream_query(s) == PH_OK, "stream not idle after ph_stream_sync");

  ph_device_props_t props;
  memset(&props, 0, sizeof props);
  props.struct_size = sizeof props;
  RT_OK(ph_device_get_props(dev, &props));
  if (!(props.flags & PH_DEVICE_TIMERS)) {
    rt_skip("event timers (device lacks PH_DEVICE_TIMERS)");
    goto done;
  }
  /* Three records with real work between them. */
  RT_OK(ph_event_record(e[1], s));
  busy_chain(s, x.a, x.b, 4);
  RT_OK(ph_event_record(e[2], s));
  busy_chain(s, x.a, x.b, 4);
  RT_OK(ph_event_record(e[3], s));
  /* e[3] is still pending: its time is not known yet. */
  float ms = -1.0f;
  RT_CHECK(ph_event_elapsed_ms(e[1], e[3], &ms) == PH_ERROR_NOT_READY,
           "elapsed time of a pending event was answered");
  RT_OK(ph_event_sync(e[3]));
  float t12 = -1, t23 = -1, t13 = -1, t11 = -1;
  RT_OK(ph_event_elapsed_ms(e[1], e[2], &t12));
  RT_OK(ph_event_elapsed_ms(e[2], e[3], &t23));
  RT_OK(ph_event_elapsed_ms(e[1], e[3], &t13));
  RT_OK(ph_event_elapsed_ms(e[1], e[1], &t11));
  printf("elapsed: e1->e2 %.3f ms, e2->e3 %.3f ms, e1->e3 %.3f ms\n", (double)t12,
         (double)t23, (double)t13);
  RT_CHECK(t11 == 0.0f, "elapsed from an event to itself is %g ms", (double)t11);
  /* 4 copies of 64 MiB cannot take zero time. */
  RT_CHECK(t12 > 0.0f && t23 > 0.0f, "elapsed across real work is not positive (%g, %g)",
           (double)t12, (double)t23);
  RT_CHECK(t13 >= t12 && t13 >= t23, "elapsed not monotonic: %g, %g, %g", (double)t12,
           (double)t23, (double)t13);
  double sum = (double)t12 + (double)t23;
  RT_CHECK(sum - (double)t13 < 0.01 + 1e-3 * sum && (double)t13 - sum < 0.01 + 1e-3 * sum,
           "e1->e3 (%g) is not e1->e2 + e2->e3 (%g)", (double)t13, sum);
done:
  for (int i = 0; i < 4; ++i) ph_event_destroy(e[i]);
  ph_stream_destroy(s);
  bufs_free(&x);
}

/*--- 5. buffer_free and stream_destroy wait for pending work --------------*/

static void test_free_waits(void) {
  bufs_t x;
  ph_stream_t *s = NULL;
  ph_buffer_t *other = NULL;
  static uint8_t host[SMALL];
  if (!bufs_alloc(&x) || RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK ||
      RT_OK(ph_buffer_alloc(dev, SMALL, 0, &other)) != PH_OK) {
    ph_buffer_free(other);
    ph_stream_destroy(s);
    bufs_free(&x);
    return;
  }
  /* Freeing an unrelated buffer waits for every stream of the device: when
   * it returns, the read below has landed without any sync. */
  memset(host, 0, sizeof host);
  RT_OK(ph_buffer_fill(s, x.a, 0, 0x5c, BIG));
  busy_chain(s, x.a, x.b, BUSY_COPIES);
  RT_OK(ph_buffer_read(s, host, x.b, BIG - SMALL, SMALL));
  RT_OK(ph_buffer_free(other));
  RT_CHECK(ph_stream_query(s) == PH_OK, "ph_buffer_free returned while work was pending");
  RT_CHECK(all_bytes(host, SMALL, 0x5c), "read not complete after ph_buffer_free (0x%02x)",
           host[0]);

  /* Freeing the very buffers the pending chain uses: must wait (ASan would
   * see a use after free otherwise). */
  busy_chain(s, x.a, x.b, BUSY_COPIES);
  RT_OK(ph_buffer_free(x.a));
  x.a = NULL;
  RT_CHECK(ph_stream_query(s) == PH_OK, "ph_buffer_free of a busy buffer did not wait");
  RT_OK(ph_buffer_free(x.b));
  x.b = NULL;
  RT_OK(ph_stream_sync(s));
  ph_stream_destroy(s);

  /* Destroying a stream runs its pending work first. */
  ph_buffer_t *big = NULL, *big2 = NULL;
  ph_stream_t *s2 = NULL;
  if (RT_OK(ph_stream_create(dev, 0, &s2)) == PH_OK &&
      RT_OK(ph_buffer_alloc(dev, BIG, 0, &big)) == PH_OK &&
      RT_OK(ph_buffer_alloc(dev, BIG, 0, &big2)) == PH_OK) {
    memset(host, 0, sizeof host);
    RT_OK(ph_buffer_fill(s2, big, 0, 0x77, BIG));
    busy_chain(s2, big, big2, BUSY_COPIES);
    RT_OK(ph_buffer_read(s2, host, big2, BIG / 2, SMALL));
    RT_OK(ph_stream_destroy(s2));
    s2 = NULL;
    RT_CHECK(all_bytes(host, SMALL, 0x77),
             "ph_stream_destroy returned before its pending read ran (0x%02x)", host[0]);
  }
  ph_stream_destroy(s2);
  ph_buffer_free(big);
  ph_buffer_free(big2);
  bufs_free(&x);
}

int main(void) {
  uint64_t seed = rt_seed_from_env(20240601);
  if (ph_device_find("cpu", &dev) != PH_OK) {
    printf("SKIP: no cpu device: %s\n", ph_last_error());
    return RT_EXIT_SKIP;
  }
  printf("test_stream_order: seed %llu (PH_TEST_SEED to replay)\n", (unsigned long long)seed);
  test_cross_stream_wait();
  test_single_stream_chain(seed);
  test_many_streams(seed);
  test_pipeline();
  test_events();
  test_free_waits();
  return rt_finish("test_stream_order");
}
