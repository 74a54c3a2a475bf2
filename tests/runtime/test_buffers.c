/*
 * Buffer tests on every device found: allocation of many sizes (1 byte to
 * 256 MiB, and the declared max_alloc when it is at most 1 GiB), copies
 * with odd sizes and offsets checked against a host mirror, fills,
 * map/unmap of host-visible and unified memory, and the getters.
 */
#include <inttypes.h>
#include <stdbool.h>

#include "rt.h"

#define MIB ((uint64_t)1 << 20)
#define GIB ((uint64_t)1 << 30)

static ph_device_props_t props_of(ph_device_t *dev) {
  ph_device_props_t p;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  RT_OK(ph_device_get_props(dev, &p));
  return p;
}

/* Allocates |size| bytes, checks the getters, writes a pattern at both
 * ends and reads it back. */
static void check_size(ph_device_t *dev, ph_stream_t *s, uint64_t size) {
  ph_buffer_t *b = NULL;
  if (RT_OK(ph_buffer_alloc(dev, size, 0, &b)) != PH_OK) {
    fprintf(stderr, "  (size %" PRIu64 ")\n", size);
    return;
  }
  uint64_t got = 0;
  ph_device_t *d = NULL;
  RT_OK(ph_buffer_get_size(b, &got));
  RT_OK(ph_buffer_get_device(b, &d));
  RT_CHECK(got == size, "ph_buffer_get_size = %" PRIu64 ", want %" PRIu64, got, size);
  RT_CHECK(d == dev, "ph_buffer_get_device returned another device");

  uint8_t in[2][64], out[2][64];
  uint64_t n = size < 64 ? size : 64;
  rt_random_bytes(in[0], sizeof in[0]);
  rt_random_bytes(in[1], sizeof in[1]);
  memset(out, 0, sizeof out);
  RT_OK(ph_buffer_write(s, b, 0, in[0], n));
  RT_OK(ph_buffer_write(s, b, size - n, in[1], n));
  RT_OK(ph_buffer_read(s, out[0], b, 0, n));
  RT_OK(ph_buffer_read(s, out[1], b, size - n, n));
  RT_OK(ph_stream_sync(s));
  /* With size < 128 the two ranges overlap; the second write wins. */
  uint8_t want0[64];
  memcpy(want0, in[0], n);
  if (size < 2 * n) memcpy(want0 + (size - n), in[1], n - (size - n));
  RT_CHECK(rt_first_diff(out[0], want0, n) < 0, "head of a %" PRIu64 "-byte buffer", size);
  RT_CHECK(rt_first_diff(out[1], in[1], n) < 0, "tail of a %" PRIu64 "-byte buffer", size);
  RT_OK(ph_buffer_free(b));
}

static void test_sizes(ph_device_t *dev, const ph_device_props_t *p) {
  ph_stream_t *s = NULL;
  if (RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK) return;
  const uint64_t sizes[] = {1, 2, 3, 7, 8, 63, 64, 65, 127, 4095, 4096, 4097,
                            MIB - 1, MIB + 1, 17 * MIB + 3};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) check_size(dev, s, sizes[i]);
  if (p->max_alloc_bytes == 0 || p->max_alloc_bytes >= 256 * MIB)
    check_size(dev, s, 256 * MIB);
  else
    rt_skip("256 MiB allocation (above the device's max_alloc)");

  /* Many live buffers at once, freed in a scrambled order. */
  enum { LIVE = 200 };
  ph_buffer_t *live[LIVE] = {NULL};
  for (int i = 0; i < LIVE; ++i) RT_OK(ph_buffer_alloc(dev, 1 + rt_below(10000), 0, &live[i]));
  for (int i = 0; i < LIVE; ++i) {
    int j = (int)((i * 37) % LIVE);
    RT_OK(ph_buffer_free(live[j]));
  }

  /* The declared largest allocation: it may fail for want of memory, but
   * only with OUT_OF_MEMORY. Above 1 GiB it is not tried (CI machines). */
  if (p->max_alloc_bytes > 0 && p->max_alloc_bytes <= GIB) {
    ph_buffer_t *b = NULL;
    ph_status_t st = ph_buffer_alloc(dev, p->max_alloc_bytes, 0, &b);
    RT_CHECK(st == PH_OK || st == PH_ERROR_OUT_OF_MEMORY,
             "alloc of max_alloc (%" PRIu64 ") -> %s: %s", p->max_alloc_bytes,
             ph_status_string(st), ph_last_error());
    RT_CHECK((st == PH_OK) == (b != NULL), "out_buffer does not match the status");
    if (b) {
      uint8_t last = 0, one = 0x9d;
      RT_OK(ph_buffer_write(s, b, p->max_alloc_bytes - 1, &one, 1));
      RT_OK(ph_buffer_read(s, &last, b, p->max_alloc_bytes - 1, 1));
      RT_OK(ph_stream_sync(s));
      RT_CHECK(last == one, "last byte of the max allocation");
    }
    RT_OK(ph_buffer_free(b));
  } else {
    char what[128];
    snprintf(what, sizeof what, "allocation of max_alloc_bytes (%" PRIu64 " > 1 GiB)",
             p->max_alloc_bytes);
    rt_skip(what);
  }
  ph_stream_destroy(s);
}

