/*
 * Streams and events: in-order execution within a stream, ordering across
 * streams through events, host waits (event sync, event and stream
 * queries), event re-recording, elapsed time, and many streams at once.
 *
 * The cross-stream cases give one stream "long work" (copies and fills of
 * tens of MiB, several ms each) that ends in a known final state; another
 * stream or the host then reads. A wait or a sync that returns early shows
 * as stale data (the buffer starts as 0x00; the work passes through 0x01).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conform.h"

#define MiB (1024ull * 1024ull)
#define MARK 256 /* bytes of random marker at each end */
#define MID 4096 /* bytes sampled in the middle */

static void random_bytes(phc_ctx_t *ctx, unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = (unsigned char)phc_rand_u64(&ctx->rng);
}

typedef struct work {
  ph_buffer_t *big, *tmp;
  uint64_t size;
  int reps;
  uint8_t value; /* the final fill of big, under the markers */
  unsigned char head[MARK], tail[MARK];
  unsigned char got_head[MARK], got_tail[MARK], got_mid[MID];
} work_t;

/* Allocates the buffers and sets them to 0x00 (synchronised). */
static bool work_init(phc_ctx_t *ctx, work_t *w) {
  memset(w, 0, sizeof *w);
  bool full = ctx->profile == PHC_FULL;
  w->size = (full ? 128 : 32) * MiB;
  w->reps = full ? 4 : 2;
  w->value = (uint8_t)phc_rand_int(&ctx->rng, 0x10, 0xf0);
  random_bytes(ctx, w->head, MARK);
  random_bytes(ctx, w->tail, MARK);
  return phc_ok(ctx, ph_buffer_alloc(ctx->device, w->size, 0, &w->big), "ph_buffer_alloc") &&
         phc_ok(ctx, ph_buffer_alloc(ctx->device, w->size, 0, &w->tmp), "ph_buffer_alloc") &&
         phc_ok(ctx, ph_buffer_fill(ctx->stream, w->big, 0, 0x00, w->size), "ph_buffer_fill") &&
         phc_ok(ctx, ph_buffer_fill(ctx->stream, w->tmp, 0, 0x00, w->size), "ph_buffer_fill") &&
         phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync");
}

static void work_free(work_t *w) {
  ph_buffer_free(w->big);
  ph_buffer_free(w->tmp);
}

/* Enqueues the long work on |s|; big ends as |value| with the markers at
 * both ends. */
static bool work_enqueue(phc_ctx_t *ctx, ph_stream_t *s, work_t *w) {
  if (!phc_ok(ctx, ph_buffer_fill(s, w->big, 0, 0x01, w->size), "ph_buffer_fill")) return false;
  for (int r = 0; r < w->reps; ++r)
    if (!phc_ok(ctx, ph_buffer_copy(s, w->tmp, 0, w->big, 0, w->size), "ph_buffer_copy") ||
        !phc_ok(ctx, ph_buffer_copy(s, w->big, 0, w->tmp, 0, w->size), "ph_buffer_copy"))
      return false;
  return phc_ok(ctx, ph_buffer_fill(s, w->big, 0, w->value, w->size), "ph_buffer_fill") &&
         phc_ok(ctx, ph_buffer_write(s, w->big, 0, w->head, MARK), "ph_buffer_write") &&
         phc_ok(ctx, ph_buffer_write(s, w->big, w->size - MARK, w->tail, MARK), "ph_buffer_write");
}

/* Enqueues reads of the head, middle and tail of big on |s|. */
static bool work_read(phc_ctx_t *ctx, ph_stream_t *s, work_t *w) {
  memset(w->got_head, 0xee, MARK);
  memset(w->got_tail, 0xee, MARK);
  memset(w->got_mid, 0xee, MID);
  return phc_ok(ctx, ph_buffer_read(s, w->got_head, w->big, 0, MARK), "ph_buffer_read") &&
         phc_ok(ctx, ph_buffer_read(s, w->got_mid, w->big, w->size / 2, MID), "ph_buffer_read") &&
         phc_ok(ctx, ph_buffer_read(s, w->got_tail, w->big, w->size - MARK, MARK), "ph_buffer_read");
}

/* After the reads completed: they saw the final state. */
static bool work_check(phc_ctx_t *ctx, const work_t *w, const char *how) {
  bool ok = memcmp(w->got_head, w->head, MARK) == 0 && memcmp(w->got_tail, w->tail, MARK) == 0;
  for (int i = 0; ok && i < MID; ++i) ok = w->got_mid[i] == w->value;
  if (!ok)
    phc_fail(ctx, "%s: read stale data (head[0] 0x%02x want 0x%02x, mid[0] 0x%02x want 0x%02x, "
             "tail[0] 0x%02x want 0x%02x)", how, w->got_head[0], w->head[0], w->got_mid[0],
             w->value, w->got_tail[0], w->tail[0]);
  return ok;
}

