/*
 * Negative group: bad arguments through the public API give the documented
 * error status with a message, never a crash or a silent result, and the
 * device keeps working afterwards (each case ends with a round trip).
 *
 * Every op case first launches the valid configuration it then breaks, so
 * an implementation that refuses everything cannot pass. Refused calls
 * must enqueue nothing: the stream's sync after them must be clean.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

/* Ends a case: the stream syncs clean and a fresh buffer round-trips. */
static void still_works(phc_ctx_t *ctx) {
  phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync after refused calls");
  ph_buffer_t *b = NULL;
  unsigned char src[61], dst[61];
  for (size_t i = 0; i < sizeof src; ++i) src[i] = (unsigned char)phc_rand_u64(&ctx->rng);
  memset(dst, 0, sizeof dst);
  if (phc_ok(ctx, ph_buffer_alloc(ctx->device, sizeof src, 0, &b), "alloc after refused calls") &&
      phc_ok(ctx, ph_buffer_write(ctx->stream, b, 0, src, sizeof src), "write after refused calls") &&
      phc_ok(ctx, ph_buffer_read(ctx->stream, dst, b, 0, sizeof dst), "read after refused calls") &&
      phc_ok(ctx, ph_stream_sync(ctx->stream), "sync after refused calls") &&
      memcmp(src, dst, sizeof src) != 0)
    phc_fail(ctx, "round trip after refused calls gives wrong bytes");
  ph_buffer_free(b);
}

/* |got| is one of |a|, |b| (both errors), with a message. */
static bool expect2(phc_ctx_t *ctx, ph_status_t got, ph_status_t a, ph_status_t b,
                    const char *what) {
  if (got == b) return phc_expect(ctx, got, b, what);
  return phc_expect(ctx, got, a, what);
}

#define INV PH_ERROR_INVALID_ARGUMENT
#define OOR PH_ERROR_OUT_OF_RANGE

/* --- NULL objects and out-pointers ---------------------------------------- */

static void run_null_device(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_device_props_t p;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  uint32_t caps = 0;
  size_t n = 0;
  ph_device_t *d = NULL;
  phc_expect(ctx, ph_device_get_props(NULL, &p), INV, "ph_device_get_props(NULL device)");
  phc_expect(ctx, ph_device_get_props(ctx->device, NULL), INV, "ph_device_get_props(NULL out)");
  phc_expect(ctx, ph_device_op_caps(NULL, PH_OP_MATMUL, PH_DTYPE_F32, &caps), INV,
             "ph_device_op_caps(NULL device)");
  phc_expect(ctx, ph_device_op_caps(ctx->device, PH_OP_MATMUL, PH_DTYPE_F32, NULL), INV,
             "ph_device_op_caps(NULL out)");
  phc_expect(ctx, ph_device_count(NULL), INV, "ph_device_count(NULL)");
  phc_expect(ctx, ph_device_get(0, NULL), INV, "ph_device_get(NULL out)");
  phc_expect(ctx, ph_device_find(NULL, &d), INV, "ph_device_find(NULL selector)");
  phc_expect(ctx, ph_device_find(ctx->props.id, NULL), INV, "ph_device_find(NULL out)");
  phc_expect(ctx, ph_plugin_count(NULL), INV, "ph_plugin_count(NULL)");
  phc_expect(ctx, ph_plugin_get_info(0, NULL), INV, "ph_plugin_get_info(NULL)");
  if (phc_ok(ctx, ph_device_count(&n), "ph_device_count")) {
    d = (ph_device_t *)&d;
    ph_status_t st = ph_device_get(n, &d);
    if (st != INV && st != OOR && st != PH_ERROR_NOT_FOUND)
      phc_fail(ctx, "ph_device_get(count) gave %s", ph_status_string(st));
    else if (ph_last_error()[0] == '\0')
      phc_fail(ctx, "ph_device_get(count) left no ph_last_error()");
    if (d != NULL) phc_fail(ctx, "refused ph_device_get left *out_device non-NULL");
  }
  still_works(ctx);
}

static void run_null_stream(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_stream_t *s = (ph_stream_t *)&s;
  ph_event_t *e = NULL;
  ph_device_t *d = NULL;
  phc_expect(ctx, ph_stream_create(NULL, 0, &s), INV, "ph_stream_create(NULL device)");
  if (s != NULL) phc_fail(ctx, "refused ph_stream_create left *out_stream non-NULL");
  phc_expect(ctx, ph_stream_create(ctx->device, 0, NULL), INV, "ph_stream_create(NULL out)");
  s = NULL;
  phc_expect(ctx, ph_stream_create(ctx->device, 0x80000000u, &s), INV,
             "ph_stream_create(reserved flags set)");
  ph_stream_destroy(s);
  phc_expect(ctx, ph_stream_sync(NULL), INV, "ph_stream_sync(NULL)");
  phc_expect(ctx, ph_stream_query(NULL), INV, "ph_stream_query(NULL)");
  phc_expect(ctx, ph_stream_get_device(NULL, &d), INV, "ph_stream_get_device(NULL)");
  phc_expect(ctx, ph_stream_get_device(ctx->stream, NULL), INV, "ph_stream_get_device(NULL out)");
  if (phc_ok(ctx, ph_event_create(ctx->device, 0, &e), "ph_event_create")) {
    phc_expect(ctx, ph_stream_wait_event(NULL, e), INV, "ph_stream_wait_event(NULL stream)");
    phc_expect(ctx, ph_stream_wait_event(ctx->stream, NULL), INV, "ph_stream_wait_event(NULL event)");
  }
  ph_event_destroy(e);
  phc_ok(ctx, ph_stream_destroy(NULL), "ph_stream_destroy(NULL) (a no-op)");
  still_works(ctx);
}

static void run_null_event(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_event_t *e = (ph_event_t *)&e;
  float ms = 0;
  phc_expect(ctx, ph_event_create(NULL, 0, &e), INV, "ph_event_create(NULL device)");
  if (e != NULL) phc_fail(ctx, "refused ph_event_create left *out_event non-NULL");
  phc_expect(ctx, ph_event_create(ctx->device, 0, NULL), INV, "ph_event_create(NULL out)");
  e = NULL;
  phc_expect(ctx, ph_event_create(ctx->device, 0x80000000u, &e), INV,
             "ph_event_create(reserved flags set)");
  ph_event_destroy(e);
  e = NULL;
  if (!phc_ok(ctx, ph_event_create(ctx->device, 0, &e), "ph_event_create")) return;
  phc_expect(ctx, ph_event_record(NULL, ctx->stream), INV, "ph_event_record(NULL event)");
  phc_expect(ctx, ph_event_record(e, NULL), INV, "ph_event_record(NULL stream)");
  phc_expect(ctx, ph_event_sync(NULL), INV, "ph_event_sync(NULL)");
  phc_expect(ctx, ph_event_query(NULL), INV, "ph_event_query(NULL)");
  /* Without timers UNSUPPORTED may come first; either names the problem. */
  ph_status_t alt = ctx->props.flags & PH_DEVICE_TIMERS ? INV : PH_ERROR_UNSUPPORTED;
  expect2(ctx, ph_event_elapsed_ms(NULL, e, &ms), INV, alt, "ph_event_elapsed_ms(NULL start)");
  expect2(ctx, ph_event_elapsed_ms(e, NULL, &ms), INV, alt, "ph_event_elapsed_ms(NULL end)");
  expect2(ctx, ph_event_elapsed_ms(e, e, NULL), INV, alt, "ph_event_elapsed_ms(NULL out)");
  phc_ok(ctx, ph_event_destroy(e), "ph_event_destroy");
  phc_ok(ctx, ph_event_destroy(NULL), "ph_event_destroy(NULL) (a no-op)");
  still_works(ctx);
}

