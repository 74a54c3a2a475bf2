/*
 * Memory group: allocation of many sizes up to the declared maximum,
 * refusals at the limits, every listed memory kind, host round trips,
 * device copies and fills at odd sizes and offsets (with the bytes around
 * each range checked untouched), map/unmap, and many live buffers.
 * Overlapping copies within one buffer are not specified; not tested.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conform.h"

#define MiB (1024ull * 1024ull)
#define GiB (1024ull * MiB)

static void random_bytes(phc_ctx_t *ctx, unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = (unsigned char)phc_rand_u64(&ctx->rng);
}

/* Index of the first difference of two byte ranges, or -1. */
static long long first_diff(const unsigned char *a, const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return (long long)i;
  return -1;
}

/* Host bytes available now (free pages), 0 if unknown. */
static uint64_t host_available(void) {
  long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
}

/* Writes |n| random bytes to all of |b|, reads them back, compares. */
static bool whole_round_trip(phc_ctx_t *ctx, ph_buffer_t *b, size_t n, const char *what) {
  unsigned char *src = malloc(n), *dst = malloc(n);
  bool ok = false;
  if (!src || !dst) {
    phc_fail(ctx, "%s: out of host memory", what);
    goto done;
  }
  random_bytes(ctx, src, n);
  memset(dst, 0, n);
  if (!phc_ok(ctx, ph_buffer_write(ctx->stream, b, 0, src, n), "ph_buffer_write") ||
      !phc_ok(ctx, ph_buffer_read(ctx->stream, dst, b, 0, n), "ph_buffer_read") ||
      !phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync"))
    goto done;
  long long d = first_diff(src, dst, n);
  if (d >= 0)
    phc_fail(ctx, "%s: %zu-byte round trip differs at byte %lld", what, n, d);
  ok = d < 0;
done:
  free(src);
  free(dst);
  return ok;
}

static void run_alloc_sizes(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  static const uint64_t sizes[] = {1, 3, 4095, 4096, 65537, 1u << 20, (16u << 20) + 5};
  size_t count = ctx->profile == PHC_FULL ? 7 : 6;
  for (size_t i = 0; i < count && ctx->status != PHC_FAIL; ++i) {
    ph_buffer_t *b = NULL;
    uint64_t got = 0;
    ph_device_t *dev = NULL;
    char w[64];
    snprintf(w, sizeof w, "ph_buffer_alloc(%llu)", (unsigned long long)sizes[i]);
    if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, sizes[i], 0, &b), w)) return;
    if (b == NULL) phc_fail(ctx, "%s succeeded with a NULL buffer", w);
    if (phc_ok(ctx, ph_buffer_get_size(b, &got), "ph_buffer_get_size") && got != sizes[i])
      phc_fail(ctx, "ph_buffer_get_size = %llu after %s", (unsigned long long)got, w);
    if (phc_ok(ctx, ph_buffer_get_device(b, &dev), "ph_buffer_get_device") && dev != ctx->device)
      phc_fail(ctx, "ph_buffer_get_device gives another device");
    if (b) whole_round_trip(ctx, b, sizes[i], w);
    phc_ok(ctx, ph_buffer_free(b), "ph_buffer_free");
  }
}

/* The declared maximum. On a device whose memory is the host's (cpu, most
 * OpenCL CPU drivers), the maximum is a share of total RAM, and whether it
 * can be had right now depends on what else the host is doing: an
 * OUT_OF_MEMORY there is the host's answer, not a false declaration, so it
 * passes when the device's memory (or the request) exceeds what the host
 * has free. A discrete device with more free host memory than it declares
 * has no such excuse and fails. Huge maxima are tried only in the full
 * profile; quick allocates min(max, 256 MiB). */