/* A chain whose result only in-order execution gives: later steps
 * overwrite what earlier ones wrote, and copies read what was just
 * written. */
static void run_order(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  size_t n = ctx->profile == PHC_FULL ? 16 * MiB + 5 : 1 * MiB + 5;
  int rounds = ctx->profile == PHC_FULL ? 4 : 2;
  unsigned char *r = malloc(n), *outc = malloc(n), *outa = malloc(n);
  ph_buffer_t *a = NULL, *b = NULL, *cb = NULL;
  if (!r || !outc || !outa) {
    phc_fail(ctx, "out of host memory");
    goto done;
  }
  ph_stream_t *s = ctx->stream;
  if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, n, 0, &a), "ph_buffer_alloc") ||
      !phc_ok(ctx, ph_buffer_alloc(ctx->device, n, 0, &b), "ph_buffer_alloc") ||
      !phc_ok(ctx, ph_buffer_alloc(ctx->device, n, 0, &cb), "ph_buffer_alloc"))
    goto done;
  size_t lo = n / 3, len = n / 4;
  for (int round = 0; round < rounds && ctx->status != PHC_FAIL; ++round) {
    random_bytes(ctx, r, n);
    uint8_t fa = (uint8_t)(0x30 + round), fb = (uint8_t)(0x5a + round);
    if (!phc_ok(ctx, ph_buffer_fill(s, b, 0, 0x11, n), "fill b") ||
        !phc_ok(ctx, ph_buffer_fill(s, cb, 0, 0x22, n), "fill c") ||
        !phc_ok(ctx, ph_stream_sync(s), "ph_stream_sync"))
      goto done;
    /* write a=R; copy b=a; fill a=fa; fill b[lo,lo+len)=fb; copy c=b; read c, a. */
    if (!phc_ok(ctx, ph_buffer_write(s, a, 0, r, n), "write") ||
        !phc_ok(ctx, ph_buffer_copy(s, b, 0, a, 0, n), "copy a->b") ||
        !phc_ok(ctx, ph_buffer_fill(s, a, 0, fa, n), "fill a") ||
        !phc_ok(ctx, ph_buffer_fill(s, b, lo, fb, len), "fill b range") ||
        !phc_ok(ctx, ph_buffer_copy(s, cb, 0, b, 0, n), "copy b->c") ||
        !phc_ok(ctx, ph_buffer_read(s, outc, cb, 0, n), "read c") ||
        !phc_ok(ctx, ph_buffer_read(s, outa, a, 0, n), "read a") ||
        !phc_ok(ctx, ph_stream_sync(s), "ph_stream_sync"))
      goto done;
    for (size_t i = 0; i < n; ++i) {
      unsigned char want = i >= lo && i < lo + len ? fb : r[i];
      if (outc[i] != want) {
        phc_fail(ctx, "in-order chain: c[%zu] = 0x%02x, in-order execution gives 0x%02x", i,
                 outc[i], want);
        break;
      }
      if (outa[i] != fa) {
        phc_fail(ctx, "in-order chain: a[%zu] = 0x%02x, in-order execution gives 0x%02x", i,
                 outa[i], fa);
        break;
      }
    }
  }
done:
  ph_buffer_free(a);
  ph_buffer_free(b);
  ph_buffer_free(cb);
  free(r);
  free(outc);
  free(outa);
}

/* Stream A works, records E; stream B waits for E, then reads. */
static void run_wait_event(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  work_t w;
  ph_stream_t *b = NULL;
  ph_event_t *e = NULL;
  if (work_init(ctx, &w) &&
      phc_ok(ctx, ph_stream_create(ctx->device, 0, &b), "ph_stream_create") &&
      phc_ok(ctx, ph_event_create(ctx->device, 0, &e), "ph_event_create") &&
      work_enqueue(ctx, ctx->stream, &w) &&
      phc_ok(ctx, ph_event_record(e, ctx->stream), "ph_event_record") &&
      phc_ok(ctx, ph_stream_wait_event(b, e), "ph_stream_wait_event") && work_read(ctx, b, &w) &&
      phc_ok(ctx, ph_stream_sync(b), "ph_stream_sync(B)"))
    work_check(ctx, &w, "stream B after ph_stream_wait_event");
  ph_stream_sync(ctx->stream);
  ph_event_destroy(e);
  ph_stream_destroy(b);
  work_free(&w);
}