static void run_null_buffer(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_buffer_t *b = (ph_buffer_t *)&b;
  uint64_t size = 0;
  ph_device_t *d = NULL;
  void *ptr = NULL;
  unsigned char host[16] = {0};
  phc_expect(ctx, ph_buffer_alloc(NULL, 16, 0, &b), INV, "ph_buffer_alloc(NULL device)");
  if (b != NULL) phc_fail(ctx, "refused ph_buffer_alloc left *out_buffer non-NULL");
  phc_expect(ctx, ph_buffer_alloc(ctx->device, 16, 0, NULL), INV, "ph_buffer_alloc(NULL out)");
  b = NULL;
  ph_status_t st = ph_buffer_alloc(ctx->device, 16, 1u << 7, &b);
  expect2(ctx, st, INV, PH_ERROR_UNSUPPORTED, "ph_buffer_alloc(unknown memory kind)");
  if (st == PH_OK) ph_buffer_free(b);
  b = NULL;
  if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, 16, 0, &b), "ph_buffer_alloc")) return;
  ph_stream_t *s = ctx->stream;
  phc_expect(ctx, ph_buffer_get_size(NULL, &size), INV, "ph_buffer_get_size(NULL)");
  phc_expect(ctx, ph_buffer_get_size(b, NULL), INV, "ph_buffer_get_size(NULL out)");
  phc_expect(ctx, ph_buffer_get_device(NULL, &d), INV, "ph_buffer_get_device(NULL)");
  phc_expect(ctx, ph_buffer_get_device(b, NULL), INV, "ph_buffer_get_device(NULL out)");
  phc_expect(ctx, ph_buffer_map(NULL, &ptr), INV, "ph_buffer_map(NULL)");
  phc_expect(ctx, ph_buffer_map(b, NULL), INV, "ph_buffer_map(NULL out)");
  phc_expect(ctx, ph_buffer_unmap(NULL), INV, "ph_buffer_unmap(NULL)");
  phc_expect(ctx, ph_buffer_write(NULL, b, 0, host, 4), INV, "ph_buffer_write(NULL stream)");
  phc_expect(ctx, ph_buffer_write(s, NULL, 0, host, 4), INV, "ph_buffer_write(NULL buffer)");
  phc_expect(ctx, ph_buffer_write(s, b, 0, NULL, 4), INV, "ph_buffer_write(NULL src)");
  phc_expect(ctx, ph_buffer_read(NULL, host, b, 0, 4), INV, "ph_buffer_read(NULL stream)");
  phc_expect(ctx, ph_buffer_read(s, NULL, b, 0, 4), INV, "ph_buffer_read(NULL dst)");
  phc_expect(ctx, ph_buffer_read(s, host, NULL, 0, 4), INV, "ph_buffer_read(NULL buffer)");
  phc_expect(ctx, ph_buffer_copy(NULL, b, 0, b, 8, 4), INV, "ph_buffer_copy(NULL stream)");
  phc_expect(ctx, ph_buffer_copy(s, NULL, 0, b, 8, 4), INV, "ph_buffer_copy(NULL dst)");
  phc_expect(ctx, ph_buffer_copy(s, b, 0, NULL, 8, 4), INV, "ph_buffer_copy(NULL src)");
  phc_expect(ctx, ph_buffer_fill(NULL, b, 0, 1, 4), INV, "ph_buffer_fill(NULL stream)");
  phc_expect(ctx, ph_buffer_fill(s, NULL, 0, 1, 4), INV, "ph_buffer_fill(NULL buffer)");
  /* Unmapping what is not mapped, and mapping device-only memory. */
  st = ph_buffer_unmap(b);
  expect2(ctx, st, PH_ERROR_INVALID_STATE, INV, "ph_buffer_unmap(a buffer not mapped)");
  ptr = NULL;
  st = ph_buffer_map(b, &ptr);
  if (st == PH_OK) {
    phc_fail(ctx, "ph_buffer_map of a PH_MEM_DEVICE buffer succeeded (only HOST_VISIBLE or "
             "UNIFIED buffers map)");
    ph_buffer_unmap(b);
  } else if (st != PH_ERROR_UNSUPPORTED && st != INV && st != PH_ERROR_INVALID_STATE) {
    phc_fail(ctx, "ph_buffer_map of a PH_MEM_DEVICE buffer gave %s", ph_status_string(st));
  }
  ph_tensor_t t;
  int64_t n = 0, shape[2] = {2, 2};
  phc_expect(ctx, ph_tensor_init(NULL, b, 0, PH_DTYPE_F32, 2, shape), INV, "ph_tensor_init(NULL out)");
  phc_expect(ctx, ph_tensor_init(&t, b, 0, PH_DTYPE_F32, 2, NULL), INV, "ph_tensor_init(NULL shape)");
  phc_expect(ctx, ph_tensor_init(&t, b, 0, PH_DTYPE_F32, PH_MAX_RANK + 1, shape), INV,
             "ph_tensor_init(rank > PH_MAX_RANK)");
  phc_expect(ctx, ph_tensor_numel(NULL, &n), INV, "ph_tensor_numel(NULL)");
  if (phc_ok(ctx, ph_tensor_init(&t, b, 0, PH_DTYPE_F32, 2, shape), "ph_tensor_init"))
    phc_expect(ctx, ph_tensor_numel(&t, NULL), INV, "ph_tensor_numel(NULL out)");
  phc_ok(ctx, ph_buffer_free(b), "ph_buffer_free");
  phc_ok(ctx, ph_buffer_free(NULL), "ph_buffer_free(NULL) (a no-op)");
  still_works(ctx);
}

/* --- Transfers outside a buffer ------------------------------------------- */

static void run_range(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  enum { N = 4096 };
  ph_buffer_t *b = NULL, *b2 = NULL;
  unsigned char bg[N], host[N + 64], got[N];
  for (int i = 0; i < N; ++i) bg[i] = (unsigned char)phc_rand_u64(&ctx->rng);
  memset(host, 0x77, sizeof host);
  ph_stream_t *s = ctx->stream;
  if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, N, 0, &b), "ph_buffer_alloc") ||
      !phc_ok(ctx, ph_buffer_alloc(ctx->device, N, 0, &b2), "ph_buffer_alloc") ||
      !phc_ok(ctx, ph_buffer_write(s, b, 0, bg, N), "ph_buffer_write") ||
      !phc_ok(ctx, ph_buffer_write(s, b2, 0, bg, N), "ph_buffer_write") ||
      !phc_ok(ctx, ph_stream_sync(s), "ph_stream_sync"))
    goto done;
  /* (offset, size) pairs that leave the buffer; the last two overflow. */
  static const uint64_t bad[][2] = {{N, 1},          {N - 100, 101}, {0, N + 1},
                                    {N + 1, 0},      {UINT64_MAX, 2}, {1, UINT64_MAX},
                                    {UINT64_MAX - N / 2, N}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    uint64_t off = bad[i][0], size = bad[i][1];
    char w[128];
    snprintf(w, sizeof w, "[%llu, +%llu) of a %d-byte buffer", (unsigned long long)off,
             (unsigned long long)size, N);
    char what[160];
    /* A zero-sized range that starts past the end is refused as well: the
     * offset itself is outside. */
    snprintf(what, sizeof what, "ph_buffer_write %s", w);
    phc_expect(ctx, ph_buffer_write(s, b, off, host, size), OOR, what);
    snprintf(what, sizeof what, "ph_buffer_read %s", w);
    phc_expect(ctx, ph_buffer_read(s, host, b, off, size), OOR, what);
    snprintf(what, sizeof what, "ph_buffer_fill %s", w);
    phc_expect(ctx, ph_buffer_fill(s, b, off, 0xab, size), OOR, what);
    snprintf(what, sizeof what, "ph_buffer_copy to %s", w);
    phc_expect(ctx, ph_buffer_copy(s, b, off, b2, 0, size), OOR, what);
    snprintf(what, sizeof what, "ph_buffer_copy from %s", w);
    phc_expect(ctx, ph_buffer_copy(s, b2, 0, b, off, size), OOR, what);
  }
  /* The last byte itself is inside: accepted. */
  unsigned char one = 0x5c;
  if (phc_ok(ctx, ph_buffer_write(s, b, N - 1, &one, 1), "ph_buffer_write of the last byte"))
    bg[N - 1] = one;
  for (size_t i = 0; i < 64; ++i)
    if (host[N + i] != 0x77) {
      phc_fail(ctx, "a refused read wrote host memory");
      break;
    }
  /* Nothing refused wrote to either buffer. */
  if (phc_ok(ctx, ph_buffer_read(s, got, b, 0, N), "ph_buffer_read") &&
      phc_ok(ctx, ph_stream_sync(s), "ph_stream_sync") && memcmp(got, bg, N) != 0)
    phc_fail(ctx, "refused transfers changed the buffer's contents");
  if (phc_ok(ctx, ph_buffer_read(s, got, b2, 0, N), "ph_buffer_read") &&
      phc_ok(ctx, ph_stream_sync(s), "ph_stream_sync") && memcmp(got, bg, N - 1) != 0)
    phc_fail(ctx, "refused copies changed the other buffer's contents");
