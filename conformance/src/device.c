/*
 * Device group: every property readable, well formed and consistent with
 * the rest of what the device declares; selectors find the device again;
 * op capabilities are answered for every op x dtype, with known bits only,
 * and agree with the device's dtypes; answers never change.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "conform.h"

#define KNOWN_MEM (PH_MEM_DEVICE | PH_MEM_HOST_VISIBLE | PH_MEM_UNIFIED)
#define KNOWN_FLAGS \
  (PH_DEVICE_RUNTIME_COMPILE | PH_DEVICE_OFFLINE_BINARIES | PH_DEVICE_TIMERS | PH_DEVICE_HOST_MEMORY)
#define KNOWN_CAPS (PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED)

static uint32_t known_dtypes(void) {
  uint32_t m = 0;
  for (uint32_t dt = 1; dt < PH_DTYPE_COUNT_; ++dt) m |= 1u << dt;
  return m;
}

/* A string field: NUL-terminated inside its array, and non-empty when
 * |required|. */
static void check_text(phc_ctx_t *ctx, const char *field, const char *s, size_t cap,
                       bool required) {
  const char *nul = memchr(s, '\0', cap);
  if (!nul) {
    phc_fail(ctx, "props.%s is not NUL-terminated within its %zu bytes", field, cap);
    return;
  }
  if (required && nul == s) phc_fail(ctx, "props.%s is empty", field);
}

static bool get_props(phc_ctx_t *ctx, ph_device_props_t *p) {
  memset(p, 0, sizeof *p);
  p->struct_size = sizeof *p;
  return phc_ok(ctx, ph_device_get_props(ctx->device, p), "ph_device_get_props");
}

static void run_props(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_device_props_t p;
  if (!get_props(ctx, &p)) return;
  check_text(ctx, "id", p.id, sizeof p.id, true);
  check_text(ctx, "plugin", p.plugin, sizeof p.plugin, true);
  check_text(ctx, "name", p.name, sizeof p.name, true);
  check_text(ctx, "vendor", p.vendor, sizeof p.vendor, true);
  check_text(ctx, "driver_version", p.driver_version, sizeof p.driver_version, false);
  if (ctx->status == PHC_FAIL) return;

  /* id is "<plugin>:<n>". */
  size_t pl = strlen(p.plugin);
  const char *digits = p.id + pl;
  bool id_ok = strncmp(p.id, p.plugin, pl) == 0 && digits[0] == ':' && digits[1] != '\0';
  for (const char *d = digits + 1; id_ok && *d; ++d) id_ok = isdigit((unsigned char)*d) != 0;
  if (!id_ok) phc_fail(ctx, "props.id \"%s\" is not \"%s:<n>\"", p.id, p.plugin);

  if (p.kind > PH_DEVICE_KIND_FPGA) phc_fail(ctx, "props.kind %u is not a known kind", p.kind);
  const char *kn = ph_device_kind_name(p.kind);
  if (!kn || (p.kind != PH_DEVICE_KIND_OTHER && strcmp(kn, "other") == 0))
    phc_fail(ctx, "ph_device_kind_name(%u) = \"%s\"", p.kind, kn ? kn : "(null)");
  if (p.compute_units < 1) phc_fail(ctx, "props.compute_units is 0");
  if (p.memory_bytes == 0) phc_fail(ctx, "props.memory_bytes is 0");
  if (p.max_alloc_bytes == 0 || p.max_alloc_bytes > p.memory_bytes)
    phc_fail(ctx, "props.max_alloc_bytes %llu is not in (0, memory_bytes = %llu]",
             (unsigned long long)p.max_alloc_bytes, (unsigned long long)p.memory_bytes);
  if (!(p.mem_kinds & PH_MEM_DEVICE)) phc_fail(ctx, "props.mem_kinds 0x%x lacks PH_MEM_DEVICE", p.mem_kinds);
  if (p.mem_kinds & ~KNOWN_MEM) phc_fail(ctx, "props.mem_kinds 0x%x has unknown bits", p.mem_kinds);
  if (p.flags & ~KNOWN_FLAGS) phc_fail(ctx, "props.flags 0x%x has unknown bits", p.flags);
  if (!(p.dtypes & (1u << PH_DTYPE_F32))) phc_fail(ctx, "props.dtypes 0x%x lacks f32", p.dtypes);
  if (p.dtypes & ~known_dtypes())
    phc_fail(ctx, "props.dtypes 0x%x has unknown bits (known 0x%x)", p.dtypes, known_dtypes());
  if (p.min_alignment == 0 || (p.min_alignment & (p.min_alignment - 1)) != 0)
    phc_fail(ctx, "props.min_alignment %u is not a power of two", p.min_alignment);

  /* The runner's copy and a second query agree byte for byte. */
  ph_device_props_t q;
  if (!get_props(ctx, &q)) return;
  if (memcmp(&p, &q, sizeof p) != 0) phc_fail(ctx, "two ph_device_get_props calls differ");
  if (memcmp(&p, &ctx->props, sizeof p) != 0)
    phc_fail(ctx, "ph_device_get_props differs from the properties read at start-up");
}

