/*
 * Tests the cpu plugin through its ABI alone, without the HAL: dlopens the
 * plugin given as argv[1], builds a host table, and checks devices, memory,
 * transfers, stream asynchrony and ordering, events and ops.
 *
 *   test_cpu_plugin_abi PLUGIN.so [--stub]
 *
 * --stub: the plugin was linked with tests/cpu/stub_kernels.c instead of
 * kernels/ref. Then ops are really run, and streams are held at a gate the
 * test opens (exact asynchrony checks). Without it, streams are held by a
 * long chain of memsets instead, and ops are checked for what the
 * reference kernels declare.
 *
 * PH_TEST_LOG=1 prints the plugin's log lines to stderr.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "polyhal/plugin.h"

/*===--- checks and the host table ----------------------------------------===*/

static int g_checks, g_failures;
static pthread_mutex_t g_check_lock = PTHREAD_MUTEX_INITIALIZER;

static void check_at(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void check_at(int ok, const char *file, int line, const char *fmt, ...) {
  pthread_mutex_lock(&g_check_lock);
  g_checks++;
  if (!ok) {
    g_failures++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
  }
  pthread_mutex_unlock(&g_check_lock);
}
#define CHECK(cond, ...) check_at((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

static _Thread_local char t_msg[1024];
static _Thread_local int t_code;

static void host_set_error(ph_status_t code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t_msg, sizeof(t_msg), fmt, ap);
  va_end(ap);
  t_code = (int)code;
}

static void host_log(ph_log_level_t level, const char *fmt, ...) {
  if (getenv("PH_TEST_LOG") == NULL) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "[plugin log %d] ", (int)level);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void clear_msg(void) {
  t_msg[0] = '\0';
  t_code = -1;
}

/* |st| is |code|, and a message containing each of the given words was
 * attached with that code. */
#define CHECK_ERR(st, code, w1, w2)                                                       \
  CHECK((st) == (code) && t_code == (int)(code) && strstr(t_msg, (w1)) != NULL &&        \
            strstr(t_msg, (w2)) != NULL,                                                  \
        "%s: got status %d (want %d), message code %d \"%s\" (want \"%s\", \"%s\")", #st, \
        (int)(st), (int)(code), t_code, t_msg, (w1), (w2))

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* xorshift64*: fixed-seed reproducible bytes. */
static uint64_t g_rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  g_rng ^= g_rng >> 12;
  g_rng ^= g_rng << 25;
  g_rng ^= g_rng >> 27;
  return g_rng * 2685821657736338717ull;
}

/*===--- shared state ------------------------------------------------------===*/

static const ph_plugin_api_t *A;
static ph_plugin_device_t *g_dev;
static const ph_plugin_device_props_t *g_props;
static int g_stub;

static ph_plugin_mem_t *alloc_or_die(uint64_t size) {
  ph_plugin_mem_t *m = NULL;
  ph_status_t st = A->mem_alloc(g_dev, size, 64, PH_MEM_DEVICE, &m);
  CHECK(st == PH_OK && m != NULL, "mem_alloc(%llu) = %d", (unsigned long long)size, (int)st);
  if (m == NULL) exit(2); /* a test program may stop; nothing useful follows */
  return m;
}

static void *map(ph_plugin_mem_t *m) {
  void *p = NULL;
  ph_status_t st = A->mem_map(g_dev, m, &p);
  CHECK(st == PH_OK && p != NULL, "mem_map = %d", (int)st);
  return p;
}

static int all_bytes(const void *p, size_t n, uint8_t v) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; ++i)
    if (b[i] != v) return 0;
  return 1;
}

static ph_plugin_tensor_t tensor(uint32_t dtype, uint32_t rank, const int64_t *shape,
                                 const int64_t *strides, ph_plugin_mem_t *mem,
                                 uint64_t offset) {
  ph_plugin_tensor_t t;
  memset(&t, 0, sizeof(t));
  t.struct_size = sizeof(t);
  t.dtype = dtype;
  t.rank = rank;
  for (uint32_t i = 0; i < rank; ++i) {
    t.shape[i] = shape[i];
    t.strides[i] = strides[i];
  }
  t.mem = mem;
  t.offset = offset;
  return t;
}

/* Launches the stub unary |func| with x -> y. */
static ph_status_t launch_unary(ph_plugin_stream_t *s, uint32_t func,
                                const ph_plugin_tensor_t *x, const ph_plugin_tensor_t *y,
                                int check_only) {
  ph_unary_attrs_t at = {sizeof(at), func};
  const ph_plugin_tensor_t *ins[1] = {x}, *outs[1] = {y};
  ph_plugin_op_desc_t d = {sizeof(d), PH_OP_UNARY, 0, 1, ins, 1, outs, &at};
  return check_only ? A->op_check(g_dev, &d) : A->op_launch(s, &d);
}

/*===--- stream blocker: holds a stream until released -----------------------===*/

typedef struct blocker {
  ph_plugin_mem_t *gate, *out, *big;
  int32_t *gate_ptr;
} blocker_t;

static void blocker_init(blocker_t *b) {
  memset(b, 0, sizeof(*b));
  if (g_stub) {
    b->gate = alloc_or_die(64);
    b->out = alloc_or_die(64);
    b->gate_ptr = map(b->gate);
    __atomic_store_n(b->gate_ptr, 0, __ATOMIC_RELEASE);
  } else {
    b->big = alloc_or_die((uint64_t)256 << 20);
  }
}

/* Enqueues work on |s| that does not finish until blocker_release (stub),
 * or for a long while (a chain of 1 GiB of memsets). */
