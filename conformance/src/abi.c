/*
 * ABI / loader group: version negotiation, the device's plugin as the
 * loader reports it, struct-size negotiation of the public structs, and a
 * smoke test of every entry the ABI marks REQUIRED. The loader refuses a
 * plugin that leaves a required entry NULL, so "present" is proved here by
 * making each one do its job once, through the public API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

#define CANARY 0xa5u

/* The loaded plugin record named |name|; false (case failed) if none. */
static bool find_plugin(phc_ctx_t *ctx, const char *name, ph_plugin_info_t *out) {
  size_t n = 0;
  if (!phc_ok(ctx, ph_plugin_count(&n), "ph_plugin_count")) return false;
  for (size_t i = 0; i < n; ++i) {
    ph_plugin_info_t info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if (!phc_ok(ctx, ph_plugin_get_info(i, &info), "ph_plugin_get_info")) return false;
    if (info.state == PH_PLUGIN_LOADED && info.name && strcmp(info.name, name) == 0) {
      *out = info;
      return true;
    }
  }
  phc_fail(ctx, "no LOADED plugin named '%s' among %zu candidates (device %s)", name, n,
           ctx->props.id);
  return false;
}

static bool nonempty(const char *s) { return s != NULL && s[0] != '\0'; }

static void run_version(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  uint32_t abi = ph_abi_version();
  if (PH_ABI_MAJOR(abi) != PH_PLUGIN_ABI_VERSION_MAJOR)
    phc_fail(ctx, "ph_abi_version() is %u.%u; this header is ABI %u.x", PH_ABI_MAJOR(abi),
             PH_ABI_MINOR(abi), (unsigned)PH_PLUGIN_ABI_VERSION_MAJOR);
  uint32_t v = ph_version();
  const char *vs = ph_version_string();
  if (!nonempty(vs)) {
    phc_fail(ctx, "ph_version_string() is NULL or empty");
    return;
  }
  char want[48];
  snprintf(want, sizeof want, "%u.%u.%u", v / 10000u, (v / 100u) % 100u, v % 100u);
  if (strcmp(want, vs) != 0)
    phc_fail(ctx, "ph_version() %u encodes \"%s\" but ph_version_string() is \"%s\"", v, want, vs);
  if (v / 10000u != PH_VERSION_MAJOR)
    phc_fail(ctx, "library major version %u != header major %d", v / 10000u, PH_VERSION_MAJOR);
}

static void run_plugin(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_plugin_info_t info;
  if (!find_plugin(ctx, ctx->props.plugin, &info)) return;
  if (!nonempty(info.name)) phc_fail(ctx, "plugin name is empty");
  if (!nonempty(info.vendor)) phc_fail(ctx, "plugin %s: vendor is empty", info.name);
  if (!nonempty(info.version)) phc_fail(ctx, "plugin %s: version is empty", info.name);
  if (!nonempty(info.path)) phc_fail(ctx, "plugin %s: path is empty", info.name);
  if (info.reason == NULL || info.reason[0] != '\0')
    phc_fail(ctx, "plugin %s is LOADED but its reason is %s%s%s", info.name,
             info.reason ? "\"" : "", info.reason ? info.reason : "NULL", info.reason ? "\"" : "");
  uint32_t lib = ph_abi_version();
  if (PH_ABI_MAJOR(info.abi_version) != PH_ABI_MAJOR(lib) ||
      PH_ABI_MINOR(info.abi_version) > PH_ABI_MINOR(lib))
    phc_fail(ctx, "plugin %s was built for ABI %u.%u, which a %u.%u library must not load",
             info.name, PH_ABI_MAJOR(info.abi_version), PH_ABI_MINOR(info.abi_version),
             PH_ABI_MAJOR(lib), PH_ABI_MINOR(lib));
  if (info.device_count < 1)
    phc_fail(ctx, "plugin %s reports %zu devices, but device %s comes from it", info.name,
             info.device_count, ctx->props.id);
  /* Every skipped candidate must say why. */
  size_t n = 0;
  if (!phc_ok(ctx, ph_plugin_count(&n), "ph_plugin_count")) return;
  for (size_t i = 0; i < n; ++i) {
    ph_plugin_info_t o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    if (!phc_ok(ctx, ph_plugin_get_info(i, &o), "ph_plugin_get_info")) return;
    if (o.state != PH_PLUGIN_LOADED && o.state != PH_PLUGIN_SKIPPED)
      phc_fail(ctx, "plugin candidate %zu has unknown state %u", i, o.state);
    if (!nonempty(o.path)) phc_fail(ctx, "plugin candidate %zu has no path", i);
    if (o.state == PH_PLUGIN_SKIPPED && !nonempty(o.reason))
      phc_fail(ctx, "skipped plugin candidate %zu (%s) gives no reason", i,
               o.path ? o.path : "?");
  }
  ph_plugin_info_t past;
  memset(&past, 0, sizeof past);
  past.struct_size = sizeof past;
  ph_status_t st = ph_plugin_get_info(n, &past);
  if (st == PH_OK) phc_fail(ctx, "ph_plugin_get_info(count=%zu) succeeded", n);
}