static void run_find(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  ph_device_props_t p;
  if (!get_props(ctx, &p)) return;
  ph_device_t *d = NULL;
  if (phc_ok(ctx, ph_device_find(p.id, &d), "ph_device_find(id)") && d != ctx->device)
    phc_fail(ctx, "ph_device_find(\"%s\") returns another device", p.id);
  /* The plugin's name alone selects its first device: one of this plugin's. */
  d = NULL;
  if (phc_ok(ctx, ph_device_find(p.plugin, &d), "ph_device_find(plugin)")) {
    ph_device_props_t o;
    memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    if (phc_ok(ctx, ph_device_get_props(d, &o), "ph_device_get_props") &&
        strcmp(o.plugin, p.plugin) != 0)
      phc_fail(ctx, "ph_device_find(\"%s\") gives a device of plugin %s", p.plugin, o.plugin);
  }
  /* The device is listed exactly once by count/get. */
  size_t n = 0, seen = 0;
  if (!phc_ok(ctx, ph_device_count(&n), "ph_device_count")) return;
  for (size_t i = 0; i < n; ++i) {
    d = NULL;
    if (!phc_ok(ctx, ph_device_get(i, &d), "ph_device_get")) return;
    if (d == ctx->device) ++seen;
  }
  if (seen != 1) phc_fail(ctx, "device %s appears %zu times among %zu devices", p.id, seen, n);
  char sel[96];
  snprintf(sel, sizeof sel, "%s:999999", p.plugin);
  d = (ph_device_t *)&d; /* must be reset to NULL */
  phc_expect(ctx, ph_device_find(sel, &d), PH_ERROR_NOT_FOUND, "ph_device_find(no such index)");
  if (d != NULL) phc_fail(ctx, "a failed ph_device_find leaves *out_device non-NULL");
  phc_expect(ctx, ph_device_find("no-such-plugin-xyz:0", &d), PH_ERROR_NOT_FOUND,
             "ph_device_find(no such plugin)");
}

static bool caps_table(phc_ctx_t *ctx, uint32_t caps[PH_OP_COUNT_][PH_DTYPE_COUNT_]) {
  memset(caps, 0, sizeof(uint32_t) * PH_OP_COUNT_ * PH_DTYPE_COUNT_);
  for (uint32_t op = 1; op < PH_OP_COUNT_; ++op)
    for (uint32_t dt = 1; dt < PH_DTYPE_COUNT_; ++dt) {
      caps[op][dt] = 0xdeadbeefu;
      char w[80];
      snprintf(w, sizeof w, "ph_device_op_caps(%s, %s)", ph_op_name(op), ph_dtype_name(dt));
      if (!phc_ok(ctx, ph_device_op_caps(ctx->device, op, dt, &caps[op][dt]), w)) return false;
    }
  return true;
}

static void run_op_caps(phc_ctx_t *ctx, const phc_case_t *c) {
  (void)c;
  uint32_t a[PH_OP_COUNT_][PH_DTYPE_COUNT_], b[PH_OP_COUNT_][PH_DTYPE_COUNT_];
  if (!caps_table(ctx, a)) return;
  int supported = 0;
  for (uint32_t op = 1; op < PH_OP_COUNT_; ++op)
    for (uint32_t dt = 1; dt < PH_DTYPE_COUNT_; ++dt) {
      uint32_t v = a[op][dt];
      const char *on = ph_op_name(op), *dn = ph_dtype_name(dt);
      if (v & ~KNOWN_CAPS) phc_fail(ctx, "caps(%s, %s) = 0x%x has unknown bits", on, dn, v);
      if ((v & PH_OP_CAP_STRIDED) && !(v & PH_OP_CAP_SUPPORTED))
        phc_fail(ctx, "caps(%s, %s) = 0x%x: STRIDED without SUPPORTED", on, dn, v);
      if ((v & PH_OP_CAP_SUPPORTED) && !(ctx->props.dtypes & (1u << dt)))
        phc_fail(ctx, "caps(%s, %s) declares the op but props.dtypes 0x%x lacks %s", on, dn,
                 ctx->props.dtypes, dn);
      supported += (v & PH_OP_CAP_SUPPORTED) != 0;
    }
  for (int rep = 0; rep < (ctx->profile == PHC_FULL ? 8 : 2); ++rep) {
    if (!caps_table(ctx, b)) return;
    if (memcmp(a, b, sizeof a) != 0) {
      phc_fail(ctx, "repeated ph_device_op_caps queries give different answers");
      break;
    }
  }
  /* Ops and dtypes outside the vocabulary: refused, or answered "none". */
  static const uint32_t bad_ops[] = {PH_OP_INVALID, PH_OP_COUNT_, 1000};
  for (size_t i = 0; i < 3; ++i) {
    uint32_t v = 0xdeadbeefu;
    ph_status_t st = ph_device_op_caps(ctx->device, bad_ops[i], PH_DTYPE_F32, &v);
    if (st == PH_OK ? v != 0 : st != PH_ERROR_INVALID_ARGUMENT)
      phc_fail(ctx, "ph_device_op_caps(op %u): %s, caps 0x%x (want INVALID_ARGUMENT or 0)",
               bad_ops[i], ph_status_string(st), v);
    v = 0xdeadbeefu;
    st = ph_device_op_caps(ctx->device, PH_OP_MATMUL, bad_ops[i] ? PH_DTYPE_COUNT_ + bad_ops[i] : 0,
                           &v);
    if (st == PH_OK ? v != 0 : st != PH_ERROR_INVALID_ARGUMENT)
      phc_fail(ctx, "ph_device_op_caps(matmul, bad dtype): %s, caps 0x%x", ph_status_string(st), v);
  }
  if (ctx->status == PHC_PASS && supported == 0)
    phc_skip(ctx, "the device declares no op for any dtype");
}

void phc_register_device(phc_suite_t *s) {
  static const struct {
    const char *name;
    phc_run_fn run;
  } cases[] = {
      {"device.props", run_props},
      {"device.find", run_find},
      {"device.op_caps", run_op_caps},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
    phc_add_quick(s, cases[i].name, cases[i].run, 0, 0);
}