static void blocker_hold(blocker_t *b, ph_plugin_stream_t *s) {
  if (g_stub) {
    __atomic_store_n(b->gate_ptr, 0, __ATOMIC_RELEASE);
    int64_t one = 1, st1 = 1;
    ph_plugin_tensor_t x = tensor(PH_DTYPE_I32, 1, &one, &st1, b->gate, 0);
    ph_plugin_tensor_t y = tensor(PH_DTYPE_I32, 1, &one, &st1, b->out, 0);
    CHECK(launch_unary(s, PH_UNARY_EXP, &x, &y, 0) == PH_OK, "gate launch");
  } else {
    for (int i = 0; i < 4; ++i)
      CHECK(A->memset(s, b->big, 0, (uint8_t)i, (uint64_t)256 << 20) == PH_OK, "big memset");
  }
}

static void blocker_release(blocker_t *b) {
  if (g_stub) __atomic_store_n(b->gate_ptr, 1, __ATOMIC_RELEASE);
}

static void blocker_fini(blocker_t *b) {
  if (b->gate != NULL) A->mem_free(g_dev, b->gate);
  if (b->out != NULL) A->mem_free(g_dev, b->out);
  if (b->big != NULL) A->mem_free(g_dev, b->big);
}

/*===--- tests ---------------------------------------------------------------===*/

static void test_init(ph_plugin_init_fn init) {
  const ph_plugin_api_t *api = (const ph_plugin_api_t *)1;
  ph_host_api_t bad = {sizeof(bad), (2u << 16) | 0u, 0, host_set_error, host_log};
  clear_msg();
  ph_status_t st = init(&bad, &api);
  CHECK_ERR(st, PH_ERROR_INCOMPATIBLE, "ABI", "2.0");
  CHECK(api == NULL, "init with a bad major must clear out_api");
  CHECK(init(NULL, &api) == PH_ERROR_INVALID_ARGUMENT, "init(NULL host)");

  static const ph_host_api_t host = {sizeof(host), PH_PLUGIN_ABI_VERSION, 0, host_set_error,
                                     host_log};
  st = init(&host, &A);
  CHECK(st == PH_OK && A != NULL, "init = %d", (int)st);
  if (A == NULL) exit(2);
  CHECK(A->struct_size == sizeof(ph_plugin_api_t), "struct_size %zu", A->struct_size);
  CHECK(A->abi_version == PH_PLUGIN_ABI_VERSION, "abi_version 0x%x", A->abi_version);
  CHECK(A->flags == 0, "flags");
  CHECK(A->name && strcmp(A->name, "cpu") == 0, "name");
  CHECK(A->vendor && strcmp(A->vendor, "polyhal") == 0, "vendor");
  CHECK(A->version && strcmp(A->version, "0.1.0") == 0, "version");
  /* Every entry, optional ones included, is implemented. */
  const void *entries[] = {
      (const void *)A->shutdown,      (const void *)A->device_count,
      (const void *)A->device_open,   (const void *)A->device_close,
      (const void *)A->device_props,  (const void *)A->op_capability,
      (const void *)A->op_check,      (const void *)A->mem_alloc,
      (const void *)A->mem_free,      (const void *)A->mem_map,
      (const void *)A->mem_unmap,     (const void *)A->stream_create,
      (const void *)A->stream_destroy, (const void *)A->stream_sync,
      (const void *)A->stream_query,  (const void *)A->event_create,
      (const void *)A->event_destroy, (const void *)A->event_record,
      (const void *)A->stream_wait_event, (const void *)A->event_sync,
      (const void *)A->event_query,   (const void *)A->event_elapsed,
      (const void *)A->copy_h2d,      (const void *)A->copy_d2h,
      (const void *)A->copy_d2d,      (const void *)A->memset,
      (const void *)A->op_launch};
  for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); ++i)
    CHECK(entries[i] != NULL, "table entry %zu is NULL", i);
}

/* MemTotal from /proc/meminfo in bytes, 0 if unknown. */
static uint64_t meminfo_total(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  if (f == NULL) return 0;
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof(line), f) != NULL)
    if (sscanf(line, "MemTotal: %llu kB", &kb) == 1) break;
  fclose(f);
  return (uint64_t)kb * 1024;
}