done:
  ph_buffer_free(b);
  ph_buffer_free(b2);
  still_works(ctx);
}

/* --- Ops ------------------------------------------------------------------- */

/* Tensors for an op case: dense views in slots of one zeroed buffer. */
#define SLOT 8192u
#define SLOTS 24u

typedef struct arena {
  ph_buffer_t *buf;
  uint64_t next;
} arena_t;

static bool arena_init(phc_ctx_t *ctx, arena_t *a) {
  a->buf = NULL;
  a->next = 0;
  return phc_ok(ctx, ph_buffer_alloc(ctx->device, SLOT * SLOTS, 0, &a->buf), "ph_buffer_alloc") &&
         phc_ok(ctx, ph_buffer_fill(ctx->stream, a->buf, 0, 0, SLOT * SLOTS), "ph_buffer_fill") &&
         phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync");
}

static ph_tensor_t mk(phc_ctx_t *ctx, arena_t *a, uint32_t dtype, uint32_t rank,
                      const int64_t *shape) {
  ph_tensor_t t;
  memset(&t, 0, sizeof t);
  if (a->next >= SLOT * SLOTS) {
    phc_fail(ctx, "suite bug: arena full");
    return t;
  }
  phc_ok(ctx, ph_tensor_init(&t, a->buf, a->next, dtype, rank, shape), "ph_tensor_init");
  a->next += SLOT;
  return t;
}

/* The valid launch is accepted and runs clean. */
static bool baseline(phc_ctx_t *ctx, ph_status_t st, const char *what) {
  char w[128];
  snprintf(w, sizeof w, "valid %s (before breaking it)", what);
  return phc_ok(ctx, st, w) && phc_ok(ctx, ph_stream_sync(ctx->stream), w);
}

/* Common breakages of one input tensor |t| (a copy is edited), each
 * checked with |launch|, which runs the op with the edited tensor in
 * |t|'s place. */
typedef ph_status_t (*launch_fn)(phc_ctx_t *ctx, const void *env, const ph_tensor_t *edited);

static void break_tensor(phc_ctx_t *ctx, const char *name, const ph_tensor_t *t, launch_fn launch,
                         const void *env, uint64_t buffer_bytes, bool is_output) {
  char w[128];
  ph_tensor_t x;
  x = *t;
  x.buffer = NULL;
  snprintf(w, sizeof w, "%s with a NULL buffer", name);
  phc_expect(ctx, launch(ctx, env, &x), INV, w);
  x = *t;
  x.rank = PH_MAX_RANK + 1;
  snprintf(w, sizeof w, "%s of rank %d", name, PH_MAX_RANK + 1);
  phc_expect(ctx, launch(ctx, env, &x), INV, w);
  x = *t;
  x.dtype = 99;
  snprintf(w, sizeof w, "%s of dtype 99", name);
  phc_expect(ctx, launch(ctx, env, &x), INV, w);
  if (t->rank > 0) {
    x = *t;
    x.shape[0] = -x.shape[0];
    snprintf(w, sizeof w, "%s with a negative extent", name);
    phc_expect(ctx, launch(ctx, env, &x), INV, w);
  }
  x = *t;
  x.offset = buffer_bytes - 2;
  snprintf(w, sizeof w, "%s starting 2 bytes before the buffer's end", name);
  phc_expect(ctx, launch(ctx, env, &x), OOR, w);
  x = *t;
  x.offset = UINT64_MAX - 3;
  snprintf(w, sizeof w, "%s at offset 2^64-4 (overflow)", name);
  phc_expect(ctx, launch(ctx, env, &x), OOR, w);
  if (!is_output && t->rank > 0 && t->shape[0] > 1) {
    x = *t;
    x.strides[0] = (int64_t)1 << 40;
    snprintf(w, sizeof w, "%s with a stride reaching past the buffer", name);
    /* A device without strided support may decline first. */
    ph_status_t st = launch(ctx, env, &x);
    expect2(ctx, st, OOR, PH_ERROR_UNSUPPORTED, w);
    x = *t;
    x.strides[0] = -x.strides[0];
    snprintf(w, sizeof w, "%s with a negative stride", name);
    st = launch(ctx, env, &x);
    expect2(ctx, st, INV, OOR, w);
  }
  if (is_output && t->rank > 1 && t->shape[t->rank - 1] > 1) {
    x = *t;
    x.strides[t->rank - 2] += 1; /* padded rows: still inside the buffer */
    snprintf(w, sizeof w, "%s not dense (outputs must be dense)", name);
    phc_expect(ctx, launch(ctx, env, &x), INV, w);
  }
}

/* matmul ------------------------------------------------------------------- */
typedef struct mm_env {
  ph_tensor_t a, b, bias, y;
  int which; /* the tensor break_tensor edits: 0 a, 1 b, 2 bias, 3 y */
} mm_env_t;

static ph_status_t mm_launch(phc_ctx_t *ctx, const void *env, const ph_tensor_t *e) {
  const mm_env_t *m = env;
  return ph_op_matmul(ctx->stream, m->which == 0 ? e : &m->a, m->which == 1 ? e : &m->b,
                      m->which == 2 ? e : &m->bias, NULL, m->which == 3 ? e : &m->y, NULL);
}

static void run_op_matmul(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_MATMUL, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  mm_env_t m;
  m.a = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 3});
  m.b = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 4});
  m.bias = mk(ctx, &ar, PH_DTYPE_F32, 1, (int64_t[]){4});
  m.y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 4});
  ph_tensor_t b5 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){5, 4});
  ph_tensor_t y25 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 5});
  ph_tensor_t bias5 = mk(ctx, &ar, PH_DTYPE_F32, 1, (int64_t[]){5});
  if (ctx->status == PHC_FAIL ||
      !baseline(ctx, ph_op_matmul(s, &m.a, &m.b, &m.bias, NULL, &m.y, NULL), "matmul"))
    goto done;
  ph_matmul_attrs_t at = ph_matmul_attrs_default();
  phc_expect(ctx, ph_op_matmul(NULL, &m.a, &m.b, NULL, NULL, &m.y, NULL), INV, "matmul NULL stream");
  phc_expect(ctx, ph_op_matmul(s, NULL, &m.b, NULL, NULL, &m.y, NULL), INV, "matmul NULL a");
  phc_expect(ctx, ph_op_matmul(s, &m.a, NULL, NULL, NULL, &m.y, NULL), INV, "matmul NULL b");
  phc_expect(ctx, ph_op_matmul(s, &m.a, &m.b, NULL, NULL, NULL, NULL), INV, "matmul NULL y");
  phc_expect(ctx, ph_op_matmul(s, &m.a, &b5, NULL, NULL, &m.y, NULL), INV, "matmul K mismatch (a [2,3], b [5,4])");
  phc_expect(ctx, ph_op_matmul(s, &m.a, &m.b, NULL, NULL, &y25, NULL), INV, "matmul y [2,5] for [2,4]");
  phc_expect(ctx, ph_op_matmul(s, &m.a, &m.b, &bias5, NULL, &m.y, NULL), INV, "matmul bias [5] for N 4");
  ph_tensor_t bf = m.b;
  bf.dtype = PH_DTYPE_I32;
  phc_expect(ctx, ph_op_matmul(s, &m.a, &bf, NULL, NULL, &m.y, NULL), INV, "matmul a f32 with b i32");
  ph_tensor_t a1 = m.a;
  a1.rank = 1;
  phc_expect(ctx, ph_op_matmul(s, &a1, &m.b, NULL, NULL, &m.y, NULL), INV, "matmul a of rank 1");
  at.struct_size = 0;
  phc_expect(ctx, ph_op_matmul(s, &m.a, &m.b, NULL, NULL, &m.y, &at), INV, "matmul attrs struct_size 0");
  at = ph_matmul_attrs_default();
  at.beta = 1.0f;
  phc_expect(ctx, ph_op_matmul(s, &m.a, &m.b, NULL, NULL, &m.y, &at), INV, "matmul beta 1 without c");
  at = ph_matmul_attrs_default();
  at.activation = 1000;
  phc_expect(ctx, ph_op_matmul(s, &m.a, &m.b, NULL, NULL, &m.y, &at), INV, "matmul activation 1000");
  at = ph_matmul_attrs_default();
  at.trans_a = 1; /* a [2,3] read as [3,2]^T: M 3, K 2 against b's K 3 */
  phc_expect(ctx, ph_op_matmul(s, &m.a, &m.b, NULL, NULL, &m.y, &at), INV, "matmul trans_a K mismatch");
  static const char *const names[] = {"matmul a", "matmul b", "matmul bias", "matmul y"};
  const ph_tensor_t *ts[] = {&m.a, &m.b, &m.bias, &m.y};
  for (int i = 0; i < 4; ++i) {
    m.which = i;
    break_tensor(ctx, names[i], ts[i], mm_launch, &m, SLOT * SLOTS, i == 3);
  }
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* conv2d ------------------------------------------------------------------- */
typedef struct cv_env {
  ph_tensor_t x, w, y;
  int which;
} cv_env_t;