/* The host waits on E (by sync, or by polling the event or the stream),
 * then reads on an unrelated stream: the work must be complete. */
enum { HOST_SYNC = 0, HOST_POLL_EVENT = 1, HOST_POLL_STREAM = 2 };

static bool poll_until_ok(phc_ctx_t *ctx, ph_status_t (*query)(void *), void *obj,
                          const char *what) {
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    ph_status_t st = query(obj);
    if (st == PH_OK) return true;
    if (st != PH_ERROR_NOT_READY) {
      phc_fail(ctx, "%s gave %s (want PH_OK or PH_ERROR_NOT_READY)", what, ph_status_string(st));
      return false;
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (t.tv_sec - t0.tv_sec > 60) {
      phc_fail(ctx, "%s still NOT_READY after 60 s", what);
      return false;
    }
    struct timespec nap = {0, 200000};
    nanosleep(&nap, NULL);
  }
}

static ph_status_t query_event(void *e) { return ph_event_query(e); }
static ph_status_t query_stream(void *s) { return ph_stream_query(s); }

static void run_host_wait(phc_ctx_t *ctx, const phc_case_t *c) {
  work_t w;
  ph_stream_t *other = NULL;
  ph_event_t *e = NULL;
  const char *how = c->p[0] == HOST_SYNC         ? "after ph_event_sync"
                    : c->p[0] == HOST_POLL_EVENT ? "after ph_event_query gave PH_OK"
                                                 : "after ph_stream_query gave PH_OK";
  if (!work_init(ctx, &w) ||
      !phc_ok(ctx, ph_stream_create(ctx->device, 0, &other), "ph_stream_create") ||
      !phc_ok(ctx, ph_event_create(ctx->device, 0, &e), "ph_event_create") ||
      !work_enqueue(ctx, ctx->stream, &w) ||
      !phc_ok(ctx, ph_event_record(e, ctx->stream), "ph_event_record"))
    goto done;
  bool waited = false;
  switch (c->p[0]) {
    case HOST_SYNC:
      waited = phc_ok(ctx, ph_event_sync(e), "ph_event_sync") &&
               phc_ok(ctx, ph_event_query(e), "ph_event_query after ph_event_sync");
      break;
    case HOST_POLL_EVENT: waited = poll_until_ok(ctx, query_event, e, "ph_event_query"); break;
    default: waited = poll_until_ok(ctx, query_stream, ctx->stream, "ph_stream_query"); break;
  }
  if (waited && work_read(ctx, other, &w) && phc_ok(ctx, ph_stream_sync(other), "ph_stream_sync"))
    work_check(ctx, &w, how);
  if (c->p[0] == HOST_POLL_STREAM && phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync"))
    phc_ok(ctx, ph_stream_query(ctx->stream), "ph_stream_query after ph_stream_sync");
done:
  ph_stream_sync(ctx->stream);
  ph_event_destroy(e);
  ph_stream_destroy(other);
  work_free(&w);
}

/* A new event counts as completed; waiting on one never recorded does not
 * block a stream. */
static void run_event_new(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_event_t *e = NULL;
  ph_buffer_t *b = NULL;
  unsigned char src[100], dst[100];
  random_bytes(ctx, src, sizeof src);
  memset(dst, 0, sizeof dst);
  if (phc_ok(ctx, ph_event_create(ctx->device, 0, &e), "ph_event_create") &&
      phc_ok(ctx, ph_event_query(e), "ph_event_query(new event)") &&
      phc_ok(ctx, ph_event_sync(e), "ph_event_sync(new event)") &&
      phc_ok(ctx, ph_stream_wait_event(ctx->stream, e), "ph_stream_wait_event(new event)") &&
      phc_ok(ctx, ph_buffer_alloc(ctx->device, sizeof src, 0, &b), "ph_buffer_alloc") &&
      phc_ok(ctx, ph_buffer_write(ctx->stream, b, 0, src, sizeof src), "ph_buffer_write") &&
      phc_ok(ctx, ph_buffer_read(ctx->stream, dst, b, 0, sizeof dst), "ph_buffer_read") &&
      phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync") && memcmp(src, dst, sizeof src))
    phc_fail(ctx, "round trip after waiting on a never-recorded event differs");
  ph_buffer_free(b);
  ph_event_destroy(e);
}

/* Recording again replaces the capture: E first captures nothing pending,
 * then the long work; waits on E must wait for the long work. */
static void run_rerecord(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  work_t w;
  ph_stream_t *b = NULL, *other = NULL;
  ph_event_t *e = NULL;
  if (work_init(ctx, &w) && phc_ok(ctx, ph_stream_create(ctx->device, 0, &b), "ph_stream_create") &&
      phc_ok(ctx, ph_stream_create(ctx->device, 0, &other), "ph_stream_create") &&
      phc_ok(ctx, ph_event_create(ctx->device, 0, &e), "ph_event_create") &&
      phc_ok(ctx, ph_event_record(e, ctx->stream), "ph_event_record (first)") &&
      phc_ok(ctx, ph_event_sync(e), "ph_event_sync (first record)") &&
      work_enqueue(ctx, ctx->stream, &w) &&
      phc_ok(ctx, ph_event_record(e, ctx->stream), "ph_event_record (again)") &&
      phc_ok(ctx, ph_stream_wait_event(b, e), "ph_stream_wait_event") && work_read(ctx, b, &w) &&
      phc_ok(ctx, ph_stream_sync(b), "ph_stream_sync") &&
      work_check(ctx, &w, "stream waiting on a re-recorded event")) {
    /* Again with a host wait: record E on an idle stream, then re-record
     * it after fresh long work. */
    w.value = (uint8_t)(w.value ^ 0x5a);
    random_bytes(ctx, w.head, MARK);
    random_bytes(ctx, w.tail, MARK);
    if (phc_ok(ctx, ph_event_record(e, other), "ph_event_record (idle stream)") &&
        work_enqueue(ctx, ctx->stream, &w) &&
        phc_ok(ctx, ph_event_record(e, ctx->stream), "ph_event_record (again)") &&
        phc_ok(ctx, ph_event_sync(e), "ph_event_sync") && work_read(ctx, other, &w) &&
        phc_ok(ctx, ph_stream_sync(other), "ph_stream_sync"))
      work_check(ctx, &w, "host after ph_event_sync of a re-recorded event");
  }
  ph_stream_sync(ctx->stream);
  ph_event_destroy(e);
  ph_stream_destroy(b);
  ph_stream_destroy(other);
  work_free(&w);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void run_elapsed(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_event_t *ev[3] = {NULL, NULL, NULL};
  work_t w;
  memset(&w, 0, sizeof w);
  for (int i = 0; i < 3; ++i)
    if (!phc_ok(ctx, ph_event_create(ctx->device, 0, &ev[i]), "ph_event_create")) goto done;
  float ms = -1.0f;
  if (!(ctx->props.flags & PH_DEVICE_TIMERS)) {
    if (phc_expect(ctx, ph_event_elapsed_ms(ev[0], ev[1], &ms), PH_ERROR_UNSUPPORTED,
                   "ph_event_elapsed_ms without PH_DEVICE_TIMERS"))
      phc_skip(ctx, "the device does not declare PH_DEVICE_TIMERS");
    goto done;
  }
  if (!work_init(ctx, &w)) goto done;
  double t0 = now_ms();
  ph_stream_t *s = ctx->stream;
  if (!phc_ok(ctx, ph_event_record(ev[0], s), "record start") || !work_enqueue(ctx, s, &w) ||
      !phc_ok(ctx, ph_event_record(ev[1], s), "record mid") || !work_enqueue(ctx, s, &w) ||
      !phc_ok(ctx, ph_event_record(ev[2], s), "record end") ||
      !phc_ok(ctx, ph_event_sync(ev[2]), "ph_event_sync(end)") ||
      !phc_ok(ctx, ph_event_sync(ev[1]), "ph_event_sync(mid)"))
    goto done;
  double wall = now_ms() - t0;
  float sm = -1, se = -1, me = -1;
  if (!phc_ok(ctx, ph_event_elapsed_ms(ev[0], ev[1], &sm), "elapsed(start, mid)") ||
      !phc_ok(ctx, ph_event_elapsed_ms(ev[0], ev[2], &se), "elapsed(start, end)") ||
      !phc_ok(ctx, ph_event_elapsed_ms(ev[1], ev[2], &me), "elapsed(mid, end)"))
    goto done;
  if (!(sm >= 0.0f) || !(me >= 0.0f))
    phc_fail(ctx, "negative or NaN elapsed time: start->mid %g ms, mid->end %g ms", (double)sm,
             (double)me);
  if (!(se >= sm)) phc_fail(ctx, "elapsed not monotonic: start->end %g < start->mid %g", (double)se, (double)sm);
  if (!(se > 0.0f)) phc_fail(ctx, "elapsed(start, end) = %g ms over %.1f ms of work", (double)se, wall);
  /* The device's interval lies inside the host's (some slack for clocks). */
  if (se > wall * 1.25 + 5.0)
    phc_fail(ctx, "elapsed(start, end) = %g ms, but the host saw only %.1f ms", (double)se, wall);
  /* Halves add up (start->end = start->mid + mid->end, to timer rounding). */
  double sum = (double)sm + (double)me;
  if (se > 0.0f && (sum - se > 0.05 * se + 0.1 || se - sum > 0.05 * se + 0.1))
    phc_fail(ctx, "start->mid %g + mid->end %g != start->end %g ms", (double)sm, (double)me, (double)se);
done:
  ph_stream_sync(ctx->stream);
  for (int i = 0; i < 3; ++i) ph_event_destroy(ev[i]);
  work_free(&w);
}

/* 32 streams, each with its own write/fill/copy/read, enqueued together. */
static void run_many(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  enum { NS = 32 };
  size_t n = ctx->profile == PHC_FULL ? MiB + 3 : 64 * 1024 + 3;
  ph_stream_t *s[NS] = {0};
  ph_buffer_t *b[NS] = {0}, *b2[NS] = {0};
  unsigned char *src[NS] = {0}, *dst[NS] = {0};
  size_t lo = n / 4, len = n / 3;
  for (int i = 0; i < NS; ++i) {
    src[i] = malloc(n);
    dst[i] = malloc(n);
    if (!src[i] || !dst[i]) {
      phc_fail(ctx, "out of host memory");
      goto done;
    }
    random_bytes(ctx, src[i], n);
    memset(dst[i], 0, n);
    if (!phc_ok(ctx, ph_stream_create(ctx->device, 0, &s[i]), "ph_stream_create") ||
        !phc_ok(ctx, ph_buffer_alloc(ctx->device, n, 0, &b[i]), "ph_buffer_alloc") ||
        !phc_ok(ctx, ph_buffer_alloc(ctx->device, n, 0, &b2[i]), "ph_buffer_alloc"))
      goto done;
  }
  for (int i = 0; i < NS; ++i)
    if (!phc_ok(ctx, ph_buffer_write(s[i], b[i], 0, src[i], n), "ph_buffer_write") ||
        !phc_ok(ctx, ph_buffer_fill(s[i], b[i], lo, (uint8_t)(i + 1), len), "ph_buffer_fill") ||
        !phc_ok(ctx, ph_buffer_copy(s[i], b2[i], 0, b[i], 0, n), "ph_buffer_copy") ||
        !phc_ok(ctx, ph_buffer_read(s[i], dst[i], b2[i], 0, n), "ph_buffer_read"))
      goto done;
  for (int i = NS - 1; i >= 0; --i) {
    char w[64];
    snprintf(w, sizeof w, "ph_stream_sync(stream %d)", i);
    if (!phc_ok(ctx, ph_stream_sync(s[i]), w)) goto done;
    snprintf(w, sizeof w, "ph_stream_query(stream %d) after sync", i);
    if (!phc_ok(ctx, ph_stream_query(s[i]), w)) goto done;
  }
  for (int i = 0; i < NS; ++i)
    for (size_t k = 0; k < n; ++k) {
      unsigned char want = k >= lo && k < lo + len ? (unsigned char)(i + 1) : src[i][k];
      if (dst[i][k] != want) {
        phc_fail(ctx, "stream %d of %d: byte %zu is 0x%02x, expected 0x%02x", i, NS, k, dst[i][k],
                 want);
        goto done;
      }
    }
done:
  for (int i = 0; i < NS; ++i) {
    if (s[i] && ph_stream_destroy(s[i]) != PH_OK) phc_fail(ctx, "ph_stream_destroy failed");
    ph_buffer_free(b[i]);
    ph_buffer_free(b2[i]);
    free(src[i]);
    free(dst[i]);
  }
}

void phc_register_stream(phc_suite_t *s) {
  static const struct {
    const char *name;
    phc_run_fn run;
    int64_t p0;
  } cases[] = {
      {"stream.order", run_order, 0},
      {"stream.wait_event", run_wait_event, 0},
      {"stream.host_wait.event_sync", run_host_wait, HOST_SYNC},
      {"stream.host_wait.event_query", run_host_wait, HOST_POLL_EVENT},
      {"stream.host_wait.stream_query", run_host_wait, HOST_POLL_STREAM},
      {"stream.event_new", run_event_new, 0},
      {"stream.event_rerecord", run_rerecord, 0},
      {"stream.elapsed", run_elapsed, 0},
      {"stream.many_streams", run_many, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
    phc_add_quick(s, cases[i].name, cases[i].run, 0, cases[i].p0);
}