static void run_alloc_max(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  uint64_t max = ctx->props.max_alloc_bytes, avail = host_available();
  bool huge = max > 1 * GiB || (avail && max > avail / 4);
  uint64_t size = max;
  if (huge && ctx->profile != PHC_FULL) size = max < 256 * MiB ? max : 256 * MiB;
  ph_buffer_t *b = NULL;
  char w[96];
  snprintf(w, sizeof w, "ph_buffer_alloc(%llu%s)", (unsigned long long)size,
           size == max ? " = max_alloc_bytes" : "");
  ph_status_t st = ph_buffer_alloc(ctx->device, size, 0, &b);
  if (st == PH_ERROR_OUT_OF_MEMORY && size == max && avail &&
      (ctx->props.memory_bytes > avail || max > avail)) {
    phc_skip(ctx, "the declared max %llu bytes is not free on this host now (%llu available): "
             "OUT_OF_MEMORY accepted", (unsigned long long)max, (unsigned long long)avail);
    return;
  }
  if (!phc_ok(ctx, st, w)) return;
  /* Touch the first and last bytes: the allocation really spans |size|. */
  unsigned char head[64], tail[64], back[64];
  random_bytes(ctx, head, sizeof head);
  random_bytes(ctx, tail, sizeof tail);
  uint64_t n = size < 64 ? size : 64;
  if (phc_ok(ctx, ph_buffer_write(ctx->stream, b, 0, head, n), "write head") &&
      phc_ok(ctx, ph_buffer_write(ctx->stream, b, size - n, tail, n), "write tail") &&
      phc_ok(ctx, ph_buffer_read(ctx->stream, back, b, size - n, n), "read tail") &&
      phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync") && memcmp(back, tail, n) != 0)
    phc_fail(ctx, "the last %llu bytes of a %llu-byte buffer do not read back",
             (unsigned long long)n, (unsigned long long)size);
  phc_ok(ctx, ph_buffer_free(b), "ph_buffer_free");
}

/* Refused sizes never crash and leave the device working. Above the max we
 * accept OUT_OF_MEMORY (the plugin's refusal), OUT_OF_RANGE (the library's
 * limit check) or INVALID_ARGUMENT; size 0 is INVALID_ARGUMENT. */
static void run_alloc_refused(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  const uint64_t sizes[2] = {ctx->props.max_alloc_bytes + 1, UINT64_MAX};
  for (int i = 0; i < 2; ++i) {
    ph_buffer_t *b = (ph_buffer_t *)&b;
    ph_status_t st = ph_buffer_alloc(ctx->device, sizes[i], 0, &b);
    if (st != PH_ERROR_OUT_OF_MEMORY && st != PH_ERROR_OUT_OF_RANGE &&
        st != PH_ERROR_INVALID_ARGUMENT) {
      phc_fail(ctx, "ph_buffer_alloc(%llu > max_alloc_bytes) gave %s",
               (unsigned long long)sizes[i], ph_status_string(st));
      if (st == PH_OK) ph_buffer_free(b);
      return;
    }
    if (ph_last_error()[0] == '\0') phc_fail(ctx, "refused allocation left no ph_last_error()");
    if (b != NULL) phc_fail(ctx, "refused ph_buffer_alloc left *out_buffer non-NULL");
  }
  ph_buffer_t *b = (ph_buffer_t *)&b;
  phc_expect(ctx, ph_buffer_alloc(ctx->device, 0, 0, &b), PH_ERROR_INVALID_ARGUMENT,
             "ph_buffer_alloc(size 0)");
  if (b != NULL) phc_fail(ctx, "refused ph_buffer_alloc(0) left *out_buffer non-NULL");
  b = NULL;
  if (phc_ok(ctx, ph_buffer_alloc(ctx->device, 777, 0, &b), "ph_buffer_alloc after refusals"))
    whole_round_trip(ctx, b, 777, "after refusals");
  ph_buffer_free(b);
}

/* Each listed kind allocates and round-trips; host-visible kinds map with
 * the device's alignment, show the data written through the stream, and
 * the stream sees bytes written through the map. Unlisted kinds are
 * refused. */
static void run_kinds(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  static const uint32_t kinds[] = {PH_MEM_DEVICE, PH_MEM_HOST_VISIBLE, PH_MEM_UNIFIED};
  static const char *const names[] = {"DEVICE", "HOST_VISIBLE", "UNIFIED"};
  enum { N = 4099 };
  for (int k = 0; k < 3 && ctx->status != PHC_FAIL; ++k) {
    ph_buffer_t *b = NULL;
    char w[64];
    snprintf(w, sizeof w, "ph_buffer_alloc(PH_MEM_%s)", names[k]);
    if (!(ctx->props.mem_kinds & kinds[k])) {
      ph_status_t st = ph_buffer_alloc(ctx->device, N, kinds[k], &b);
      if (st != PH_ERROR_UNSUPPORTED && st != PH_ERROR_INVALID_ARGUMENT)
        phc_fail(ctx, "%s of a kind the device does not list gave %s", w, ph_status_string(st));
      if (st == PH_OK) ph_buffer_free(b);
      continue;
    }
    if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, N, kinds[k], &b), w)) return;
    whole_round_trip(ctx, b, N, w);
    if (kinds[k] != PH_MEM_DEVICE) {
      unsigned char src[N];
      random_bytes(ctx, src, N);
      void *p = NULL;
      if (phc_ok(ctx, ph_buffer_write(ctx->stream, b, 0, src, N), "ph_buffer_write") &&
          phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync") &&
          phc_ok(ctx, ph_buffer_map(b, &p), "ph_buffer_map")) {
        if (p == NULL) {
          phc_fail(ctx, "ph_buffer_map gave NULL");
        } else {
          if ((uintptr_t)p % ctx->props.min_alignment != 0)
            phc_fail(ctx, "mapped %s pointer %p is not aligned to min_alignment %u", names[k], p,
                     ctx->props.min_alignment);
          long long d = first_diff(p, src, N);
          if (d >= 0) phc_fail(ctx, "mapped %s bytes differ from those written, at %lld", names[k], d);
          random_bytes(ctx, src, N);
          memcpy(p, src, N);
        }
        if (phc_ok(ctx, ph_buffer_unmap(b), "ph_buffer_unmap") && p) {
          unsigned char back[N];
          if (phc_ok(ctx, ph_buffer_read(ctx->stream, back, b, 0, N), "ph_buffer_read") &&
              phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync")) {
            long long d = first_diff(back, src, N);
            if (d >= 0)
              phc_fail(ctx, "bytes written through the %s map read back differently at %lld",
                       names[k], d);
          }
        }
      }
    }
    phc_ok(ctx, ph_buffer_free(b), "ph_buffer_free");
  }
  ph_buffer_t *b = NULL;
  if (phc_ok(ctx, ph_buffer_alloc(ctx->device, 33, 0, &b), "ph_buffer_alloc(kind 0)"))
    whole_round_trip(ctx, b, 33, "kind 0 (= PH_MEM_DEVICE)");
  ph_buffer_free(b);
}