static ph_status_t cv_launch(phc_ctx_t *ctx, const void *env, const ph_tensor_t *e) {
  const cv_env_t *v = env;
  return ph_op_conv2d(ctx->stream, v->which == 0 ? e : &v->x, v->which == 1 ? e : &v->w, NULL,
                      v->which == 2 ? e : &v->y, NULL);
}

static void run_op_conv2d(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_CONV2D, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  cv_env_t v;
  v.x = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 5, 5});
  v.w = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){3, 2, 3, 3});
  v.y = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 3, 3, 3});
  ph_tensor_t w4 = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){3, 4, 3, 3});
  ph_tensor_t y44 = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 3, 4, 4});
  ph_tensor_t w7 = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){3, 2, 7, 7});
  ph_tensor_t bias5 = mk(ctx, &ar, PH_DTYPE_F32, 1, (int64_t[]){5});
  if (ctx->status == PHC_FAIL || !baseline(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, NULL), "conv2d"))
    goto done;
  phc_expect(ctx, ph_op_conv2d(NULL, &v.x, &v.w, NULL, &v.y, NULL), INV, "conv2d NULL stream");
  phc_expect(ctx, ph_op_conv2d(s, NULL, &v.w, NULL, &v.y, NULL), INV, "conv2d NULL x");
  phc_expect(ctx, ph_op_conv2d(s, &v.x, NULL, NULL, &v.y, NULL), INV, "conv2d NULL w");
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, NULL, NULL), INV, "conv2d NULL y");
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &w4, NULL, &v.y, NULL), INV, "conv2d w channels 4 for C 2");
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &y44, NULL), INV, "conv2d y [1,3,4,4] for OH 3");
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &w7, NULL, &v.y, NULL), INV, "conv2d 7x7 kernel on 5x5 (OH < 1)");
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, &bias5, &v.y, NULL), INV, "conv2d bias [5] for OC 3");
  ph_conv2d_attrs_t at = ph_conv2d_attrs_default();
  at.struct_size = 0;
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, &at), INV, "conv2d attrs struct_size 0");
  at = ph_conv2d_attrs_default();
  at.stride[0] = 0;
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, &at), INV, "conv2d stride 0");
  at = ph_conv2d_attrs_default();
  at.dilation[1] = 0;
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, &at), INV, "conv2d dilation 0");
  at = ph_conv2d_attrs_default();
  at.pad[2] = -1;
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, &at), INV, "conv2d pad -1");
  at = ph_conv2d_attrs_default();
  at.groups = 3; /* C 2 does not divide by 3 */
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, &at), INV, "conv2d groups 3 for C 2");
  at = ph_conv2d_attrs_default();
  at.groups = 0;
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, &at), INV, "conv2d groups 0");
  at = ph_conv2d_attrs_default();
  at.activation = PH_ACT_GELU; /* NONE or RELU only */
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, &at), INV, "conv2d activation GELU");
  at = ph_conv2d_attrs_default();
  at.layout = 7;
  phc_expect(ctx, ph_op_conv2d(s, &v.x, &v.w, NULL, &v.y, &at), INV, "conv2d layout 7");
  static const char *const names[] = {"conv2d x", "conv2d w", "conv2d y"};
  const ph_tensor_t *ts[] = {&v.x, &v.w, &v.y};
  for (int i = 0; i < 3; ++i) {
    v.which = i;
    break_tensor(ctx, names[i], ts[i], cv_launch, &v, SLOT * SLOTS, i == 2);
  }
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* pool2d ------------------------------------------------------------------- */
typedef struct pl_env {
  ph_tensor_t x, y;
  ph_pool2d_attrs_t at;
  int which;
} pl_env_t;

static ph_status_t pl_launch(phc_ctx_t *ctx, const void *env, const ph_tensor_t *e) {
  const pl_env_t *p = env;
  return ph_op_pool2d(ctx->stream, p->which == 0 ? e : &p->x, p->which == 1 ? e : &p->y, &p->at);
}

static void run_op_pool2d(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_POOL2D, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  pl_env_t p;
  p.x = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 4, 4});
  p.y = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 2, 2});
  p.at = ph_pool2d_attrs_default(PH_POOL_MAX, 2, 2);
  ph_tensor_t y33 = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 3, 3});
  if (ctx->status == PHC_FAIL || !baseline(ctx, ph_op_pool2d(s, &p.x, &p.y, &p.at), "pool2d"))
    goto done;
  phc_expect(ctx, ph_op_pool2d(NULL, &p.x, &p.y, &p.at), INV, "pool2d NULL stream");
  phc_expect(ctx, ph_op_pool2d(s, NULL, &p.y, &p.at), INV, "pool2d NULL x");
  phc_expect(ctx, ph_op_pool2d(s, &p.x, NULL, &p.at), INV, "pool2d NULL y");
  phc_expect(ctx, ph_op_pool2d(s, &p.x, &p.y, NULL), INV, "pool2d NULL attrs (required)");
  phc_expect(ctx, ph_op_pool2d(s, &p.x, &y33, &p.at), INV, "pool2d y [1,2,3,3] for OH 2");
  ph_pool2d_attrs_t at = p.at;
  at.struct_size = 0;
  phc_expect(ctx, ph_op_pool2d(s, &p.x, &p.y, &at), INV, "pool2d attrs struct_size 0");
  at = p.at;
  at.kernel[0] = 0;
  phc_expect(ctx, ph_op_pool2d(s, &p.x, &p.y, &at), INV, "pool2d kernel 0");
  at = p.at;
  at.stride[1] = 0;
  phc_expect(ctx, ph_op_pool2d(s, &p.x, &p.y, &at), INV, "pool2d stride 0");
  at = p.at;
  at.pad[0] = 2; /* pad must be less than the window (2) */
  phc_expect(ctx, ph_op_pool2d(s, &p.x, &p.y, &at), INV, "pool2d pad 2 with window 2");
  at = p.at;
  at.mode = 7;
  phc_expect(ctx, ph_op_pool2d(s, &p.x, &p.y, &at), INV, "pool2d mode 7");
  ph_tensor_t xi = p.x, yi = p.y;
  xi.dtype = yi.dtype = PH_DTYPE_I32; /* float or i8 only */
  phc_expect(ctx, ph_op_pool2d(s, &xi, &yi, &p.at), INV, "pool2d on i32");
  yi = p.y;
  yi.dtype = PH_DTYPE_F16;
  phc_expect(ctx, ph_op_pool2d(s, &p.x, &yi, &p.at), INV, "pool2d x f32 into y f16");
  for (int i = 0; i < 2; ++i) {
    p.which = i;
    break_tensor(ctx, i ? "pool2d y" : "pool2d x", i ? &p.y : &p.x, pl_launch, &p, SLOT * SLOTS, i == 1);
  }
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* unary -------------------------------------------------------------------- */
typedef struct un_env {
  ph_tensor_t x, y;
  int which;
} un_env_t;

static ph_status_t un_launch(phc_ctx_t *ctx, const void *env, const ph_tensor_t *e) {
  const un_env_t *u = env;
  return ph_op_unary(ctx->stream, PH_UNARY_NEG, u->which == 0 ? e : &u->x, u->which == 1 ? e : &u->y);
}