static void test_device(void) {
  size_t n = 0;
  CHECK(A->device_count(&n) == PH_OK && n == 1, "device_count = %zu", n);
  ph_plugin_device_t *d = (ph_plugin_device_t *)1;
  clear_msg();
  ph_status_t st = A->device_open(1, &d);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "index", "1");
  CHECK(d == NULL, "device_open failure must clear out_device");

  CHECK(A->device_open(0, &g_dev) == PH_OK && g_dev != NULL, "device_open(0)");
  if (g_dev == NULL) exit(2);
  CHECK(A->device_props(g_dev, &g_props) == PH_OK && g_props != NULL, "device_props");
  if (g_props == NULL) exit(2);
  const ph_plugin_device_props_t *p = g_props;
  CHECK(p->struct_size >= sizeof(*p), "props struct_size");
  CHECK(p->name[0] != '\0' && memchr(p->name, 0, sizeof(p->name)), "name \"%s\"", p->name);
  CHECK(p->vendor[0] != '\0' && memchr(p->vendor, 0, sizeof(p->vendor)), "vendor");
  CHECK(strcmp(p->driver_version, "polyhal-cpu 0.1.0") == 0, "driver \"%s\"",
        p->driver_version);
  CHECK(p->kind == PH_DEVICE_KIND_CPU, "kind %u", p->kind);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  CHECK(p->compute_units >= 1 && (online <= 0 || p->compute_units <= (uint32_t)online),
        "compute_units %u (online cpus %ld)", p->compute_units, online);
  uint64_t total = meminfo_total();
  double rel = total ? (double)p->memory_bytes / (double)total : 1.0;
  CHECK(p->memory_bytes > 0 && rel > 0.99 && rel < 1.01,
        "memory_bytes %llu vs MemTotal %llu", (unsigned long long)p->memory_bytes,
        (unsigned long long)total);
  CHECK(p->max_alloc_bytes == p->memory_bytes / 2, "max_alloc_bytes");
  CHECK(p->mem_kinds == (PH_MEM_DEVICE | PH_MEM_HOST_VISIBLE | PH_MEM_UNIFIED), "mem_kinds");
  CHECK(p->flags == (PH_DEVICE_TIMERS | PH_DEVICE_HOST_MEMORY), "flags 0x%x", p->flags);
  uint32_t want = (1u << PH_DTYPE_F32) | (1u << PH_DTYPE_F16) | (1u << PH_DTYPE_BF16) |
                  (1u << PH_DTYPE_I8) | (1u << PH_DTYPE_I32);
  CHECK(p->dtypes == want, "dtypes 0x%x", p->dtypes);
  CHECK(p->min_alignment == 64, "min_alignment %u", p->min_alignment);
}

static void test_memory(void) {
  ph_plugin_mem_t *m = (ph_plugin_mem_t *)1;
  clear_msg();
  ph_status_t st = A->mem_alloc(g_dev, 0, 64, PH_MEM_DEVICE, &m);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "size", "0");
  CHECK(m == NULL, "failed alloc must clear out_mem");
  clear_msg();
  st = A->mem_alloc(g_dev, 100, 48, PH_MEM_DEVICE, &m);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "alignment", "48");
  clear_msg();
  st = A->mem_alloc(g_dev, 100, 0, PH_MEM_DEVICE, &m);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "alignment", "power of two");
  clear_msg();
  st = A->mem_alloc(g_dev, 100, 64, PH_MEM_DEVICE | PH_MEM_UNIFIED, &m);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "mem_kind", "0x5");
  clear_msg();
  st = A->mem_alloc(g_dev, 100, 64, 1u << 9, &m);
  CHECK_ERR(st, PH_ERROR_UNSUPPORTED, "mem_kind", "0x200");
  clear_msg();
  st = A->mem_alloc(g_dev, g_props->max_alloc_bytes + 1, 64, PH_MEM_DEVICE, &m);
  CHECK_ERR(st, PH_ERROR_OUT_OF_MEMORY, "max_alloc_bytes", "exceeds");
  CHECK(m == NULL, "OOM alloc must clear out_mem");

  const uint64_t aligns[] = {1, 16, 64, 128, 4096, 65536};
  const uint32_t kinds[] = {PH_MEM_DEVICE, PH_MEM_HOST_VISIBLE, PH_MEM_UNIFIED};
  for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); ++i) {
    st = A->mem_alloc(g_dev, 1000 + i, aligns[i], kinds[i % 3], &m);
    CHECK(st == PH_OK && m != NULL, "alloc align %llu", (unsigned long long)aligns[i]);
    if (st != PH_OK) continue;
    uintptr_t want = aligns[i] < 64 ? 64 : aligns[i];
    uint8_t *p = map(m);
    CHECK(((uintptr_t)p % want) == 0, "pointer %p not aligned to %lu", (void *)p,
          (unsigned long)want);
    memset(p, 0xC3, 1000 + i); /* the whole size is writable (ASan checks) */
    void *p2 = NULL;
    CHECK(A->mem_map(g_dev, m, &p2) == PH_OK && p2 == p, "map twice gives one pointer");
    CHECK(A->mem_unmap(g_dev, m) == PH_OK, "unmap");
    A->mem_free(g_dev, m);
  }
  A->mem_free(g_dev, NULL); /* no-op */
}