/* Alignment is observable only through a map: many odd-sized host-visible
 * buffers, each mapped pointer aligned to min_alignment. */
static void run_map_alignment(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  uint32_t kind = ctx->props.mem_kinds & PH_MEM_HOST_VISIBLE ? PH_MEM_HOST_VISIBLE
                  : ctx->props.mem_kinds & PH_MEM_UNIFIED    ? PH_MEM_UNIFIED
                                                             : 0;
  if (!kind) {
    phc_skip(ctx, "the device lists neither PH_MEM_HOST_VISIBLE nor PH_MEM_UNIFIED (mem_kinds 0x%x)",
             ctx->props.mem_kinds);
    return;
  }
  enum { NB = 24 };
  ph_buffer_t *bufs[NB] = {0};
  for (int i = 0; i < NB && ctx->status != PHC_FAIL; ++i) {
    uint64_t size = 1 + (uint64_t)phc_rand_int(&ctx->rng, 0, 3 * i * i + 5);
    void *p = NULL;
    if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, size, kind, &bufs[i]), "ph_buffer_alloc") ||
        !phc_ok(ctx, ph_buffer_map(bufs[i], &p), "ph_buffer_map"))
      break;
    if (p == NULL || (uintptr_t)p % ctx->props.min_alignment != 0)
      phc_fail(ctx, "buffer of %llu bytes maps at %p, not aligned to %u",
               (unsigned long long)size, p, ctx->props.min_alignment);
    phc_ok(ctx, ph_buffer_unmap(bufs[i]), "ph_buffer_unmap");
  }
  for (int i = 0; i < NB; ++i) ph_buffer_free(bufs[i]);
}

/* Sizes and offsets shared by the odd-range cases. */
static const uint64_t odd_sizes[] = {1, 3, 17, 4097, 65539, (1u << 22) + 13};
static const uint64_t odd_offsets[] = {0, 1, 7, 4095, 65536 + 3};

static size_t n_sizes(const phc_ctx_t *ctx) { return ctx->profile == PHC_FULL ? 6 : 5; }
static size_t n_offsets(const phc_ctx_t *ctx) { return ctx->profile == PHC_FULL ? 5 : 4; }

/* Fills all of |b| (|total| bytes) with random background |bg| and syncs. */
static bool background(phc_ctx_t *ctx, ph_buffer_t *b, unsigned char *bg, size_t total) {
  random_bytes(ctx, bg, total);
  return phc_ok(ctx, ph_buffer_write(ctx->stream, b, 0, bg, total), "write background") &&
         phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync");
}