static void run_op_unary(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_UNARY, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  un_env_t u;
  u.x = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 5});
  u.y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 5});
  ph_tensor_t y53 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){5, 3});
  if (ctx->status == PHC_FAIL || !baseline(ctx, ph_op_unary(s, PH_UNARY_NEG, &u.x, &u.y), "unary neg"))
    goto done;
  phc_expect(ctx, ph_op_unary(NULL, PH_UNARY_NEG, &u.x, &u.y), INV, "unary NULL stream");
  phc_expect(ctx, ph_op_unary(s, PH_UNARY_NEG, NULL, &u.y), INV, "unary NULL x");
  phc_expect(ctx, ph_op_unary(s, PH_UNARY_NEG, &u.x, NULL), INV, "unary NULL y");
  phc_expect(ctx, ph_op_unary(s, PH_UNARY_COUNT_, &u.x, &u.y), INV, "unary func PH_UNARY_COUNT_");
  phc_expect(ctx, ph_op_unary(s, 1000, &u.x, &u.y), INV, "unary func 1000");
  phc_expect(ctx, ph_op_unary(s, PH_UNARY_NEG, &u.x, &y53), INV, "unary y [5,3] for x [3,5]");
  ph_tensor_t t = u.y;
  t.dtype = PH_DTYPE_F16;
  phc_expect(ctx, ph_op_unary(s, PH_UNARY_NEG, &u.x, &t), INV, "unary x f32, y f16");
  ph_tensor_t xi = u.x, yi = u.y;
  xi.dtype = yi.dtype = PH_DTYPE_I32;
  phc_expect(ctx, ph_op_unary(s, PH_UNARY_NEG, &xi, &yi), INV, "unary on i32 (float only)");
  for (int i = 0; i < 2; ++i) {
    u.which = i;
    break_tensor(ctx, i ? "unary y" : "unary x", i ? &u.y : &u.x, un_launch, &u, SLOT * SLOTS, i == 1);
  }
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* binary ------------------------------------------------------------------- */
typedef struct bi_env {
  ph_tensor_t a, b, y;
  int which;
} bi_env_t;

static ph_status_t bi_launch(phc_ctx_t *ctx, const void *env, const ph_tensor_t *e) {
  const bi_env_t *v = env;
  return ph_op_binary(ctx->stream, PH_BINARY_ADD, v->which == 0 ? e : &v->a,
                      v->which == 1 ? e : &v->b, v->which == 2 ? e : &v->y);
}

static void run_op_binary(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_BINARY, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  bi_env_t v;
  v.a = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 4});
  v.b = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 4});
  v.y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 4});
  ph_tensor_t a31 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 1});
  ph_tensor_t b14 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){1, 4});
  ph_tensor_t b32 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 2});
  ph_tensor_t y35 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 5});
  ph_tensor_t y134 = mk(ctx, &ar, PH_DTYPE_F32, 3, (int64_t[]){1, 3, 4});
  if (ctx->status == PHC_FAIL ||
      !baseline(ctx, ph_op_binary(s, PH_BINARY_ADD, &v.a, &v.b, &v.y), "binary add") ||
      !baseline(ctx, ph_op_binary(s, PH_BINARY_ADD, &a31, &b14, &v.y), "binary add [3,1]+[1,4]"))
    goto done;
  phc_expect(ctx, ph_op_binary(NULL, PH_BINARY_ADD, &v.a, &v.b, &v.y), INV, "binary NULL stream");
  phc_expect(ctx, ph_op_binary(s, PH_BINARY_ADD, NULL, &v.b, &v.y), INV, "binary NULL a");
  phc_expect(ctx, ph_op_binary(s, PH_BINARY_ADD, &v.a, NULL, &v.y), INV, "binary NULL b");
  phc_expect(ctx, ph_op_binary(s, PH_BINARY_ADD, &v.a, &v.b, NULL), INV, "binary NULL y");
  phc_expect(ctx, ph_op_binary(s, PH_BINARY_COUNT_, &v.a, &v.b, &v.y), INV, "binary func PH_BINARY_COUNT_");
  phc_expect(ctx, ph_op_binary(s, PH_BINARY_ADD, &v.a, &b32, &v.y), INV, "binary [3,4] + [3,2] (no broadcast)");
  phc_expect(ctx, ph_op_binary(s, PH_BINARY_ADD, &v.a, &v.b, &y35), INV, "binary y [3,5] for [3,4]");
  phc_expect(ctx, ph_op_binary(s, PH_BINARY_ADD, &v.a, &v.b, &y134), INV,
             "binary y [1,3,4] for [3,4] (must be exactly the broadcast)");
  ph_tensor_t t = v.b;
  t.dtype = PH_DTYPE_BF16;
  phc_expect(ctx, ph_op_binary(s, PH_BINARY_ADD, &v.a, &t, &v.y), INV, "binary a f32 + b bf16");
  static const char *const names[] = {"binary a", "binary b", "binary y"};
  const ph_tensor_t *ts[] = {&v.a, &v.b, &v.y};
  for (int i = 0; i < 3; ++i) {
    v.which = i;
    break_tensor(ctx, names[i], ts[i], bi_launch, &v, SLOT * SLOTS, i == 2);
  }
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* softmax ------------------------------------------------------------------ */
typedef struct sm_env {
  ph_tensor_t x, y;
  int which;
} sm_env_t;

static ph_status_t sm_launch(phc_ctx_t *ctx, const void *env, const ph_tensor_t *e) {
  const sm_env_t *v = env;
  return ph_op_softmax(ctx->stream, v->which == 0 ? e : &v->x, v->which == 1 ? e : &v->y, -1, 0);
}

static void run_op_softmax(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_SOFTMAX, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  sm_env_t v;
  v.x = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 5});
  v.y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 5});
  ph_tensor_t y36 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 6});
  if (ctx->status == PHC_FAIL || !baseline(ctx, ph_op_softmax(s, &v.x, &v.y, -1, 0), "softmax"))
    goto done;
  phc_expect(ctx, ph_op_softmax(NULL, &v.x, &v.y, 1, 0), INV, "softmax NULL stream");
  phc_expect(ctx, ph_op_softmax(s, NULL, &v.y, 1, 0), INV, "softmax NULL x");
  phc_expect(ctx, ph_op_softmax(s, &v.x, NULL, 1, 0), INV, "softmax NULL y");
  phc_expect(ctx, ph_op_softmax(s, &v.x, &v.y, 2, 0), INV, "softmax axis 2 of rank 2");
  phc_expect(ctx, ph_op_softmax(s, &v.x, &v.y, -3, 0), INV, "softmax axis -3 of rank 2");
  phc_expect(ctx, ph_op_softmax(s, &v.x, &y36, 1, 0), INV, "softmax y [3,6] for x [3,5]");
  ph_tensor_t xi = v.x, yi = v.y;
  xi.dtype = yi.dtype = PH_DTYPE_I8;
  phc_expect(ctx, ph_op_softmax(s, &xi, &yi, 1, 0), INV, "softmax on i8 (float only)");
  for (int i = 0; i < 2; ++i) {
    v.which = i;
    break_tensor(ctx, i ? "softmax y" : "softmax x", i ? &v.y : &v.x, sm_launch, &v, SLOT * SLOTS, i == 1);
  }
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* layernorm and rmsnorm ---------------------------------------------------- */
static void run_op_norm(phc_ctx_t *ctx, const phc_case_t *c) {
  bool rms = c->op == PH_OP_RMSNORM;
  if (!phc_require_op(ctx, c->op, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  ph_tensor_t x = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 6});
  ph_tensor_t y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 6});
  ph_tensor_t sc = mk(ctx, &ar, PH_DTYPE_F32, 1, (int64_t[]){6});
  ph_tensor_t bi = mk(ctx, &ar, PH_DTYPE_F32, 1, (int64_t[]){6});
  ph_tensor_t sc5 = mk(ctx, &ar, PH_DTYPE_F32, 1, (int64_t[]){5});
  ph_tensor_t sc26 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 6});
  ph_tensor_t y27 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 7});
  if (ctx->status == PHC_FAIL) goto done;
  /* Inputs are zeros; epsilon 1 keeps the valid launch finite. */