/* A random sequence of transfers on one stream, against a host model. */
static void test_copies(void) {
  enum { N0 = 4099, N1 = 1237, NS = 8191, NR = 1 << 18, OPS = 400 };
  ph_plugin_stream_t *s = NULL;
  CHECK(A->stream_create(g_dev, 0, &s) == PH_OK, "stream_create");
  ph_plugin_mem_t *dm[2] = {alloc_or_die(N0), alloc_or_die(N1)};
  const size_t dn[2] = {N0, N1};
  uint8_t *model[2] = {malloc(N0), malloc(N1)};
  uint8_t *src = malloc(NS), *rb = malloc(NR), *expect = malloc(NR);
  if (!model[0] || !model[1] || !src || !rb || !expect) exit(2);
  for (size_t i = 0; i < NS; ++i) src[i] = (uint8_t)rnd();
  memset(rb, 0xEE, NR);
  memset(expect, 0xEE, NR);
  /* Defined starting contents. */
  for (int k = 0; k < 2; ++k) {
    memcpy(model[k], src, dn[k]);
    CHECK(A->copy_h2d(s, dm[k], 0, src, dn[k]) == PH_OK, "init h2d");
  }
  size_t cursor = 0;
  for (int op = 0; op < OPS; ++op) {
    int k = (int)(rnd() % 2), j = (int)(rnd() % 2);
    size_t size = (size_t)(rnd() % (dn[k] + 1));
    size_t off = (size_t)(rnd() % (dn[k] - size + 1));
    ph_status_t st = PH_OK;
    switch (rnd() % 4) {
      case 0: {
        size_t so = (size_t)(rnd() % (NS - size + 1));
        st = A->copy_h2d(s, dm[k], off, src + so, size);
        memcpy(model[k] + off, src + so, size);
        break;
      }
      case 1: {
        if (size > dn[j]) size = dn[j];
        if (off + size > dn[k]) off = dn[k] - size;
        size_t so = (size_t)(rnd() % (dn[j] - size + 1));
        st = A->copy_d2d(s, dm[k], off, dm[j], so, size);
        memmove(model[k] + off, model[j] + so, size); /* may overlap when j == k */
        break;
      }
      case 2: {
        uint8_t v = (uint8_t)rnd();
        st = A->memset(s, dm[k], off, v, size);
        memset(model[k] + off, v, size);
        break;
      }
      default:
        if (cursor + size > NR) break;
        st = A->copy_d2h(s, rb + cursor, dm[k], off, size);
        memcpy(expect + cursor, model[k] + off, size);
        cursor += size;
        break;
    }
    CHECK(st == PH_OK, "transfer op %d = %d", op, (int)st);
  }
  CHECK(A->stream_sync(s) == PH_OK, "sync after transfers");
  CHECK(A->stream_query(s) == PH_OK, "idle after sync");
  CHECK(memcmp(rb, expect, NR) == 0, "d2h readbacks differ from the host model");
  for (int k = 0; k < 2; ++k)
    CHECK(memcmp(map(dm[k]), model[k], dn[k]) == 0, "buffer %d differs from the model", k);

  clear_msg();
  ph_status_t st = A->copy_h2d(s, dm[1], N1 - 3, src, 4);
  CHECK_ERR(st, PH_ERROR_OUT_OF_RANGE, "copy_h2d", "outside");
  CHECK(A->copy_d2h(s, rb, dm[0], 0, 0) == PH_OK, "zero-size copy");
  CHECK(A->stream_sync(s) == PH_OK, "sync");

  A->stream_destroy(s);
  for (int k = 0; k < 2; ++k) {
    A->mem_free(g_dev, dm[k]);
    free(model[k]);
  }
  free(src);
  free(rb);
  free(expect);
}

/* Streams run asynchronously, in order, and wait for events of others. */
static void test_async_order(void) {
  enum { NB = 4096 };
  ph_plugin_stream_t *sa = NULL, *sb = NULL;
  CHECK(A->stream_create(g_dev, 0, &sa) == PH_OK && A->stream_create(g_dev, 0, &sb) == PH_OK,
        "stream_create");
  ph_plugin_event_t *e = NULL, *e_doomed = NULL, *ea0 = NULL, *ea1 = NULL;
  CHECK(A->event_create(g_dev, 0, &e) == PH_OK && A->event_create(g_dev, 0, &e_doomed) == PH_OK &&
            A->event_create(g_dev, 0, &ea0) == PH_OK && A->event_create(g_dev, 0, &ea1) == PH_OK,
        "event_create");
  ph_plugin_mem_t *b1 = alloc_or_die(NB), *b2 = alloc_or_die(NB);
  uint8_t *host_out = malloc(NB);
  if (host_out == NULL) exit(2);
  memset(map(b1), 0x11, NB);
  memset(map(b2), 0x22, NB);
  memset(host_out, 0x33, NB);
  blocker_t blk;
  blocker_init(&blk);

  double t0 = now_ms();
  blocker_hold(&blk, sb);
  CHECK(A->memset(sb, b1, 0, 0xAB, NB) == PH_OK, "memset on B");
  CHECK(A->event_record(e, sb) == PH_OK, "record E on B");
  CHECK(A->event_record(e_doomed, sb) == PH_OK, "record doomed on B");
  A->event_destroy(e_doomed); /* its record is pending: must stay safe */

  CHECK(A->event_record(ea0, sa) == PH_OK, "record EA0");
  CHECK(A->stream_wait_event(sa, e) == PH_OK, "A waits for E");
  CHECK(A->copy_d2d(sa, b2, 0, b1, 0, NB) == PH_OK, "d2d on A");
  CHECK(A->copy_d2h(sa, host_out, b2, 0, NB) == PH_OK, "d2h on A");
  CHECK(A->event_record(ea1, sa) == PH_OK, "record EA1");
  double t_enq = now_ms() - t0;

  /* Read host_out before the queries: their locks order this read before
   * the worker's later write (keeps ThreadSanitizer exact). */
  CHECK(all_bytes(host_out, NB, 0x33), "A's copy ran before B recorded E (sync or no wait)");
  CHECK(A->stream_query(sa) == PH_ERROR_NOT_READY, "stream A must be pending");
  CHECK(A->stream_query(sb) == PH_ERROR_NOT_READY, "stream B must be pending");
  CHECK(A->event_query(e) == PH_ERROR_NOT_READY, "E must be pending");
  CHECK(A->event_query(ea1) == PH_ERROR_NOT_READY, "EA1 must be pending");
  float ms = -1.0f;
  clear_msg();
  ph_status_t st = A->event_elapsed(ea0, ea1, &ms);
  CHECK_ERR(st, PH_ERROR_NOT_READY, "elapsed", "pending");
  /* EA0 completed before t_ea0 and EA1 cannot complete before t_rel, so
   * their elapsed time is at least t_rel - t_ea0, however loaded the host. */
  double held = 0.0;
  if (g_stub) {
    CHECK(A->event_sync(ea0) == PH_OK, "EA0 (before the wait) completes");
    double t_ea0 = now_ms();
    sleep_ms(40);
    CHECK(A->stream_query(sa) == PH_ERROR_NOT_READY, "A still held after 40 ms");
    CHECK(A->event_query(e) == PH_ERROR_NOT_READY, "E still pending after 40 ms");
    held = now_ms() - t_ea0;
    blocker_release(&blk);
  }
  CHECK(A->stream_sync(sa) == PH_OK, "sync A");
  double t_total = now_ms() - t0;
  CHECK(all_bytes(host_out, NB, 0xAB), "A did not see B's memset: wait_event broken");
  CHECK(all_bytes(map(b2), NB, 0xAB), "b2 after d2d");
  CHECK(A->event_query(e) == PH_OK, "E done once A (which waited on it) is done");
  CHECK(A->stream_sync(sb) == PH_OK, "sync B");
  CHECK(A->stream_query(sa) == PH_OK && A->stream_query(sb) == PH_OK, "both idle");

  /* Timestamps: EA0 -> E -> EA1 in time, and within the host's window. */
  float a0_e = -1, e_a1 = -1, a0_a1 = -1;
  CHECK(A->event_elapsed(ea0, e, &a0_e) == PH_OK && a0_e >= 0.0f, "EA0->E %f", a0_e);
  CHECK(A->event_elapsed(e, ea1, &e_a1) == PH_OK && e_a1 >= 0.0f, "E->EA1 %f", e_a1);
  CHECK(A->event_elapsed(ea0, ea1, &a0_a1) == PH_OK && a0_a1 >= a0_e && a0_a1 >= e_a1,
        "EA0->EA1 %f", a0_a1);
  CHECK(a0_a1 <= t_total + 1.0, "EA0->EA1 %f ms longer than the host saw (%f)", a0_a1,
        t_total);
  if (g_stub)
    CHECK(a0_a1 >= held - 0.01, "EA0->EA1 %f ms, but A was held %f ms", a0_a1, held);
  else CHECK(t_enq < t_total, "enqueue took %f of %f ms", t_enq, t_total);

  blocker_fini(&blk);
  A->event_destroy(e);
  A->event_destroy(ea0);
  A->event_destroy(ea1);
  A->stream_destroy(sa);
  A->stream_destroy(sb);
  A->mem_free(g_dev, b1);
  A->mem_free(g_dev, b2);
  free(host_out);
}