/* True when every byte of p[from, to) is the canary. */
static bool untouched(const unsigned char *p, size_t from, size_t to, size_t *bad) {
  for (size_t i = from; i < to; ++i)
    if (p[i] != CANARY) {
      *bad = i;
      return false;
    }
  return true;
}

/* The struct-size rules, for either public struct that carries one:
 *  - a newer caller (struct_size larger than ours) is served and nothing
 *    past the fields this library knows is written;
 *  - an older, smaller struct_size is either served without writing a byte
 *    past it, or refused with INVALID_ARGUMENT (ABI 1.0 has no older
 *    struct, so refusing is right too) without writing anything;
 *  - 0, or a size that holds only struct_size itself, is refused. */
typedef ph_status_t (*query_fn)(phc_ctx_t *ctx, void *out);

static ph_status_t query_props(phc_ctx_t *ctx, void *out) {
  return ph_device_get_props(ctx->device, out);
}

static ph_status_t query_info(phc_ctx_t *ctx, void *out) {
  /* Index of the device's plugin, found again (the struct under test is
   * the one we pass). */
  size_t n = 0;
  if (ph_plugin_count(&n) != PH_OK) return PH_ERROR_INTERNAL;
  for (size_t i = 0; i < n; ++i) {
    ph_plugin_info_t info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if (ph_plugin_get_info(i, &info) == PH_OK && info.state == PH_PLUGIN_LOADED &&
        info.name && strcmp(info.name, ctx->props.plugin) == 0)
      return ph_plugin_get_info(i, out);
  }
  return PH_ERROR_NOT_FOUND;
}

static void check_struct_size(phc_ctx_t *ctx, const char *what, query_fn q, size_t full,
                              size_t older) {
  const size_t extra = 64;
  unsigned char *ref = calloc(1, full);
  unsigned char *buf = malloc(full + extra);
  if (!ref || !buf) {
    phc_fail(ctx, "out of host memory");
    goto done;
  }
  size_t ss = full;
  memcpy(ref, &ss, sizeof ss);
  if (!phc_ok(ctx, q(ctx, ref), what)) goto done;
  size_t bad = 0;

  /* A newer caller's larger struct. */
  memset(buf, CANARY, full + extra);
  ss = full + extra;
  memcpy(buf, &ss, sizeof ss);
  if (phc_ok(ctx, q(ctx, buf), "query with a larger (newer) struct_size")) {
    if (memcmp(buf + sizeof ss, ref + sizeof ss, full - sizeof ss) != 0)
      phc_fail(ctx, "%s: a larger struct_size gives different field values", what);
    /* A library built from this header knows no field past |full|. */
    if (ph_version() == PH_VERSION && ph_abi_version() == PH_PLUGIN_ABI_VERSION &&
        !untouched(buf, full, full + extra, &bad))
      phc_fail(ctx, "%s: wrote byte %zu past the %zu bytes it knows", what, bad, full);
  }

  /* An older caller's smaller struct. */
  memset(buf, CANARY, full + extra);
  ss = older;
  memcpy(buf, &ss, sizeof ss);
  ph_status_t st = q(ctx, buf);
  if (st == PH_OK) {
    if (!untouched(buf, older, full + extra, &bad))
      phc_fail(ctx, "%s: struct_size %zu, but byte %zu was written", what, older, bad);
    if (memcmp(buf + sizeof ss, ref + sizeof ss, older - sizeof ss) != 0)
      phc_fail(ctx, "%s: a smaller struct_size gives different field values", what);
  } else if (phc_expect(ctx, st, PH_ERROR_INVALID_ARGUMENT, "query with an older struct_size")) {
    if (!untouched(buf, sizeof ss, full + extra, &bad))
      phc_fail(ctx, "%s: refused struct_size %zu but wrote byte %zu", what, older, bad);
  }

  /* Sizes that cannot hold a single field. */
  const size_t tiny[2] = {0, sizeof(size_t)};
  for (int i = 0; i < 2; ++i) {
    memset(buf, CANARY, full + extra);
    ss = tiny[i];
    memcpy(buf, &ss, sizeof ss);
    char w[96];
    snprintf(w, sizeof w, "%s with struct_size %zu", what, tiny[i]);
    if (phc_expect(ctx, q(ctx, buf), PH_ERROR_INVALID_ARGUMENT, w) &&
        !untouched(buf, sizeof ss, full + extra, &bad))
      phc_fail(ctx, "%s: refused, but wrote byte %zu", w, bad);
  }
done:
  free(ref);
  free(buf);
}