/* Reads all of |b| and compares with |want|; names the range under test. */
static bool expect_bytes(phc_ctx_t *ctx, ph_buffer_t *b, const unsigned char *want, size_t total,
                         const char *what, uint64_t off, uint64_t size) {
  unsigned char *got = malloc(total);
  if (!got) {
    phc_fail(ctx, "out of host memory");
    return false;
  }
  bool ok = phc_ok(ctx, ph_buffer_read(ctx->stream, got, b, 0, total), "ph_buffer_read") &&
            phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync");
  long long d = ok ? first_diff(got, want, total) : -1;
  if (d >= 0) {
    phc_fail(ctx, "%s of %llu bytes at offset %llu: byte %lld (%s the range) is 0x%02x, expected 0x%02x",
             what, (unsigned long long)size, (unsigned long long)off, d,
             (uint64_t)d >= off && (uint64_t)d < off + size ? "inside" : "outside", got[d], want[d]);
    ok = false;
  }
  free(got);
  return ok;
}

static const uint64_t guard = 67; /* bytes after each range, never touched */

static void run_rw_odd(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  for (size_t si = 0; si < n_sizes(ctx); ++si)
    for (size_t oi = 0; oi < n_offsets(ctx); ++oi) {
      uint64_t size = odd_sizes[si], off = odd_offsets[oi];
      size_t total = (size_t)(off + size + guard);
      unsigned char *want = malloc(total), *data = malloc(size), *host = malloc(size + 2 * guard);
      ph_buffer_t *b = NULL;
      bool ok = want && data && host;
      if (!ok) phc_fail(ctx, "out of host memory");
      ok = ok && phc_ok(ctx, ph_buffer_alloc(ctx->device, total, 0, &b), "ph_buffer_alloc") &&
           background(ctx, b, want, total);
      if (ok) {
        random_bytes(ctx, data, size);
        memcpy(want + off, data, size);
        ok = phc_ok(ctx, ph_buffer_write(ctx->stream, b, off, data, size), "ph_buffer_write") &&
             expect_bytes(ctx, b, want, total, "write", off, size);
      }
      if (ok) {
        /* A ranged read fills exactly |size| host bytes. */
        memset(host, 0xc7, size + 2 * guard);
        ok = phc_ok(ctx, ph_buffer_read(ctx->stream, host + guard, b, off, size), "ph_buffer_read") &&
             phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync");
        if (ok) {
          long long d = first_diff(host + guard, data, size);
          if (d >= 0)
            phc_fail(ctx, "read of %llu bytes at offset %llu differs at byte %lld",
                     (unsigned long long)size, (unsigned long long)off, d);
          for (uint64_t i = 0; i < guard; ++i)
            if (host[i] != 0xc7 || host[guard + size + i] != 0xc7) {
              phc_fail(ctx, "read of %llu bytes at offset %llu wrote host memory outside its range",
                       (unsigned long long)size, (unsigned long long)off);
              break;
            }
        }
      }
      ph_buffer_free(b);
      free(want);
      free(data);
      free(host);
      if (ctx->status == PHC_FAIL) return;
    }
}

static void run_copy_odd(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  for (size_t si = 0; si < n_sizes(ctx); ++si)
    for (size_t oi = 0; oi < n_offsets(ctx); ++oi) {
      uint64_t size = odd_sizes[si], doff = odd_offsets[oi];
      uint64_t soff = odd_offsets[(oi + 1) % n_offsets(ctx)]; /* different from doff */
      size_t dtotal = (size_t)(doff + size + guard), stotal = (size_t)(soff + size + guard);
      unsigned char *want = malloc(dtotal), *src = malloc(stotal);
      ph_buffer_t *bd = NULL, *bs = NULL;
      bool ok = want && src;
      if (!ok) phc_fail(ctx, "out of host memory");
      ok = ok && phc_ok(ctx, ph_buffer_alloc(ctx->device, dtotal, 0, &bd), "ph_buffer_alloc") &&
           phc_ok(ctx, ph_buffer_alloc(ctx->device, stotal, 0, &bs), "ph_buffer_alloc") &&
           background(ctx, bd, want, dtotal) && background(ctx, bs, src, stotal);
      if (ok) {
        memcpy(want + doff, src + soff, size);
        ok = phc_ok(ctx, ph_buffer_copy(ctx->stream, bd, doff, bs, soff, size), "ph_buffer_copy") &&
             expect_bytes(ctx, bd, want, dtotal, "copy (two buffers)", doff, size) &&
             expect_bytes(ctx, bs, src, stotal, "copy source (unchanged)", soff, size);
      }
      /* Within one buffer, disjoint ranges: [doff+size+guard, ...) from [doff, ...). */
      ph_buffer_free(bs);
      bs = NULL;
      size_t total = (size_t)(doff + 2 * size + 2 * guard);
      unsigned char *w2 = ok ? malloc(total) : NULL;
      if (ok && w2 && phc_ok(ctx, ph_buffer_alloc(ctx->device, total, 0, &bs), "ph_buffer_alloc") &&
          background(ctx, bs, w2, total)) {
        uint64_t to = doff + size + guard;
        memcpy(w2 + to, w2 + doff, size);
        if (phc_ok(ctx, ph_buffer_copy(ctx->stream, bs, to, bs, doff, size), "ph_buffer_copy"))
          expect_bytes(ctx, bs, w2, total, "copy (one buffer)", to, size);
      }
      free(w2);
      ph_buffer_free(bd);
      ph_buffer_free(bs);
      free(want);
      free(src);
      if (ctx->status == PHC_FAIL) return;
    }
}