static void test_events(void) {
  ph_plugin_stream_t *s = NULL;
  CHECK(A->stream_create(g_dev, 0, &s) == PH_OK, "stream_create");
  ph_plugin_event_t *fresh = NULL, *e1 = NULL, *e2 = NULL, *e3 = NULL;
  CHECK(A->event_create(g_dev, 0, &fresh) == PH_OK, "event_create");
  CHECK(A->event_query(fresh) == PH_OK, "a new event counts as completed");
  CHECK(A->event_sync(fresh) == PH_OK, "event_sync of a new event returns");
  ph_plugin_event_t *bad = (ph_plugin_event_t *)1;
  clear_msg();
  ph_status_t st = A->event_create(g_dev, 1, &bad);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "flags", "0");
  ph_plugin_stream_t *bads = (ph_plugin_stream_t *)1;
  clear_msg();
  st = A->stream_create(g_dev, 4, &bads);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "flags", "0x4");
  CHECK(bads == NULL, "failed stream_create clears out_stream");

  ph_plugin_mem_t *big = alloc_or_die(64 << 20);
  CHECK(A->event_create(g_dev, 0, &e1) == PH_OK && A->event_create(g_dev, 0, &e2) == PH_OK &&
            A->event_create(g_dev, 0, &e3) == PH_OK,
        "event_create");
  float ms = 1.0f;
  clear_msg();
  st = A->event_elapsed(e1, fresh, &ms);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "elapsed", "never recorded");

  /* A wait on a never-recorded event is no wait. */
  CHECK(A->stream_wait_event(s, fresh) == PH_OK, "wait on a fresh event");
  double t0 = now_ms();
  CHECK(A->event_record(e1, s) == PH_OK, "record e1");
  CHECK(A->memset(s, big, 0, 1, 64 << 20) == PH_OK, "memset");
  CHECK(A->event_record(e2, s) == PH_OK, "record e2");
  CHECK(A->memset(s, big, 0, 2, 64 << 20) == PH_OK, "memset");
  CHECK(A->event_record(e3, s) == PH_OK, "record e3");
  CHECK(A->event_sync(e3) == PH_OK, "event_sync e3");
  double host = now_ms() - t0;
  CHECK(A->event_query(e1) == PH_OK && A->event_query(e2) == PH_OK &&
            A->event_query(e3) == PH_OK,
        "in-order: e3 done implies e1, e2 done");
  float d12 = -1, d13 = -1, d23 = -1;
  CHECK(A->event_elapsed(e1, e2, &d12) == PH_OK && A->event_elapsed(e1, e3, &d13) == PH_OK &&
            A->event_elapsed(e2, e3, &d23) == PH_OK,
        "elapsed");
  CHECK(d12 > 0.0f && d23 > 0.0f && d13 >= d12 && d13 >= d23, "d12 %f d23 %f d13 %f", d12, d23,
        d13);
  CHECK(d13 <= host + 1.0, "elapsed %f ms > host window %f ms", d13, host);
  double sum = (double)d12 + (double)d23;
  CHECK(sum > d13 * 0.999 - 0.01 && sum < d13 * 1.001 + 0.01, "d12 + d23 != d13");

  /* Re-recording replaces the capture. */
  CHECK(A->memset(s, big, 0, 3, 64 << 20) == PH_OK, "memset");
  CHECK(A->event_record(e1, s) == PH_OK, "re-record e1");
  CHECK(A->event_sync(e1) == PH_OK, "sync e1");
  CHECK(A->event_elapsed(e3, e1, &ms) == PH_OK && ms > 0.0f, "e3 -> new e1 %f", ms);
  CHECK(all_bytes(map(big), 64 << 20, 3), "event_sync(e1) returned before the memset");
  CHECK(A->stream_sync(s) == PH_OK, "sync");

  /* Destroy an event right after enqueuing a wait and a record on it. */
  ph_plugin_stream_t *s2 = NULL;
  CHECK(A->stream_create(g_dev, 0, &s2) == PH_OK, "stream_create");
  ph_plugin_event_t *tmp = NULL;
  CHECK(A->event_create(g_dev, 0, &tmp) == PH_OK, "event_create");
  CHECK(A->memset(s, big, 0, 4, 64 << 20) == PH_OK, "memset");
  CHECK(A->event_record(tmp, s) == PH_OK, "record tmp");
  CHECK(A->stream_wait_event(s2, tmp) == PH_OK, "s2 waits on tmp");
  A->event_destroy(tmp);
  CHECK(A->memset(s2, big, 0, 5, 1) == PH_OK, "memset s2");
  CHECK(A->stream_sync(s2) == PH_OK, "sync s2");
  uint8_t *bp = map(big);
  CHECK(bp[0] == 5 && bp[1] == 4, "s2's memset ran after s's (%u %u)", bp[0], bp[1]);

  A->stream_destroy(s2);
  A->event_destroy(fresh);
  A->event_destroy(e1);
  A->event_destroy(e2);
  A->event_destroy(e3);
  A->stream_destroy(s);
  A->mem_free(g_dev, big);
}