static void run_struct_props(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  check_struct_size(ctx, "ph_device_get_props", query_props, sizeof(ph_device_props_t),
                    offsetof(ph_device_props_t, min_alignment));
}

static void run_struct_info(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  check_struct_size(ctx, "ph_plugin_get_info", query_info, sizeof(ph_plugin_info_t),
                    offsetof(ph_plugin_info_t, device_count));
}

static void run_names(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  /* Sizes and names are fixed by the ABI header's definitions. */
  static const struct {
    uint32_t dt;
    size_t size;
    const char *name;
  } dts[] = {{PH_DTYPE_F32, 4, "f32"}, {PH_DTYPE_F16, 2, "f16"}, {PH_DTYPE_BF16, 2, "bf16"},
             {PH_DTYPE_I8, 1, "i8"},   {PH_DTYPE_I32, 4, "i32"}, {PH_DTYPE_INVALID, 0, "invalid"},
             {PH_DTYPE_COUNT_, 0, "invalid"}};
  for (size_t i = 0; i < sizeof dts / sizeof dts[0]; ++i) {
    if (ph_dtype_size(dts[i].dt) != dts[i].size)
      phc_fail(ctx, "ph_dtype_size(%u) = %zu, expected %zu", dts[i].dt, ph_dtype_size(dts[i].dt),
               dts[i].size);
    const char *n = ph_dtype_name(dts[i].dt);
    if (!n || strcmp(n, dts[i].name) != 0)
      phc_fail(ctx, "ph_dtype_name(%u) = \"%s\", expected \"%s\"", dts[i].dt, n ? n : "(null)",
               dts[i].name);
  }
  for (uint32_t op = 1; op < PH_OP_COUNT_; ++op) {
    const char *n = ph_op_name(op);
    if (!nonempty(n) || strcmp(n, "invalid") == 0)
      phc_fail(ctx, "ph_op_name(%u) = \"%s\"", op, n ? n : "(null)");
  }
  const char *bad = ph_op_name(PH_OP_COUNT_ + 100);
  if (!bad || strcmp(bad, "invalid") != 0) phc_fail(ctx, "ph_op_name(unknown) is not \"invalid\"");
  static const char *const kinds[] = {"other", "cpu", "gpu", "npu", "fpga"};
  for (uint32_t k = 0; k < 5; ++k) {
    const char *n = ph_device_kind_name(k);
    if (!n || strcmp(n, kinds[k]) != 0)
      phc_fail(ctx, "ph_device_kind_name(%u) = \"%s\", expected \"%s\"", k, n ? n : "(null)",
               kinds[k]);
  }
  const char *s = ph_status_string(PH_ERROR_INVALID_ARGUMENT);
  if (!s || strcmp(s, "PH_ERROR_INVALID_ARGUMENT") != 0)
    phc_fail(ctx, "ph_status_string(INVALID_ARGUMENT) = \"%s\"", s ? s : "(null)");
  for (int st = PH_OK; st <= PH_ERROR_INTERNAL; ++st)
    if (!nonempty(ph_status_string((ph_status_t)st)))
      phc_fail(ctx, "ph_status_string(%d) is empty", st);
}