/* Random copies, writes, reads and fills with odd sizes and offsets,
 * mirrored on the host and compared in full at the end. */
static void test_copies(ph_device_t *dev) {
  enum { N = 10007, ROUNDS = 400 };
  ph_stream_t *s = NULL;
  ph_buffer_t *b[2] = {NULL};
  static uint8_t mirror[2][N], got[N], payload[ROUNDS][N / 4];
  if (RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK ||
      RT_OK(ph_buffer_alloc(dev, N, 0, &b[0])) != PH_OK ||
      RT_OK(ph_buffer_alloc(dev, N, 0, &b[1])) != PH_OK)
    goto done;
  for (int d = 0; d < 2; ++d) {
    rt_random_bytes(mirror[d], N);
    RT_OK(ph_buffer_write(s, b[d], 0, mirror[d], N));
  }
  RT_OK(ph_stream_sync(s)); /* mirror[] is host memory the writes borrowed */
  for (int r = 0; r < ROUNDS; ++r) {
    int d = (int)rt_below(2), kind = (int)rt_below(4);
    uint64_t len = (1 + rt_below(N / 4 - 1)) | 1; /* odd sizes */
    uint64_t doff = rt_below(N - len + 1), soff = rt_below(N - len + 1);
    if (kind == 0) {
      rt_random_bytes(payload[r], len);
      memcpy(mirror[d] + doff, payload[r], len);
      RT_OK(ph_buffer_write(s, b[d], doff, payload[r], len));
    } else if (kind == 1) {
      memcpy(mirror[d] + doff, mirror[1 - d] + soff, len);
      RT_OK(ph_buffer_copy(s, b[d], doff, b[1 - d], soff, len));
    } else if (kind == 2) {
      if (doff < soff + len && soff < doff + len) continue; /* overlap is refused */
      memmove(mirror[d] + doff, mirror[d] + soff, len);
      RT_OK(ph_buffer_copy(s, b[d], doff, b[d], soff, len));
    } else {
      uint8_t v = (uint8_t)rt_next();
      memset(mirror[d] + doff, v, len);
      RT_OK(ph_buffer_fill(s, b[d], doff, v, len));
    }
  }
  for (int d = 0; d < 2; ++d) {
    memset(got, 0, sizeof got);
    RT_OK(ph_buffer_read(s, got, b[d], 0, N));
    RT_OK(ph_stream_sync(s));
    long at = rt_first_diff(got, mirror[d], N);
    RT_CHECK(at < 0, "buffer %d differs from the mirror at byte %ld", d, at);
  }
  /* Reads at odd offsets into odd host addresses. */
  for (int r = 0; r < 50; ++r) {
    uint64_t len = 1 + rt_below(999), off = rt_below(N - len + 1);
    uint64_t host_off = rt_below(7);
    memset(got, 0, sizeof got);
    RT_OK(ph_buffer_read(s, got + host_off, b[0], off, len));
    RT_OK(ph_stream_sync(s));
    RT_CHECK(rt_first_diff(got + host_off, mirror[0] + off, len) < 0,
             "read of %" PRIu64 " bytes at %" PRIu64, len, off);
    RT_CHECK(host_off == 0 || got[host_off - 1] == 0, "read wrote before its destination");
    RT_CHECK(got[host_off + len] == 0, "read wrote past its destination");
  }
  /* Size-0 transfers are accepted and change nothing. */
  RT_OK(ph_buffer_write(s, b[0], 5, payload[0], 0));
  RT_OK(ph_buffer_fill(s, b[0], N, 0xff, 0));
  RT_OK(ph_buffer_copy(s, b[1], 0, b[0], N, 0));
  RT_OK(ph_buffer_read(s, got, b[0], 0, N));
  RT_OK(ph_stream_sync(s));
  RT_CHECK(rt_first_diff(got, mirror[0], N) < 0, "a size-0 transfer changed the buffer");
done:
  ph_stream_destroy(s);
  ph_buffer_free(b[0]);
  ph_buffer_free(b[1]);
}

