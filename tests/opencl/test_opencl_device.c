/*
 * The opencl plugin through the public API: device properties, copies and
 * fills at odd sizes and offsets (against a host model of the buffer),
 * device copies within and between buffers, map/unmap, ordering across two streams with
 * an event, and event timing. Exits 77 (skip) without an OpenCL device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "polyhal/polyhal.h"

static int g_checks, g_failures;
#define CHECK(cond, ...)                                  \
  do {                                                    \
    ++g_checks;                                           \
    if (!(cond)) {                                        \
      ++g_failures;                                       \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                       \
      fputc('\n', stderr);                                \
    }                                                     \
  } while (0)
#define OK(call) CHECK((call) == PH_OK, "%s: %s", #call, ph_last_error())

static uint64_t g_rng = 0x0c1c0de5ull;
static unsigned char next_byte(void) {
  g_rng = g_rng * 6364136223846793005ull + 1442695040888963407ull;
  return (unsigned char)(g_rng >> 56);
}

static void test_props(ph_device_t *dev) {
  ph_device_props_t p;
  memset(&p, 0, sizeof(p));
  p.struct_size = sizeof(p);
  OK(ph_device_get_props(dev, &p));
  CHECK(strcmp(p.plugin, "opencl") == 0, "plugin %s", p.plugin);
  CHECK(p.name[0] != '\0' && p.vendor[0] != '\0' && p.driver_version[0] != '\0',
        "name/vendor/driver empty");
  CHECK(p.compute_units >= 1, "compute units %u", p.compute_units);
  CHECK(p.memory_bytes > 0 && p.max_alloc_bytes > 0 && p.max_alloc_bytes <= p.memory_bytes,
        "memory %llu max alloc %llu", (unsigned long long)p.memory_bytes,
        (unsigned long long)p.max_alloc_bytes);
  CHECK(p.min_alignment >= 1 && (p.min_alignment & (p.min_alignment - 1)) == 0,
        "min_alignment %u", p.min_alignment);
  CHECK(p.mem_kinds & PH_MEM_DEVICE, "mem kinds 0x%x", p.mem_kinds);
  CHECK(!!(p.flags & PH_DEVICE_RUNTIME_COMPILE) != !!(p.flags & PH_DEVICE_OFFLINE_BINARIES),
        "exactly one of runtime-compile / offline-binaries: flags 0x%x", p.flags);
  const char *bo = getenv("PH_OPENCL_BINARY_ONLY");
  if (bo != NULL && strcmp(bo, "1") == 0)
    CHECK(p.flags & PH_DEVICE_OFFLINE_BINARIES, "binary-only flags 0x%x", p.flags);
  uint32_t all = (1u << PH_DTYPE_F32) | (1u << PH_DTYPE_F16) | (1u << PH_DTYPE_BF16) |
                 (1u << PH_DTYPE_I8) | (1u << PH_DTYPE_I32);
  CHECK(p.dtypes == all, "dtypes 0x%x", p.dtypes);
  printf("device: %s (%s, driver %s), %u CUs, flags 0x%x\n", p.name, p.vendor,
         p.driver_version, p.compute_units, p.flags);
}

/* Writes, fills, copies at odd sizes and offsets, checked against a host
 * model that applies the same operations with memmove/memset. */
static void test_copies(ph_device_t *dev, ph_stream_t *s) {
  enum { N = 4099 };
  ph_buffer_t *a = NULL, *b = NULL;
  OK(ph_buffer_alloc(dev, N, PH_MEM_DEVICE, &a));
  OK(ph_buffer_alloc(dev, N, PH_MEM_DEVICE, &b));
  if (a == NULL || b == NULL) return;
  static unsigned char model_a[N], model_b[N], init[N], got[N];
  for (int i = 0; i < N; ++i) init[i] = next_byte();
  memcpy(model_a, init, N);
  OK(ph_buffer_write(s, a, 0, init, N));
  memset(model_b, 0x5a, N);
  OK(ph_buffer_fill(s, b, 0, 0x5a, N));
  static const struct { uint64_t off, size; } w[] = {{1, 1}, {3, 17}, {1000, 3}, {4082, 4}, {4095, 4}, {7, 0}};
  for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); ++i) {
    /* Host memory stays borrowed until the copy completes: one array each. */
    static unsigned char srcs[8][32];
    unsigned char *src = srcs[i];
    for (size_t k = 0; k < sizeof(srcs[i]); ++k) src[k] = next_byte();
    OK(ph_buffer_write(s, a, w[i].off, src, w[i].size));
    memcpy(model_a + w[i].off, src, w[i].size);
    if (w[i].off + 5 + w[i].size * 3 > N) continue; /* fill window past the end */
    OK(ph_buffer_fill(s, b, w[i].off + 5, (uint8_t)(i * 37 + 1), w[i].size * 3));
    memset(model_b + w[i].off + 5, (int)(i * 37 + 1), w[i].size * 3);
  }
  OK(ph_buffer_copy(s, b, 13, a, 2001, 1111)); /* between buffers */
  memmove(model_b + 13, model_a + 2001, 1111);
  OK(ph_buffer_copy(s, a, 3001, a, 3, 1000)); /* within one buffer, disjoint */
  memmove(model_a + 3001, model_a + 3, 1000);
  OK(ph_buffer_copy(s, a, 1, a, 2099, 901)); /* within one buffer, backward */
  memmove(model_a + 1, model_a + 2099, 901);
  OK(ph_buffer_copy(s, b, 3000, a, 5, 1099)); /* disjoint */
  memmove(model_b + 3000, model_a + 5, 1099);
  memset(got, 0, N);
  OK(ph_buffer_read(s, got, a, 0, N));
  OK(ph_stream_sync(s));
  CHECK(memcmp(got, model_a, N) == 0, "buffer a differs from the host model");
  memset(got, 0, N);
  OK(ph_buffer_read(s, got + 1, b, 1, N - 2)); /* odd read window */
  OK(ph_stream_sync(s));
  CHECK(memcmp(got + 1, model_b + 1, N - 2) == 0, "buffer b differs from the host model");
  CHECK(ph_buffer_write(s, a, N - 2, init, 3) != PH_OK, "out-of-range write accepted");
  OK(ph_buffer_free(a));
  OK(ph_buffer_free(b));
}