/* --- Required entries, each made to work once ----------------------------- */

/* Fails naming the ABI entry behind a public call. */
static bool entry_ok(phc_ctx_t *ctx, ph_status_t st, const char *entry) {
  char w[96];
  snprintf(w, sizeof w, "required entry %s", entry);
  return phc_ok(ctx, st, w);
}

/* A tiny op with an exact answer, if the device runs one: y = -x (unary
 * neg), else y = x (cast f32 -> f32). */
static void smoke_op(phc_ctx_t *ctx, ph_stream_t *s) {
  uint32_t caps_u = 0, caps_c = 0;
  ph_device_op_caps(ctx->device, PH_OP_UNARY, PH_DTYPE_F32, &caps_u);
  ph_device_op_caps(ctx->device, PH_OP_CAST, PH_DTYPE_F32, &caps_c);
  bool unary = caps_u & PH_OP_CAP_SUPPORTED;
  if (!unary && !(caps_c & PH_OP_CAP_SUPPORTED)) return; /* declines both: not probed */
  ph_buffer_t *bx = NULL, *by = NULL;
  float x[5] = {1.5f, -2.0f, 0.25f, 3.0f, -7.75f}, y[5] = {0};
  int64_t shape[1] = {5};
  ph_tensor_t tx, ty;
  if (!entry_ok(ctx, ph_buffer_alloc(ctx->device, sizeof x, 0, &bx), "mem_alloc") ||
      !entry_ok(ctx, ph_buffer_alloc(ctx->device, sizeof y, 0, &by), "mem_alloc") ||
      !phc_ok(ctx, ph_tensor_init(&tx, bx, 0, PH_DTYPE_F32, 1, shape), "ph_tensor_init") ||
      !phc_ok(ctx, ph_tensor_init(&ty, by, 0, PH_DTYPE_F32, 1, shape), "ph_tensor_init") ||
      !entry_ok(ctx, ph_buffer_write(s, bx, 0, x, sizeof x), "copy_h2d"))
    goto done;
  ph_status_t st = unary ? ph_op_unary(s, PH_UNARY_NEG, &tx, &ty) : ph_op_cast(s, &tx, &ty);
  if (!entry_ok(ctx, st, "op_launch") ||
      !entry_ok(ctx, ph_buffer_read(s, y, by, 0, sizeof y), "copy_d2h") ||
      !entry_ok(ctx, ph_stream_sync(s), "stream_sync (after op_launch)"))
    goto done;
  for (int i = 0; i < 5; ++i)
    if (y[i] != (unary ? -x[i] : x[i])) {
      phc_fail(ctx, "required entry op_launch: %s gave y[%d] = %g for x = %g",
               unary ? "unary neg" : "cast f32->f32", i, (double)y[i], (double)x[i]);
      break;
    }
done:
  ph_buffer_free(bx);
  ph_buffer_free(by);
}