static void test_destroy_drains(void) {
  ph_plugin_stream_t *s = NULL;
  CHECK(A->stream_create(g_dev, 0, &s) == PH_OK, "stream_create");
  ph_plugin_mem_t *m = alloc_or_die(32 << 20);
  CHECK(A->memset(s, m, 0, 0x10, 32 << 20) == PH_OK, "memset");
  CHECK(A->memset(s, m, 1, 0x5A, (32 << 20) - 1) == PH_OK, "memset");
  A->stream_destroy(s);
  uint8_t *p = map(m);
  CHECK(p[0] == 0x10 && all_bytes(p + 1, (32 << 20) - 1, 0x5A),
        "stream_destroy must run pending work first");
  A->mem_free(g_dev, m);
}

/* Capabilities and declines, valid with any kernels. */
static void test_op_caps(void) {
  uint32_t caps = 7;
  CHECK(A->op_capability(g_dev, PH_OP_INVALID, PH_DTYPE_F32, &caps) == PH_OK && caps == 0,
        "invalid op caps %u", caps);
  CHECK(A->op_capability(g_dev, PH_OP_COUNT_ + 5, PH_DTYPE_F32, &caps) == PH_OK && caps == 0,
        "unknown op caps");
  CHECK(A->op_capability(g_dev, PH_OP_UNARY, PH_DTYPE_COUNT_ + 3, &caps) == PH_OK && caps == 0,
        "unknown dtype caps");
  ph_plugin_mem_t *m = alloc_or_die(256);
  ph_plugin_stream_t *s = NULL;
  CHECK(A->stream_create(g_dev, 0, &s) == PH_OK, "stream_create");
  memset(map(m), 0x7F, 256);
  int64_t shape = 8, stride = 1;
  /* Every op and dtype: a declined pair gives UNSUPPORTED from check and
   * launch, naming op and dtype, and nothing runs. */
  for (uint32_t op = 1; op < PH_OP_COUNT_; ++op) {
    for (uint32_t dt = 1; dt < PH_DTYPE_COUNT_; ++dt) {
      CHECK(A->op_capability(g_dev, op, dt, &caps) == PH_OK, "op_capability");
      if (caps & PH_OP_CAP_SUPPORTED) continue;
      ph_plugin_tensor_t x = tensor(dt, 1, &shape, &stride, m, 0);
      ph_plugin_tensor_t y = tensor(dt, 1, &shape, &stride, m, 128);
      const ph_plugin_tensor_t *ins[1] = {&x}, *outs[1] = {&y};
      ph_plugin_op_desc_t d = {sizeof(d), op, 0, 1, ins, 1, outs, NULL};
      static const char *const dn[] = {"?", "f32", "f16", "bf16", "i8", "i32"};
      clear_msg();
      ph_status_t st = A->op_check(g_dev, &d);
      CHECK_ERR(st, PH_ERROR_UNSUPPORTED, "not supported", dn[dt]);
      clear_msg();
      st = A->op_launch(s, &d);
      CHECK_ERR(st, PH_ERROR_UNSUPPORTED, "op_launch", dn[dt]);
    }
  }
  clear_msg();
  ph_status_t st = A->op_check(g_dev, NULL);
  CHECK_ERR(st, PH_ERROR_INVALID_ARGUMENT, "op_check", "descriptor");
  CHECK(A->stream_query(s) == PH_OK, "declined ops enqueue nothing");
  CHECK(A->stream_sync(s) == PH_OK && all_bytes(map(m), 256, 0x7F), "declined ops ran nothing");
  A->stream_destroy(s);
  A->mem_free(g_dev, m);
}