#define NORM(st_, x_, sc_, bi_, y_, ax_, eps_)                           \
  (rms ? ph_op_rmsnorm((st_), (x_), (sc_), (y_), (ax_), (eps_))          \
       : ph_op_layernorm((st_), (x_), (sc_), (bi_), (y_), (ax_), (eps_)))
  if (!baseline(ctx, NORM(s, &x, &sc, &bi, &y, 1, 1.0f), rms ? "rmsnorm" : "layernorm")) goto done;
  phc_expect(ctx, NORM(NULL, &x, &sc, &bi, &y, 1, 1.0f), INV, "norm NULL stream");
  phc_expect(ctx, NORM(s, NULL, &sc, &bi, &y, 1, 1.0f), INV, "norm NULL x");
  phc_expect(ctx, NORM(s, &x, &sc, &bi, NULL, 1, 1.0f), INV, "norm NULL y");
  phc_expect(ctx, NORM(s, &x, &sc5, &bi, &y, 1, 1.0f), INV, "norm scale [5] for x.shape[1:] [6]");
  phc_expect(ctx, NORM(s, &x, &sc26, &bi, &y, 1, 1.0f), INV, "norm scale [2,6] for x.shape[1:] [6]");
  if (!rms) phc_expect(ctx, NORM(s, &x, &sc, &sc5, &y, 1, 1.0f), INV, "layernorm bias [5]");
  phc_expect(ctx, NORM(s, &x, &sc, &bi, &y27, 1, 1.0f), INV, "norm y [2,7] for x [2,6]");
  phc_expect(ctx, NORM(s, &x, &sc, &bi, &y, 2, 1.0f), INV, "norm axis 2 of rank 2");
  phc_expect(ctx, NORM(s, &x, &sc, &bi, &y, -3, 1.0f), INV, "norm axis -3 of rank 2");
  phc_expect(ctx, NORM(s, &x, &sc, &bi, &y, 1, -1.0f), INV, "norm epsilon -1");
  phc_expect(ctx, NORM(s, &x, &sc, &bi, &y, 1, NAN), INV, "norm epsilon NaN");
  phc_expect(ctx, NORM(s, &x, &sc, &bi, &y, 1, INFINITY), INV, "norm epsilon inf");
  ph_tensor_t t = sc;
  t.dtype = PH_DTYPE_F16;
  phc_expect(ctx, NORM(s, &x, &t, &bi, &y, 1, 1.0f), INV, "norm scale f16 with x f32");
  t = x;
  t.offset = SLOT * SLOTS - 2;
  phc_expect(ctx, NORM(s, &t, &sc, &bi, &y, 1, 1.0f), OOR, "norm x outside its buffer");
  t = sc;
  t.buffer = NULL;
  phc_expect(ctx, NORM(s, &x, &t, &bi, &y, 1, 1.0f), INV, "norm scale with a NULL buffer");
  t = y;
  t.offset = UINT64_MAX - 3;
  phc_expect(ctx, NORM(s, &x, &sc, &bi, &t, 1, 1.0f), OOR, "norm y at offset 2^64-4");