static void run_entries(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_device_props_t p;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  uint32_t caps = 0;
  if (!entry_ok(ctx, ph_device_get_props(ctx->device, &p), "device_props") ||
      !entry_ok(ctx, ph_device_op_caps(ctx->device, PH_OP_MATMUL, PH_DTYPE_F32, &caps),
                "op_capability"))
    return;

  enum { N = 4099 };
  unsigned char *src = malloc(N), *dst = malloc(N);
  ph_buffer_t *a = NULL, *b = NULL;
  ph_stream_t *s1 = NULL, *s2 = NULL;
  ph_event_t *e = NULL;
  if (!src || !dst) {
    phc_fail(ctx, "out of host memory");
    goto done;
  }
  for (int i = 0; i < N; ++i) src[i] = (unsigned char)phc_rand_u64(&ctx->rng);
  memset(dst, 0, N);

  if (!entry_ok(ctx, ph_buffer_alloc(ctx->device, N, 0, &a), "mem_alloc")) goto done;
  if (!entry_ok(ctx, ph_buffer_free(a), "mem_free")) goto done;
  a = NULL;
  uint64_t size = 0;
  ph_device_t *dev = NULL;
  if (!entry_ok(ctx, ph_buffer_alloc(ctx->device, N, 0, &a), "mem_alloc") ||
      !entry_ok(ctx, ph_buffer_alloc(ctx->device, N, 0, &b), "mem_alloc") ||
      !phc_ok(ctx, ph_buffer_get_size(a, &size), "ph_buffer_get_size") ||
      !phc_ok(ctx, ph_buffer_get_device(a, &dev), "ph_buffer_get_device"))
    goto done;
  if (size != N || dev != ctx->device)
    phc_fail(ctx, "buffer reports size %llu on %p; allocated %d on %p", (unsigned long long)size,
             (void *)dev, N, (void *)ctx->device);

  if (!entry_ok(ctx, ph_stream_create(ctx->device, 0, &s1), "stream_create") ||
      !entry_ok(ctx, ph_stream_create(ctx->device, 0, &s2), "stream_create") ||
      !phc_ok(ctx, ph_stream_get_device(s1, &dev), "ph_stream_get_device"))
    goto done;
  if (dev != ctx->device) phc_fail(ctx, "ph_stream_get_device gives another device");
  if (!entry_ok(ctx, ph_stream_sync(s1), "stream_sync") ||
      !entry_ok(ctx, ph_stream_query(s1), "stream_query (idle stream)"))
    goto done;
  if (!entry_ok(ctx, ph_event_create(ctx->device, 0, &e), "event_create") ||
      !entry_ok(ctx, ph_event_query(e), "event_query (new event)"))
    goto done;

  /* s1: h2d into a, d2d a -> b, memset b[100, 200); s2 waits, then d2h. */
  if (!entry_ok(ctx, ph_buffer_write(s1, a, 0, src, N), "copy_h2d") ||
      !entry_ok(ctx, ph_buffer_copy(s1, b, 0, a, 0, N), "copy_d2d") ||
      !entry_ok(ctx, ph_buffer_fill(s1, b, 100, 0x3c, 100), "memset") ||
      !entry_ok(ctx, ph_event_record(e, s1), "event_record") ||
      !entry_ok(ctx, ph_stream_wait_event(s2, e), "stream_wait_event") ||
      !entry_ok(ctx, ph_buffer_read(s2, dst, b, 0, N), "copy_d2h") ||
      !entry_ok(ctx, ph_event_sync(e), "event_sync") ||
      !entry_ok(ctx, ph_event_query(e), "event_query (after event_sync)") ||
      !entry_ok(ctx, ph_stream_sync(s2), "stream_sync"))
    goto done;
  for (int i = 0; i < N; ++i) {
    unsigned char want = (i >= 100 && i < 200) ? 0x3c : src[i];
    if (dst[i] != want) {
      phc_fail(ctx, "copy_h2d/copy_d2d/memset/copy_d2h chain: byte %d is 0x%02x, expected 0x%02x",
               i, dst[i], want);
      break;
    }
  }
  smoke_op(ctx, s1);

  if (!entry_ok(ctx, ph_event_destroy(e), "event_destroy")) goto done;
  e = NULL;
  if (!entry_ok(ctx, ph_stream_destroy(s2), "stream_destroy")) goto done;
  s2 = NULL;
done:
  ph_event_destroy(e);
  ph_stream_destroy(s1);
  ph_stream_destroy(s2);
  ph_buffer_free(a);
  ph_buffer_free(b);
  free(src);
  free(dst);
}

void phc_register_abi(phc_suite_t *s) {
  static const struct {
    const char *name;
    phc_run_fn run;
  } cases[] = {
      {"abi.version", run_version},
      {"abi.plugin", run_plugin},
      {"abi.struct_size.device_props", run_struct_props},
      {"abi.struct_size.plugin_info", run_struct_info},
      {"abi.names", run_names},
      {"abi.required_entries", run_entries},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
    phc_add_quick(s, cases[i].name, cases[i].run, 0, 0);
}