/* Map/unmap round trips in both directions for each mappable kind. */
static void test_map(ph_device_t *dev, const ph_device_props_t *p) {
  const uint32_t kinds[] = {PH_MEM_HOST_VISIBLE, PH_MEM_UNIFIED};
  const char *names[] = {"PH_MEM_HOST_VISIBLE", "PH_MEM_UNIFIED"};
  enum { N = 65537 };
  static uint8_t in[N], out[N];
  for (int k = 0; k < 2; ++k) {
    if (!(p->mem_kinds & kinds[k])) {
      char what[96];
      snprintf(what, sizeof what, "map of %s (device lacks it)", names[k]);
      rt_skip(what);
      continue;
    }
    ph_stream_t *s = NULL;
    ph_buffer_t *b = NULL;
    void *ptr = NULL;
    if (RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK) continue;
    if (RT_OK(ph_buffer_alloc(dev, N, kinds[k], &b)) != PH_OK) {
      ph_stream_destroy(s);
      continue;
    }
    /* Host writes through the mapping, the stream reads them. */
    if (RT_OK(ph_buffer_map(b, &ptr)) == PH_OK) {
      RT_CHECK(ptr != NULL, "%s: map gave NULL", names[k]);
      /* Where device memory is host memory, the mapping is the allocation,
       * which is aligned to min_alignment. */
      RT_CHECK(!(p->flags & PH_DEVICE_HOST_MEMORY) || p->min_alignment == 0 ||
                   (uintptr_t)ptr % p->min_alignment == 0,
               "%s: mapping %p not aligned to min_alignment %u", names[k], ptr,
               p->min_alignment);
      rt_random_bytes(in, N);
      if (ptr) memcpy(ptr, in, N);
      RT_OK(ph_buffer_unmap(b));
    }
    memset(out, 0, sizeof out);
    RT_OK(ph_buffer_read(s, out, b, 0, N));
    RT_OK(ph_stream_sync(s));
    RT_CHECK(rt_first_diff(out, in, N) < 0, "%s: stream read of host-written data", names[k]);
    /* The stream writes, the host reads through a new mapping. */
    rt_random_bytes(in, N);
    RT_OK(ph_buffer_write(s, b, 0, in, N));
    RT_OK(ph_buffer_fill(s, b, 100, 0xab, 1000));
    memset(in + 100, 0xab, 1000);
    RT_OK(ph_stream_sync(s));
    if (RT_OK(ph_buffer_map(b, &ptr)) == PH_OK && ptr) {
      RT_CHECK(rt_first_diff(ptr, in, N) < 0, "%s: host read of stream-written data",
               names[k]);
      RT_OK(ph_buffer_unmap(b));
    }
    /* Freeing a mapped buffer unmaps it. */
    RT_OK(ph_buffer_map(b, &ptr));
    RT_OK(ph_buffer_free(b));
    ph_stream_destroy(s);
  }
}

int main(void) {
  uint64_t seed = rt_seed_from_env(777);
  printf("test_buffers: seed %llu (PH_TEST_SEED to replay)\n", (unsigned long long)seed);
  size_t count = 0;
  RT_OK(ph_device_count(&count));
  if (count == 0) {
    printf("SKIP: no device found (see ph-info)\n");
    return RT_EXIT_SKIP;
  }
  for (size_t i = 0; i < count; ++i) {
    ph_device_t *dev = NULL;
    if (RT_OK(ph_device_get(i, &dev)) != PH_OK) continue;
    ph_device_props_t p = props_of(dev);
    printf("device %s (%s): max_alloc %" PRIu64 " bytes, mem_kinds 0x%x\n", p.id, p.name,
           p.max_alloc_bytes, p.mem_kinds);
    test_sizes(dev, &p);
    test_copies(dev);
    test_map(dev, &p);
  }
  return rt_finish("test_buffers");
}