static void test_map(ph_device_t *dev, ph_stream_t *s) {
  ph_buffer_t *h = NULL;
  OK(ph_buffer_alloc(dev, 333, PH_MEM_HOST_VISIBLE, &h));
  if (h == NULL) return;
  OK(ph_buffer_fill(s, h, 0, 7, 333));
  OK(ph_stream_sync(s));
  unsigned char *p = NULL;
  OK(ph_buffer_map(h, (void **)&p));
  if (p != NULL) {
    int ok = 1;
    for (int i = 0; i < 333; ++i) ok &= p[i] == 7;
    CHECK(ok, "mapped bytes are not the filled value");
    for (int i = 0; i < 333; ++i) p[i] = (unsigned char)i;
  }
  OK(ph_buffer_unmap(h));
  unsigned char got[333];
  OK(ph_buffer_read(s, got, h, 0, 333));
  OK(ph_stream_sync(s));
  int ok = 1;
  for (int i = 0; i < 333; ++i) ok &= got[i] == (unsigned char)i;
  CHECK(ok, "host writes through the mapping did not reach the buffer");
  OK(ph_buffer_free(h));
}

/* Stream 2 copies what stream 1 wrote, ordered only by an event. Many
 * large fills on stream 1 first make the race real if the wait is lost. */
static void test_two_streams(ph_device_t *dev, ph_stream_t *s1) {
  enum { BIG = 8 << 20 };
  ph_stream_t *s2 = NULL;
  ph_event_t *e = NULL, *t0 = NULL, *t1 = NULL;
  ph_buffer_t *big = NULL, *x = NULL, *y = NULL;
  OK(ph_stream_create(dev, 0, &s2));
  OK(ph_event_create(dev, 0, &e));
  OK(ph_event_create(dev, 0, &t0));
  OK(ph_event_create(dev, 0, &t1));
  OK(ph_buffer_alloc(dev, BIG, PH_MEM_DEVICE, &big));
  OK(ph_buffer_alloc(dev, 4096, PH_MEM_DEVICE, &x));
  OK(ph_buffer_alloc(dev, 4096, PH_MEM_DEVICE, &y));
  if (!s2 || !e || !t0 || !t1 || !big || !x || !y) goto out;
  OK(ph_event_query(e)); /* never recorded: complete */
  OK(ph_event_sync(e));
  OK(ph_stream_wait_event(s2, e)); /* never recorded: no wait */
  for (int round = 0; round < 3; ++round) {
    uint8_t v = (uint8_t)(0x21 + round);
    OK(ph_buffer_fill(s2, y, 0, 0, 4096));
    OK(ph_stream_sync(s2));
    OK(ph_event_record(t0, s1));
    for (int i = 0; i < 20; ++i) OK(ph_buffer_fill(s1, big, 0, (uint8_t)i, BIG));
    OK(ph_buffer_fill(s1, x, 0, v, 4096));
    OK(ph_event_record(e, s1));
    OK(ph_event_record(t1, s1));
    OK(ph_stream_wait_event(s2, e));
    OK(ph_buffer_copy(s2, y, 0, x, 0, 4096));
    unsigned char got[4096];
    OK(ph_buffer_read(s2, got, y, 0, 4096));
    OK(ph_stream_sync(s2));
    OK(ph_event_query(e)); /* s2 waited on it, so it has completed */
    int ok = 1;
    for (int i = 0; i < 4096; ++i) ok &= got[i] == v;
    CHECK(ok, "round %d: stream 2 read before stream 1's fill (event wait lost)", round);
    OK(ph_event_sync(t1));
    float ms = -1.0f;
    OK(ph_event_elapsed_ms(t0, t1, &ms));
    CHECK(ms >= 0.0f, "elapsed %f ms", (double)ms);
    if (round == 0) printf("20 x 8 MiB fills: %.3f ms by events\n", (double)ms);
  }
  OK(ph_stream_sync(s1));
  OK(ph_stream_query(s1));
out:
  ph_buffer_free(big);
  ph_buffer_free(x);
  ph_buffer_free(y);
  ph_event_destroy(e);
  ph_event_destroy(t0);
  ph_event_destroy(t1);
  ph_stream_destroy(s2);
}

int main(void) {
  ph_device_t *dev = NULL;
  ph_status_t st = ph_device_find("opencl:0", &dev);
  if (st != PH_OK) {
    printf("SKIP: no OpenCL device (%s: %s)\n", ph_status_string(st), ph_last_error());
    return 77;
  }
  ph_stream_t *s = NULL;
  OK(ph_stream_create(dev, 0, &s));
  if (s != NULL) {
    test_props(dev);
    test_copies(dev, s);
    test_map(dev, s);
    test_two_streams(dev, s);
    OK(ph_stream_destroy(s));
  }
  printf("opencl_device: %d checks, %d failed\n", g_checks, g_failures);
  return g_failures != 0;
}