/* Ops really run (stub kernels): strided input, deep copy of the
 * descriptor, error propagation, exact unit coverage. */
static void test_ops_stub(void) {
  enum { R = 37, C = 53 };
  ph_plugin_stream_t *s = NULL;
  CHECK(A->stream_create(g_dev, 0, &s) == PH_OK, "stream_create");
  uint32_t caps = 0;
  CHECK(A->op_capability(g_dev, PH_OP_UNARY, PH_DTYPE_F32, &caps) == PH_OK &&
            caps == (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED),
        "stub caps f32 %u", caps);
  ph_plugin_mem_t *xm = alloc_or_die(12 + R * C * 4), *ym = alloc_or_die(R * C * 4);
  float *xs = (float *)((uint8_t *)map(xm) + 12);
  for (int i = 0; i < R * C; ++i) xs[i] = (float)((int)(rnd() % 20001) - 10000) / 64.0f;
  memset(map(ym), 0, R * C * 4);

  blocker_t blk;
  blocker_init(&blk);
  blocker_hold(&blk, s);
  {
    /* y[C][R] = -transpose(x[R][C]), x read through strides {1, C}, at a
     * byte offset of 12. Descriptor, tensors and attrs are scribbled over
     * right after launch, while the stream is still held. */
    int64_t shape[2] = {C, R}, xst[2] = {1, C}, yst[2] = {R, 1};
    ph_plugin_tensor_t x = tensor(PH_DTYPE_F32, 2, shape, xst, xm, 12);
    ph_plugin_tensor_t y = tensor(PH_DTYPE_F32, 2, shape, yst, ym, 0);
    ph_unary_attrs_t at = {sizeof(at), PH_UNARY_NEG};
    const ph_plugin_tensor_t *ins[1] = {&x}, *outs[1] = {&y};
    ph_plugin_op_desc_t d = {sizeof(d), PH_OP_UNARY, 0, 1, ins, 1, outs, &at};
    CHECK(A->op_check(g_dev, &d) == PH_OK, "op_check strided f32");
    CHECK(A->op_launch(s, &d) == PH_OK, "op_launch strided f32");
    memset(&x, 0xFF, sizeof(x));
    memset(&y, 0xFF, sizeof(y));
    memset(&at, 0xFF, sizeof(at));
    memset(&d, 0xFF, sizeof(d));
    memset(shape, 0xFF, sizeof(shape));
  }
  CHECK(A->stream_query(s) == PH_ERROR_NOT_READY, "held");
  blocker_release(&blk);
  CHECK(A->stream_sync(s) == PH_OK, "sync after op");
  const float *ys = map(ym);
  int bad = 0;
  for (int i = 0; i < C && !bad; ++i)
    for (int j = 0; j < R; ++j) {
      double want = -(double)xs[j * C + i];
      if ((double)ys[i * R + j] != want) {
        CHECK(0, "y[%d][%d] = %g, want %g", i, j, (double)ys[i * R + j], want);
        bad = 1;
        break;
      }
    }

  /* i32 is dense-only in the stub: a strided input is declined. */
  {
    int64_t shape[2] = {4, 4}, st_t[2] = {1, 4}, st_d[2] = {4, 1};
    ph_plugin_tensor_t x = tensor(PH_DTYPE_I32, 2, shape, st_t, xm, 0);
    ph_plugin_tensor_t y = tensor(PH_DTYPE_I32, 2, shape, st_d, ym, 0);
    clear_msg();
    ph_status_t st = launch_unary(s, PH_UNARY_NEG, &x, &y, 1);
    CHECK_ERR(st, PH_ERROR_UNSUPPORTED, "unary", "strided");
    clear_msg();
    st = launch_unary(s, PH_UNARY_NEG, &x, &y, 0);
    CHECK_ERR(st, PH_ERROR_UNSUPPORTED, "unary (i32)", "strided");
    /* A strided output is declined for any dtype. */
    ph_plugin_tensor_t xf = tensor(PH_DTYPE_F32, 2, shape, st_d, xm, 0);
    ph_plugin_tensor_t yf = tensor(PH_DTYPE_F32, 2, shape, st_t, ym, 0);
    clear_msg();
    st = launch_unary(s, PH_UNARY_NEG, &xf, &yf, 0);
    CHECK_ERR(st, PH_ERROR_UNSUPPORTED, "output 0", "strided");
    /* bf16: not supported at all. */
    ph_plugin_tensor_t xb = tensor(PH_DTYPE_BF16, 2, shape, st_d, xm, 0);
    clear_msg();
    st = launch_unary(s, PH_UNARY_NEG, &xb, &y, 0);
    CHECK_ERR(st, PH_ERROR_UNSUPPORTED, "unary", "bf16");
    /* Extent-1 axes may have any stride and still count as dense. */
    int64_t s1[2] = {1, 16}, s1st[2] = {999, 1};
    ph_plugin_tensor_t x1 = tensor(PH_DTYPE_I32, 2, s1, s1st, xm, 0);
    ph_plugin_tensor_t y1 = tensor(PH_DTYPE_I32, 2, s1, st_d + 0, ym, 0);
    y1.strides[0] = 16;
    CHECK(launch_unary(s, PH_UNARY_NEG, &x1, &y1, 1) == PH_OK, "extent-1 axis is dense");
  }

  /* A failing kernel: sync reports it once, with a message. */
  {
    int64_t n = 64, one = 1;
    ph_plugin_tensor_t x = tensor(PH_DTYPE_F32, 1, &n, &one, xm, 0);
    ph_plugin_tensor_t y = tensor(PH_DTYPE_F32, 1, &n, &one, ym, 0);
    CHECK(launch_unary(s, PH_UNARY_ABS, &x, &y, 0) == PH_OK, "launch of a failing kernel");
    CHECK(A->memset(s, ym, 0, 0x42, 16) == PH_OK, "memset after the failure");
    clear_msg();
    ph_status_t st = A->stream_sync(s);
    CHECK_ERR(st, PH_ERROR_OUT_OF_MEMORY, "unary", "failed");
    CHECK(A->stream_sync(s) == PH_OK, "the error is cleared by the sync that reported it");
  }

  /* Each unit runs exactly once, for unit counts around the thread count. */
  ph_plugin_mem_t *cm = alloc_or_die(100003 * 4);
  const int64_t counts[] = {1, 2, 3, 5, 7, 64, 100003};
  for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); ++c) {
    int64_t n = counts[c], one = 1;
    int32_t *cp = map(cm);
    memset(cp, 0, (size_t)n * 4);
    ph_plugin_tensor_t x = tensor(PH_DTYPE_I32, 1, &n, &one, cm, 0);
    CHECK(launch_unary(s, PH_UNARY_SQRT, &x, &x, 0) == PH_OK, "count launch");
    CHECK(A->stream_sync(s) == PH_OK, "count sync");
    int64_t wrong = 0;
    for (int64_t i = 0; i < n; ++i) wrong += cp[i] != 1;
    CHECK(wrong == 0, "%lld of %lld units not run exactly once", (long long)wrong, (long long)n);
  }
  A->mem_free(g_dev, cm);
  blocker_fini(&blk);
  A->stream_destroy(s);
  A->mem_free(g_dev, xm);
  A->mem_free(g_dev, ym);
}