#undef NORM
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* reduce ------------------------------------------------------------------- */
static void run_op_reduce(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_REDUCE, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  ph_tensor_t x = mk(ctx, &ar, PH_DTYPE_F32, 3, (int64_t[]){3, 4, 5});
  ph_tensor_t y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 5});
  ph_tensor_t yk = mk(ctx, &ar, PH_DTYPE_F32, 3, (int64_t[]){3, 1, 5});
  ph_tensor_t y34 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 4});
  if (ctx->status == PHC_FAIL || !baseline(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, &y, 2u, 0), "reduce") ||
      !baseline(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, &yk, 2u, 1), "reduce keepdims"))
    goto done;
  phc_expect(ctx, ph_op_reduce(NULL, PH_REDUCE_SUM, &x, &y, 2u, 0), INV, "reduce NULL stream");
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, NULL, &y, 2u, 0), INV, "reduce NULL x");
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, NULL, 2u, 0), INV, "reduce NULL y");
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_COUNT_, &x, &y, 2u, 0), INV, "reduce func PH_REDUCE_COUNT_");
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, &y, 0u, 0), INV, "reduce no axes");
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, &y, 2u | 8u, 0), INV, "reduce axis bit 3 of rank 3");
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, &y34, 2u, 0), INV, "reduce y [3,4] for axis 1 of [3,4,5]");
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, &y, 2u, 1), INV, "reduce keepdims with y [3,5]");
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, &yk, 2u, 0), INV, "reduce no keepdims with y [3,1,5]");
  ph_tensor_t t = x;
  t.offset = SLOT * SLOTS - 2;
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &t, &y, 2u, 0), OOR, "reduce x outside its buffer");
  t = y;
  t.dtype = PH_DTYPE_F16;
  phc_expect(ctx, ph_op_reduce(s, PH_REDUCE_SUM, &x, &t, 2u, 0), INV, "reduce x f32 into y f16");
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* transpose ---------------------------------------------------------------- */
static void run_op_transpose(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_TRANSPOSE, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  ph_tensor_t x = mk(ctx, &ar, PH_DTYPE_F32, 3, (int64_t[]){2, 3, 4});
  ph_tensor_t y = mk(ctx, &ar, PH_DTYPE_F32, 3, (int64_t[]){4, 2, 3});
  ph_tensor_t y234 = mk(ctx, &ar, PH_DTYPE_F32, 3, (int64_t[]){2, 3, 4});
  const int32_t perm[3] = {2, 0, 1}, neg[3] = {-1, 0, 1}, dup[3] = {0, 0, 1}, big[3] = {0, 1, 3},
                low[3] = {-4, 0, 1};
  if (ctx->status == PHC_FAIL || !baseline(ctx, ph_op_transpose(s, &x, &y, perm), "transpose") ||
      !baseline(ctx, ph_op_transpose(s, &x, &y, neg), "transpose perm {-1,0,1}"))
    goto done;
  phc_expect(ctx, ph_op_transpose(NULL, &x, &y, perm), INV, "transpose NULL stream");
  phc_expect(ctx, ph_op_transpose(s, NULL, &y, perm), INV, "transpose NULL x");
  phc_expect(ctx, ph_op_transpose(s, &x, NULL, perm), INV, "transpose NULL y");
  phc_expect(ctx, ph_op_transpose(s, &x, &y, NULL), INV, "transpose NULL perm");
  phc_expect(ctx, ph_op_transpose(s, &x, &y, dup), INV, "transpose perm {0,0,1}");
  phc_expect(ctx, ph_op_transpose(s, &x, &y, big), INV, "transpose perm {0,1,3}");
  phc_expect(ctx, ph_op_transpose(s, &x, &y, low), INV, "transpose perm {-4,0,1}");
  phc_expect(ctx, ph_op_transpose(s, &x, &y234, perm), INV, "transpose y [2,3,4] for perm {2,0,1}");
  ph_tensor_t t = y;
  t.dtype = PH_DTYPE_I32;
  phc_expect(ctx, ph_op_transpose(s, &x, &t, perm), INV, "transpose x f32 into y i32");
  t = y;
  t.offset = SLOT * SLOTS - 8;
  phc_expect(ctx, ph_op_transpose(s, &x, &t, perm), OOR, "transpose y outside its buffer");
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* concat ------------------------------------------------------------------- */
static void run_op_concat(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_CONCAT, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  ph_tensor_t x0 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 3});
  ph_tensor_t x1 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 5});
  ph_tensor_t y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 8});
  ph_tensor_t x35 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 5});
  ph_tensor_t y29 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 9});
  ph_tensor_t y2_192 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){2, 192});
  if (ctx->status == PHC_FAIL) goto done;
  const ph_tensor_t *xs[2] = {&x0, &x1}, *xnull[2] = {&x0, NULL}, *xbad[2] = {&x0, &x35};
  const ph_tensor_t *many[64];
  for (int i = 0; i < 64; ++i) many[i] = &x0;
  if (!baseline(ctx, ph_op_concat(s, xs, 2, &y, 1), "concat") ||
      !baseline(ctx, ph_op_concat(s, xs, 2, &y, -1), "concat axis -1"))
    goto done;
  phc_expect(ctx, ph_op_concat(NULL, xs, 2, &y, 1), INV, "concat NULL stream");
  phc_expect(ctx, ph_op_concat(s, NULL, 2, &y, 1), INV, "concat NULL xs");
  phc_expect(ctx, ph_op_concat(s, xnull, 2, &y, 1), INV, "concat xs[1] NULL");
  phc_expect(ctx, ph_op_concat(s, xs, 2, NULL, 1), INV, "concat NULL y");
  phc_expect(ctx, ph_op_concat(s, xs, 0, &y, 1), INV, "concat n 0");
  phc_expect(ctx, ph_op_concat(s, many, 64, &y2_192, 1), INV, "concat n 64 (at most 63)");
  phc_expect(ctx, ph_op_concat(s, xbad, 2, &y, 1), INV, "concat [2,3] with [3,5] on axis 1");
  phc_expect(ctx, ph_op_concat(s, xs, 2, &y29, 1), INV, "concat y extent 9 for 3+5");
  phc_expect(ctx, ph_op_concat(s, xs, 2, &y, 2), INV, "concat axis 2 of rank 2");
  ph_tensor_t t = x1;
  t.dtype = PH_DTYPE_F16;
  const ph_tensor_t *xd[2] = {&x0, &t};
  phc_expect(ctx, ph_op_concat(s, xd, 2, &y, 1), INV, "concat f32 with f16");
  ph_tensor_t o = x1;
  o.offset = SLOT * SLOTS - 4;
  const ph_tensor_t *xo[2] = {&x0, &o};
  phc_expect(ctx, ph_op_concat(s, xo, 2, &y, 1), OOR, "concat xs[1] outside its buffer");
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* gather ------------------------------------------------------------------- */
static void run_op_gather(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_GATHER, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  ph_tensor_t tb = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){5, 3});
  ph_tensor_t ix = mk(ctx, &ar, PH_DTYPE_I32, 1, (int64_t[]){4});
  ph_tensor_t y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){4, 3});
  ph_tensor_t y44 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){4, 4});
  ph_tensor_t tb8 = mk(ctx, &ar, PH_DTYPE_F32, 8, (int64_t[]){2, 1, 1, 1, 1, 1, 1, 2});
  ph_tensor_t ix2 = mk(ctx, &ar, PH_DTYPE_I32, 2, (int64_t[]){1, 1});
  ph_tensor_t y8 = mk(ctx, &ar, PH_DTYPE_F32, 8, (int64_t[]){1, 1, 1, 1, 1, 1, 1, 1});
  if (ctx->status == PHC_FAIL || !baseline(ctx, ph_op_gather(s, &tb, &ix, &y, 0), "gather"))
    goto done;
  phc_expect(ctx, ph_op_gather(NULL, &tb, &ix, &y, 0), INV, "gather NULL stream");
  phc_expect(ctx, ph_op_gather(s, NULL, &ix, &y, 0), INV, "gather NULL table");
  phc_expect(ctx, ph_op_gather(s, &tb, NULL, &y, 0), INV, "gather NULL indices");
  phc_expect(ctx, ph_op_gather(s, &tb, &ix, NULL, 0), INV, "gather NULL y");
  phc_expect(ctx, ph_op_gather(s, &tb, &ix, &y, 2), INV, "gather axis 2 of rank 2");
  phc_expect(ctx, ph_op_gather(s, &tb, &ix, &y44, 0), INV, "gather y [4,4] for [4,3]");
  phc_expect(ctx, ph_op_gather(s, &tb8, &ix2, &y8, 0), INV, "gather result of rank 9");
  ph_tensor_t t = ix;
  t.dtype = PH_DTYPE_F32;
  phc_expect(ctx, ph_op_gather(s, &tb, &t, &y, 0), INV, "gather f32 indices (i32 only)");
  t = y;
  t.dtype = PH_DTYPE_I32;
  phc_expect(ctx, ph_op_gather(s, &tb, &ix, &t, 0), INV, "gather y dtype differs from table");
  t = ix;
  t.offset = SLOT * SLOTS - 2;
  phc_expect(ctx, ph_op_gather(s, &tb, &t, &y, 0), OOR, "gather indices outside their buffer");
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* cast --------------------------------------------------------------------- */
static void run_op_cast(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_CAST, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  ph_tensor_t x = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 4});
  ph_tensor_t y = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 4});
  ph_tensor_t y43 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){4, 3});
  if (ctx->status == PHC_FAIL || !baseline(ctx, ph_op_cast(s, &x, &y), "cast")) goto done;
  phc_expect(ctx, ph_op_cast(NULL, &x, &y), INV, "cast NULL stream");
  phc_expect(ctx, ph_op_cast(s, NULL, &y), INV, "cast NULL x");
  phc_expect(ctx, ph_op_cast(s, &x, NULL), INV, "cast NULL y");
  phc_expect(ctx, ph_op_cast(s, &x, &y43), INV, "cast y [4,3] for x [3,4]");
  ph_tensor_t t = y;
  t.dtype = 99;
  phc_expect(ctx, ph_op_cast(s, &x, &t), INV, "cast to dtype 99");
  t = x;
  t.offset = SLOT * SLOTS - 2;
  phc_expect(ctx, ph_op_cast(s, &t, &y), OOR, "cast x outside its buffer");
  t = y;
  t.strides[0] = 5; /* padded rows */
  phc_expect(ctx, ph_op_cast(s, &x, &t), INV, "cast into a non-dense y");
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* attention ---------------------------------------------------------------- */
static void run_op_attention(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  if (!phc_require_op(ctx, PH_OP_ATTENTION, PH_DTYPE_F32, false)) return;
  arena_t ar;
  if (!arena_init(ctx, &ar)) goto done;
  ph_stream_t *s = ctx->stream;
  ph_tensor_t q = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 3, 4});
  ph_tensor_t k = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 5, 4});
  ph_tensor_t v = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 5, 6});
  ph_tensor_t y = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 3, 6});
  ph_tensor_t mask = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 5});
  ph_tensor_t k3 = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 5, 3});
  ph_tensor_t v4 = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 4, 6});
  ph_tensor_t y4 = mk(ctx, &ar, PH_DTYPE_F32, 4, (int64_t[]){1, 2, 3, 4});
  ph_tensor_t mask34 = mk(ctx, &ar, PH_DTYPE_F32, 2, (int64_t[]){3, 4});
  ph_tensor_t q3 = mk(ctx, &ar, PH_DTYPE_F32, 3, (int64_t[]){2, 3, 4});
  if (ctx->status == PHC_FAIL ||
      !baseline(ctx, ph_op_attention(s, &q, &k, &v, NULL, &y, 0.5f, 0), "attention") ||
      !baseline(ctx, ph_op_attention(s, &q, &k, &v, &mask, &y, 0.5f, 1), "attention mask causal"))
    goto done;
  phc_expect(ctx, ph_op_attention(NULL, &q, &k, &v, NULL, &y, 0.5f, 0), INV, "attention NULL stream");
  phc_expect(ctx, ph_op_attention(s, NULL, &k, &v, NULL, &y, 0.5f, 0), INV, "attention NULL q");
  phc_expect(ctx, ph_op_attention(s, &q, NULL, &v, NULL, &y, 0.5f, 0), INV, "attention NULL k");
  phc_expect(ctx, ph_op_attention(s, &q, &k, NULL, NULL, &y, 0.5f, 0), INV, "attention NULL v");
  phc_expect(ctx, ph_op_attention(s, &q, &k, &v, NULL, NULL, 0.5f, 0), INV, "attention NULL y");
  phc_expect(ctx, ph_op_attention(s, &q, &k3, &v, NULL, &y, 0.5f, 0), INV, "attention k D 3 for q D 4");
  phc_expect(ctx, ph_op_attention(s, &q, &k, &v4, NULL, &y, 0.5f, 0), INV, "attention v Sk 4 for k Sk 5");
  phc_expect(ctx, ph_op_attention(s, &q, &k, &v, NULL, &y4, 0.5f, 0), INV, "attention y Dv 4 for v Dv 6");
  phc_expect(ctx, ph_op_attention(s, &q, &k, &v, &mask34, &y, 0.5f, 0), INV, "attention mask [3,4] for [Sq 3, Sk 5]");
  phc_expect(ctx, ph_op_attention(s, &q3, &k, &v, NULL, &y, 0.5f, 0), INV, "attention q of rank 3");
  phc_expect(ctx, ph_op_attention(s, &q, &k, &v, NULL, &y, NAN, 0), INV, "attention scale NaN");
  phc_expect(ctx, ph_op_attention(s, &q, &k, &v, NULL, &y, INFINITY, 0), INV, "attention scale inf");
  ph_tensor_t t = v;
  t.dtype = PH_DTYPE_F16;
  phc_expect(ctx, ph_op_attention(s, &q, &k, &t, NULL, &y, 0.5f, 0), INV, "attention v f16 with q f32");
  t = k;
  t.offset = SLOT * SLOTS - 2;
  phc_expect(ctx, ph_op_attention(s, &q, &t, &v, NULL, &y, 0.5f, 0), OOR, "attention k outside its buffer");
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
}

/* --- Declined ops: UNSUPPORTED, having run nothing ------------------------- */