static void run_fill_odd(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  static const uint8_t values[] = {0x00, 0x5a, 0xff};
  for (size_t si = 0; si < n_sizes(ctx); ++si)
    for (size_t oi = 0; oi < n_offsets(ctx); ++oi) {
      uint64_t size = odd_sizes[si], off = odd_offsets[oi];
      size_t total = (size_t)(off + size + guard);
      unsigned char *want = malloc(total);
      ph_buffer_t *b = NULL;
      if (!want) phc_fail(ctx, "out of host memory");
      bool ok = want && phc_ok(ctx, ph_buffer_alloc(ctx->device, total, 0, &b), "ph_buffer_alloc");
      for (int v = 0; ok && v < 3; ++v) {
        ok = background(ctx, b, want, total);
        memset(want + off, values[v], size);
        char w[32];
        snprintf(w, sizeof w, "fill 0x%02x", values[v]);
        ok = ok && phc_ok(ctx, ph_buffer_fill(ctx->stream, b, off, values[v], size), "ph_buffer_fill") &&
             expect_bytes(ctx, b, want, total, w, off, size);
      }
      ph_buffer_free(b);
      free(want);
      if (ctx->status == PHC_FAIL) return;
    }
}

/* Many live buffers at once, each with its own contents, then all freed. */
static void run_many(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  int n = ctx->profile == PHC_FULL ? 5000 : 1000;
  ph_buffer_t **bufs = calloc((size_t)n, sizeof *bufs);
  uint32_t *tags = calloc((size_t)n, sizeof *tags), *back = calloc((size_t)n, sizeof *back);
  if (!bufs || !tags || !back) {
    phc_fail(ctx, "out of host memory");
    goto done;
  }
  for (int i = 0; i < n; ++i) {
    uint64_t size = 4 + (uint64_t)phc_rand_int(&ctx->rng, 0, 252);
    tags[i] = (uint32_t)phc_rand_u64(&ctx->rng);
    if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, size, 0, &bufs[i]), "ph_buffer_alloc") ||
        !phc_ok(ctx, ph_buffer_write(ctx->stream, bufs[i], size - 4, &tags[i], 4), "ph_buffer_write"))
      goto done;
  }
  for (int i = 0; i < n; ++i) {
    uint64_t size = 0;
    if (!phc_ok(ctx, ph_buffer_get_size(bufs[i], &size), "ph_buffer_get_size") ||
        !phc_ok(ctx, ph_buffer_read(ctx->stream, &back[i], bufs[i], size - 4, 4), "ph_buffer_read"))
      goto done;
  }
  if (!phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync")) goto done;
  for (int i = 0; i < n; ++i)
    if (back[i] != tags[i]) {
      phc_fail(ctx, "buffer %d of %d reads back 0x%08x, wrote 0x%08x", i, n, back[i], tags[i]);
      break;
    }
done:
  if (bufs)
    for (int i = 0; i < n; ++i)
      if (bufs[i] && ph_buffer_free(bufs[i]) != PH_OK) phc_fail(ctx, "ph_buffer_free failed");
  free(bufs);
  free(tags);
  free(back);
}

void phc_register_memory(phc_suite_t *s) {
  static const struct {
    const char *name;
    phc_run_fn run;
  } cases[] = {
      {"memory.alloc.sizes", run_alloc_sizes},
      {"memory.alloc.max", run_alloc_max},
      {"memory.alloc.refused", run_alloc_refused},
      {"memory.kinds", run_kinds},
      {"memory.map.alignment", run_map_alignment},
      {"memory.rw.odd", run_rw_odd},
      {"memory.copy.odd", run_copy_odd},
      {"memory.fill.odd", run_fill_odd},
      {"memory.many_buffers", run_many},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
    phc_add_quick(s, cases[i].name, cases[i].run, 0, 0);
}