/* Several host threads, each with its own stream, at once: ops (stub) share
 * the thread pool; transfers always. */
typedef struct worker_arg {
  int id;
} worker_arg_t;

static void *concurrent_worker(void *p) {
  const worker_arg_t *wa = p;
  enum { N = 20000, ITERS = 25 };
  ph_plugin_stream_t *s = NULL;
  CHECK(A->stream_create(g_dev, 0, &s) == PH_OK, "stream_create");
  ph_plugin_mem_t *xm = alloc_or_die(N * 4), *ym = alloc_or_die(N * 4);
  int32_t *host = malloc(N * 4), *back = malloc(N * 4);
  if (host == NULL || back == NULL) exit(2);
  for (int it = 0; it < ITERS; ++it) {
    for (int i = 0; i < N; ++i) host[i] = wa->id * 1000003 + it * 7919 + i;
    CHECK(A->copy_h2d(s, xm, 0, host, N * 4) == PH_OK, "h2d");
    if (g_stub) {
      int64_t n = N, one = 1;
      ph_plugin_tensor_t x = tensor(PH_DTYPE_I32, 1, &n, &one, xm, 0);
      ph_plugin_tensor_t y = tensor(PH_DTYPE_I32, 1, &n, &one, ym, 0);
      CHECK(launch_unary(s, PH_UNARY_NEG, &x, &y, 0) == PH_OK, "launch");
    } else {
      CHECK(A->copy_d2d(s, ym, 0, xm, 0, N * 4) == PH_OK, "d2d");
    }
    CHECK(A->copy_d2h(s, back, ym, 0, N * 4) == PH_OK, "d2h");
    CHECK(A->stream_sync(s) == PH_OK, "sync");
    int wrong = 0;
    for (int i = 0; i < N; ++i) {
      long long want = g_stub ? -(long long)host[i] : (long long)host[i];
      wrong += (long long)back[i] != want;
    }
    CHECK(wrong == 0, "thread %d iter %d: %d wrong", wa->id, it, wrong);
  }
  A->stream_destroy(s);
  A->mem_free(g_dev, xm);
  A->mem_free(g_dev, ym);
  free(host);
  free(back);
  return NULL;
}

static void test_concurrent(void) {
  enum { T = 4 };
  pthread_t th[T];
  worker_arg_t args[T];
  for (int i = 0; i < T; ++i) {
    args[i].id = i;
    if (pthread_create(&th[i], NULL, concurrent_worker, &args[i]) != 0) exit(2);
  }
  for (int i = 0; i < T; ++i) pthread_join(th[i], NULL);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PLUGIN.so [--stub]\n", argv[0]);
    return 2;
  }
  g_stub = argc > 2 && strcmp(argv[2], "--stub") == 0;
  /* A plugin that runs enqueued work synchronously would spin at the stub
   * gate forever: SIGALRM's default action turns that hang into a failure. */
  alarm(300);
  /* Several pool threads even on a small machine, unless the caller chose. */
  setenv("PH_CPU_THREADS", "3", 0);

  void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (so == NULL) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 2;
  }
  ph_plugin_init_fn init;
  void *sym = dlsym(so, PH_PLUGIN_INIT_SYMBOL);
  memcpy(&init, &sym, sizeof(init));
  if (init == NULL) {
    fprintf(stderr, "dlsym: %s\n", dlerror());
    return 2;
  }

  test_init(init);
  test_device();
  test_memory();
  test_copies();
  test_async_order();
  test_events();
  test_destroy_drains();
  test_op_caps();
  if (g_stub) test_ops_stub();
  test_concurrent();

  A->device_close(g_dev);
  A->shutdown();
  dlclose(so);
  printf("test_cpu_plugin_abi (%s kernels): %d checks, %d failures\n",
         g_stub ? "stub" : "ref", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