/* Launches a valid small instance of |op| on |dtype| (float-only ops are
 * given float dtypes by the caller); |strided| makes the input padded. */
static ph_status_t launch_probe(phc_ctx_t *ctx, arena_t *ar, uint32_t op, uint32_t dt, bool strided) {
  ar->next = 0;
  ph_tensor_t x = mk(ctx, ar, dt, 2, (int64_t[]){3, 4});
  ph_tensor_t y = mk(ctx, ar, dt, 2, (int64_t[]){3, 4});
  if (strided) x.strides[0] = 6;
  ph_stream_t *s = ctx->stream;
  switch (op) {
    case PH_OP_UNARY: return ph_op_unary(s, PH_UNARY_NEG, &x, &y);
    case PH_OP_BINARY: return ph_op_binary(s, PH_BINARY_ADD, &x, &x, &y);
    case PH_OP_SOFTMAX: return ph_op_softmax(s, &x, &y, 1, 0);
    case PH_OP_CAST: return ph_op_cast(s, &x, &y);
    default: {
      ph_tensor_t yt = mk(ctx, ar, dt, 2, (int64_t[]){4, 3});
      return ph_op_transpose(s, &x, &yt, (const int32_t[]){1, 0});
    }
  }
}

static void run_unsupported(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  static const uint32_t ops[] = {PH_OP_UNARY, PH_OP_BINARY, PH_OP_SOFTMAX, PH_OP_CAST, PH_OP_TRANSPOSE};
  arena_t ar;
  int probed = 0;
  if (!arena_init(ctx, &ar)) goto done;
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; ++i)
    for (uint32_t dt = 1; dt < PH_DTYPE_COUNT_; ++dt) {
      bool any_dtype = ops[i] == PH_OP_CAST || ops[i] == PH_OP_TRANSPOSE;
      if (!any_dtype && dt != PH_DTYPE_F32 && dt != PH_DTYPE_F16 && dt != PH_DTYPE_BF16) continue;
      uint32_t caps = 0;
      if (!phc_ok(ctx, ph_device_op_caps(ctx->device, ops[i], dt, &caps), "ph_device_op_caps")) goto done;
      char w[96];
      if (!(caps & PH_OP_CAP_SUPPORTED)) {
        snprintf(w, sizeof w, "%s on %s, which the device declines", ph_op_name(ops[i]), ph_dtype_name(dt));
        phc_expect(ctx, launch_probe(ctx, &ar, ops[i], dt, false), PH_ERROR_UNSUPPORTED, w);
        ++probed;
      } else if (!(caps & PH_OP_CAP_STRIDED)) {
        snprintf(w, sizeof w, "%s on strided %s, which the device declines", ph_op_name(ops[i]),
                 ph_dtype_name(dt));
        phc_expect(ctx, launch_probe(ctx, &ar, ops[i], dt, true), PH_ERROR_UNSUPPORTED, w);
        ++probed;
      }
      if (ctx->status == PHC_FAIL) goto done;
    }
  /* Nothing declined ran: the stream is clean. */
  phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync after declined ops");
done:
  ph_buffer_free(ar.buf);
  still_works(ctx);
  if (ctx->status == PHC_PASS && probed == 0)
    phc_skip(ctx, "the device declines no unary/binary/softmax/cast/transpose dtype or stride "
             "combination, so UNSUPPORTED cannot be provoked");
}

/* --- Objects of another device --------------------------------------------- */

static void run_cross_device(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  size_t n = 0;
  ph_device_t *other = NULL;
  if (!phc_ok(ctx, ph_device_count(&n), "ph_device_count")) return;
  for (size_t i = 0; i < n && !other; ++i) {
    ph_device_t *d = NULL;
    if (phc_ok(ctx, ph_device_get(i, &d), "ph_device_get") && d != ctx->device) other = d;
  }
  if (!other) {
    phc_skip(ctx, "only one device is selected; cross-device refusals need a second");
    return;
  }
  ph_buffer_t *mine = NULL, *theirs = NULL;
  ph_event_t *ev = NULL;
  ph_stream_t *os = NULL;
  unsigned char host[64] = {0};
  ph_stream_t *s = ctx->stream;
  if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, 64, 0, &mine), "ph_buffer_alloc") ||
      !phc_ok(ctx, ph_buffer_alloc(other, 64, 0, &theirs), "ph_buffer_alloc(other device)") ||
      !phc_ok(ctx, ph_event_create(other, 0, &ev), "ph_event_create(other device)") ||
      !phc_ok(ctx, ph_stream_create(other, 0, &os), "ph_stream_create(other device)"))
    goto done;
  phc_expect(ctx, ph_buffer_write(s, theirs, 0, host, 16), INV, "write to another device's buffer");
  phc_expect(ctx, ph_buffer_read(s, host, theirs, 0, 16), INV, "read from another device's buffer");
  phc_expect(ctx, ph_buffer_fill(s, theirs, 0, 1, 16), INV, "fill another device's buffer");
  phc_expect(ctx, ph_buffer_copy(s, mine, 0, theirs, 0, 16), INV, "copy from another device's buffer");
  phc_expect(ctx, ph_buffer_copy(s, theirs, 0, mine, 0, 16), INV, "copy to another device's buffer");
  phc_expect(ctx, ph_event_record(ev, s), INV, "record another device's event");
  phc_expect(ctx, ph_stream_wait_event(s, ev), INV, "wait on another device's event");
  uint32_t caps = 0;
  if (ph_device_op_caps(ctx->device, PH_OP_UNARY, PH_DTYPE_F32, &caps) == PH_OK &&
      (caps & PH_OP_CAP_SUPPORTED)) {
    ph_tensor_t x, y;
    int64_t shape[1] = {4};
    if (phc_ok(ctx, ph_tensor_init(&x, theirs, 0, PH_DTYPE_F32, 1, shape), "ph_tensor_init") &&
        phc_ok(ctx, ph_tensor_init(&y, mine, 0, PH_DTYPE_F32, 1, shape), "ph_tensor_init")) {
      phc_expect(ctx, ph_op_unary(s, PH_UNARY_NEG, &x, &y), INV, "unary input on another device");
      phc_expect(ctx, ph_op_unary(s, PH_UNARY_NEG, &y, &x), INV, "unary output on another device");
    }
  }
  /* The other device is unharmed too. */
  if (phc_ok(ctx, ph_buffer_write(os, theirs, 0, host, 16), "write on the other device") &&
      phc_ok(ctx, ph_stream_sync(os), "ph_stream_sync(other device)")) {
  }
done:
  ph_stream_destroy(os);
  ph_event_destroy(ev);
  ph_buffer_free(mine);
  ph_buffer_free(theirs);
  still_works(ctx);
}

void phc_register_negative(phc_suite_t *s) {
  static const struct {
    const char *name;
    phc_run_fn run;
    uint32_t op;
  } cases[] = {
      {"negative.null.device", run_null_device, 0},
      {"negative.null.stream", run_null_stream, 0},
      {"negative.null.event", run_null_event, 0},
      {"negative.null.buffer", run_null_buffer, 0},
      {"negative.range.transfer", run_range, 0},
      {"negative.op.matmul", run_op_matmul, PH_OP_MATMUL},
      {"negative.op.conv2d", run_op_conv2d, PH_OP_CONV2D},
      {"negative.op.pool2d", run_op_pool2d, PH_OP_POOL2D},
      {"negative.op.unary", run_op_unary, PH_OP_UNARY},
      {"negative.op.binary", run_op_binary, PH_OP_BINARY},
      {"negative.op.softmax", run_op_softmax, PH_OP_SOFTMAX},
      {"negative.op.layernorm", run_op_norm, PH_OP_LAYERNORM},
      {"negative.op.rmsnorm", run_op_norm, PH_OP_RMSNORM},
      {"negative.op.reduce", run_op_reduce, PH_OP_REDUCE},
      {"negative.op.transpose", run_op_transpose, PH_OP_TRANSPOSE},
      {"negative.op.concat", run_op_concat, PH_OP_CONCAT},
      {"negative.op.gather", run_op_gather, PH_OP_GATHER},
      {"negative.op.cast", run_op_cast, PH_OP_CAST},
      {"negative.op.attention", run_op_attention, PH_OP_ATTENTION},
      {"negative.op.unsupported", run_unsupported, 0},
      {"negative.cross_device", run_cross_device, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
    phc_add_quick(s, cases[i].name, cases[i].run, cases[i].op, 0);
}
