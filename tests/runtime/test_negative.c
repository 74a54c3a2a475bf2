/*
 * Negative tests of the public API: every function, given NULL or invalid
 * arguments, returns the exact documented error status (never PH_OK, never
 * a crash), leaves a ph_last_error() message that names the function, and
 * the next successful call clears that message to "". Output parameters
 * are set to NULL/0 even on failure. _free(NULL)/_destroy(NULL) are no-ops.
 *
 * Codes follow plugin.h: INVALID_ARGUMENT for NULL or malformed arguments
 * and reserved flags, OUT_OF_RANGE for indices, offsets and sizes outside
 * a list or a buffer, UNSUPPORTED for what the device declines,
 * NOT_FOUND for selectors that name no device, INVALID_STATE for objects
 * in the wrong state.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "rt.h"

/* One negative case: |got| must equal |want|, the thread's message must
 * name |fn|, and a following successful call must clear the message. */
#define EXPECT_ERR(fn, call, want) expect_err(__LINE__, fn, #call, (call), want)
/* A no-op (NULL handle to _free/_destroy): PH_OK and an empty message. */
#define EXPECT_NOOP(call) expect_noop(__LINE__, #call, (call))

static void expect_err(int line, const char *fn, const char *what, ph_status_t got,
                       ph_status_t want) {
  char msg[1024];
  /* Copy first: the message is only valid until the next polyhal call. */
  const char *m = ph_last_error();
  snprintf(msg, sizeof msg, "%s", m ? m : "(NULL)");
  ++rt_checks;
  bool ok = true;
  if (got != want) {
    fprintf(stderr, "FAIL line %d: %s -> %s, want %s (message: \"%s\")\n", line, what,
            ph_status_string(got), ph_status_string(want), msg);
    ok = false;
  } else if (!m || msg[0] == '\0') {
    fprintf(stderr, "FAIL line %d: %s -> %s but ph_last_error() is empty\n", line, what,
            ph_status_string(got));
    ok = false;
  } else if (!strstr(msg, fn)) {
    fprintf(stderr, "FAIL line %d: %s: message \"%s\" does not name %s\n", line, what, msg,
            fn);
    ok = false;
  }
  size_t n = 0;
  ph_status_t s = ph_device_count(&n);
  const char *after = ph_last_error();
  if (s != PH_OK || !after || after[0] != '\0') {
    fprintf(stderr, "FAIL line %d: after %s, ph_device_count -> %s and ph_last_error() = "
            "\"%s\" (want PH_OK and \"\")\n", line, what, ph_status_string(s),
            after ? after : "(NULL)");
    ok = false;
  }
  if (!ok) ++rt_failures;
}

static void expect_noop(int line, const char *what, ph_status_t got) {
  const char *m = ph_last_error();
  ++rt_checks;
  if (got != PH_OK || !m || m[0] != '\0') {
    ++rt_failures;
    fprintf(stderr, "FAIL line %d: %s -> %s, message \"%s\" (want PH_OK and \"\")\n", line,
            what, ph_status_string(got), m ? m : "(NULL)");
  }
}

/* Leaves an error message behind, so the next check can see it cleared. */
static void dirty_error(void) { (void)ph_device_count(NULL); }

/*--- versions, errors, names -----------------------------------------------*/

static void test_versions_and_names(void) {
  RT_CHECK(ph_version() == PH_VERSION, "ph_version() = %u, header says %u", ph_version(),
           (unsigned)PH_VERSION);
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", PH_VERSION_MAJOR, PH_VERSION_MINOR,
           PH_VERSION_PATCH);
  const char *vs = ph_version_string();
  RT_CHECK(vs && !strcmp(vs, want), "ph_version_string() = \"%s\", want \"%s\"",
           vs ? vs : "(NULL)", want);
  RT_CHECK(ph_abi_version() == PH_PLUGIN_ABI_VERSION,
           "ph_abi_version() = %#x, header says %#x", ph_abi_version(),
           PH_PLUGIN_ABI_VERSION);

  /* Every known code has its own name; unknown codes still get a string. */
  for (int a = PH_OK; a <= PH_ERROR_INTERNAL; ++a) {
    const char *sa = ph_status_string((ph_status_t)a);
    RT_CHECK(sa && sa[0], "ph_status_string(%d) is NULL or empty", a);
    for (int b = PH_OK; sa && b < a; ++b) {
      const char *sb = ph_status_string((ph_status_t)b);
      RT_CHECK(!sb || strcmp(sa, sb), "codes %d and %d share the name %s", a, b, sa);
    }
  }
  RT_CHECK(!strcmp(ph_status_string(PH_OK), "PH_OK"), "name of PH_OK");
  RT_CHECK(!strcmp(ph_status_string(PH_ERROR_INVALID_ARGUMENT), "PH_ERROR_INVALID_ARGUMENT"),
           "name of PH_ERROR_INVALID_ARGUMENT");
  const int unknown[] = {11, 77, 12345, -1, 0x7fffffff};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; ++i) {
    const char *s = ph_status_string((ph_status_t)unknown[i]);
    RT_CHECK(s && s[0], "ph_status_string(%d) is NULL or empty", unknown[i]);
  }

  /* Sizes and names, including out-of-range codes. */
  RT_CHECK(ph_dtype_size(PH_DTYPE_F32) == 4 && ph_dtype_size(PH_DTYPE_F16) == 2 &&
               ph_dtype_size(PH_DTYPE_BF16) == 2 && ph_dtype_size(PH_DTYPE_I8) == 1 &&
               ph_dtype_size(PH_DTYPE_I32) == 4, "ph_dtype_size of a valid dtype");
  const uint32_t bad_dtypes[] = {PH_DTYPE_INVALID, PH_DTYPE_COUNT_, 99, UINT32_MAX};
  for (size_t i = 0; i < 4; ++i) {
    RT_CHECK(ph_dtype_size(bad_dtypes[i]) == 0, "ph_dtype_size(%u) = %zu, want 0",
             bad_dtypes[i], ph_dtype_size(bad_dtypes[i]));
    const char *n = ph_dtype_name(bad_dtypes[i]);
    RT_CHECK(n && !strcmp(n, "invalid"), "ph_dtype_name(%u) = \"%s\", want \"invalid\"",
             bad_dtypes[i], n ? n : "(NULL)");
  }
  RT_CHECK(!strcmp(ph_dtype_name(PH_DTYPE_F32), "f32") &&
               !strcmp(ph_dtype_name(PH_DTYPE_F16), "f16") &&
               !strcmp(ph_dtype_name(PH_DTYPE_BF16), "bf16") &&
               !strcmp(ph_dtype_name(PH_DTYPE_I8), "i8") &&
               !strcmp(ph_dtype_name(PH_DTYPE_I32), "i32"), "ph_dtype_name of valid dtypes");
  const uint32_t bad_ops[] = {PH_OP_INVALID, PH_OP_COUNT_, 1000, UINT32_MAX};
  for (size_t i = 0; i < 4; ++i) {
    const char *n = ph_op_name(bad_ops[i]);
    RT_CHECK(n && !strcmp(n, "invalid"), "ph_op_name(%u) = \"%s\", want \"invalid\"",
             bad_ops[i], n ? n : "(NULL)");
  }
  RT_CHECK(!strcmp(ph_op_name(PH_OP_MATMUL), "matmul") &&
               !strcmp(ph_op_name(PH_OP_CONV2D), "conv2d"), "ph_op_name of valid ops");
  for (uint32_t op = PH_OP_MATMUL; op < PH_OP_COUNT_; ++op) {
    const char *n = ph_op_name(op);
    RT_CHECK(n && n[0] && strcmp(n, "invalid"), "ph_op_name(%u) = \"%s\"", op,
             n ? n : "(NULL)");
  }
  RT_CHECK(!strcmp(ph_device_kind_name(PH_DEVICE_KIND_CPU), "cpu") &&
               !strcmp(ph_device_kind_name(PH_DEVICE_KIND_GPU), "gpu") &&
               !strcmp(ph_device_kind_name(PH_DEVICE_KIND_NPU), "npu") &&
               !strcmp(ph_device_kind_name(PH_DEVICE_KIND_FPGA), "fpga") &&
               !strcmp(ph_device_kind_name(PH_DEVICE_KIND_OTHER), "other"),
           "ph_device_kind_name of valid kinds");
  const char *k = ph_device_kind_name(99);
  RT_CHECK(k && !strcmp(k, "other"), "ph_device_kind_name(99) = \"%s\", want \"other\"",
           k ? k : "(NULL)");
}

/*--- plugins and devices ---------------------------------------------------*/

static void test_plugins(void) {
  EXPECT_ERR("ph_plugin_count", ph_plugin_count(NULL), PH_ERROR_INVALID_ARGUMENT);
  size_t count = 0;
  RT_OK(ph_plugin_count(&count));

  ph_plugin_info_t info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  EXPECT_ERR("ph_plugin_get_info", ph_plugin_get_info(0, NULL), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_plugin_get_info", ph_plugin_get_info(count, &info), PH_ERROR_OUT_OF_RANGE);
  info.struct_size = sizeof info;
  EXPECT_ERR("ph_plugin_get_info", ph_plugin_get_info(SIZE_MAX, &info),
             PH_ERROR_OUT_OF_RANGE);
  /* A caller that forgot struct_size is refused, not written past. */
  memset(&info, 0, sizeof info);
  EXPECT_ERR("ph_plugin_get_info", ph_plugin_get_info(0, &info), PH_ERROR_INVALID_ARGUMENT);
}

static void test_devices(ph_device_t *dev) {
  EXPECT_ERR("ph_device_count", ph_device_count(NULL), PH_ERROR_INVALID_ARGUMENT);
  size_t count = 0;
  RT_OK(ph_device_count(&count));

  ph_device_t *d = (ph_device_t *)&count; /* garbage the call must clear */
  EXPECT_ERR("ph_device_get", ph_device_get(count, &d), PH_ERROR_OUT_OF_RANGE);
  RT_CHECK(d == NULL, "ph_device_get out of range left *out_device set");
  EXPECT_ERR("ph_device_get", ph_device_get(SIZE_MAX, &d), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_device_get", ph_device_get(0, NULL), PH_ERROR_INVALID_ARGUMENT);

  d = (ph_device_t *)&count;
  EXPECT_ERR("ph_device_find", ph_device_find(NULL, &d), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(d == NULL, "ph_device_find(NULL) left *out_device set");
  EXPECT_ERR("ph_device_find", ph_device_find("", &d), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_device_find", ph_device_find("cpu", NULL), PH_ERROR_INVALID_ARGUMENT);
  const char *bad[] = {"no-such-plugin", "cpu:999999", "cpu:x", "cpu:", ":0", "cpu:0:0",
                       "cpu,cpu", " cpu"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    d = (ph_device_t *)&count;
    EXPECT_ERR("ph_device_find", ph_device_find(bad[i], &d), PH_ERROR_NOT_FOUND);
    RT_CHECK(d == NULL, "ph_device_find(\"%s\") left *out_device set", bad[i]);
  }

  ph_device_props_t props;
  memset(&props, 0, sizeof props);
  props.struct_size = sizeof props;
  EXPECT_ERR("ph_device_get_props", ph_device_get_props(NULL, &props),
             PH_ERROR_INVALID_ARGUMENT);
  uint32_t caps = 123;
  EXPECT_ERR("ph_device_op_caps", ph_device_op_caps(NULL, PH_OP_MATMUL, PH_DTYPE_F32, &caps),
             PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(caps == 0, "ph_device_op_caps failure left *out_caps = %u", caps);
  if (!dev) {
    rt_skip("device-level cases of ph_device_get_props/ph_device_op_caps (no device)");
    return;
  }
  EXPECT_ERR("ph_device_get_props", ph_device_get_props(dev, NULL), PH_ERROR_INVALID_ARGUMENT);
  props.struct_size = 0;
  EXPECT_ERR("ph_device_get_props", ph_device_get_props(dev, &props),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_device_op_caps", ph_device_op_caps(dev, PH_OP_MATMUL, PH_DTYPE_F32, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  caps = 123;
  EXPECT_ERR("ph_device_op_caps", ph_device_op_caps(dev, PH_OP_INVALID, PH_DTYPE_F32, &caps),
             PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(caps == 0, "ph_device_op_caps(op 0) left *out_caps = %u", caps);
  EXPECT_ERR("ph_device_op_caps", ph_device_op_caps(dev, PH_OP_COUNT_, PH_DTYPE_F32, &caps),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_device_op_caps", ph_device_op_caps(dev, PH_OP_MATMUL, PH_DTYPE_INVALID, &caps),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_device_op_caps", ph_device_op_caps(dev, PH_OP_MATMUL, PH_DTYPE_COUNT_, &caps),
             PH_ERROR_INVALID_ARGUMENT);
}

/*--- streams and events ----------------------------------------------------*/

static void test_streams(ph_device_t *dev) {
  ph_stream_t *s = (ph_stream_t *)&s;
  EXPECT_ERR("ph_stream_create", ph_stream_create(NULL, 0, &s), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(s == NULL, "ph_stream_create failure left *out_stream set");
  EXPECT_ERR("ph_stream_sync", ph_stream_sync(NULL), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_stream_query", ph_stream_query(NULL), PH_ERROR_INVALID_ARGUMENT);
  ph_device_t *d = (ph_device_t *)&d;
  EXPECT_ERR("ph_stream_get_device", ph_stream_get_device(NULL, &d), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(d == NULL, "ph_stream_get_device failure left *out_device set");
  dirty_error();
  EXPECT_NOOP(ph_stream_destroy(NULL));
  if (!dev) {
    rt_skip("device-level stream cases (no device)");
    return;
  }
  EXPECT_ERR("ph_stream_create", ph_stream_create(dev, 0, NULL), PH_ERROR_INVALID_ARGUMENT);
  s = (ph_stream_t *)&s;
  EXPECT_ERR("ph_stream_create", ph_stream_create(dev, 1, &s), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(s == NULL, "ph_stream_create(flags 1) left *out_stream set");
  EXPECT_ERR("ph_stream_create", ph_stream_create(dev, 0x80000000u, &s),
             PH_ERROR_INVALID_ARGUMENT);

  if (RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK) return;
  ph_event_t *e = NULL;
  if (RT_OK(ph_event_create(dev, 0, &e)) == PH_OK) {
    EXPECT_ERR("ph_stream_wait_event", ph_stream_wait_event(NULL, e), PH_ERROR_INVALID_ARGUMENT);
    EXPECT_ERR("ph_stream_wait_event", ph_stream_wait_event(s, NULL), PH_ERROR_INVALID_ARGUMENT);
  }
  EXPECT_ERR("ph_stream_get_device", ph_stream_get_device(s, NULL), PH_ERROR_INVALID_ARGUMENT);
  RT_OK(ph_stream_get_device(s, &d));
  RT_CHECK(d == dev, "ph_stream_get_device returned another device");
  ph_event_destroy(e);
  ph_stream_destroy(s);
}

static void test_events(ph_device_t *dev) {
  ph_event_t *e = (ph_event_t *)&e;
  EXPECT_ERR("ph_event_create", ph_event_create(NULL, 0, &e), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(e == NULL, "ph_event_create failure left *out_event set");
  EXPECT_ERR("ph_event_sync", ph_event_sync(NULL), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_event_query", ph_event_query(NULL), PH_ERROR_INVALID_ARGUMENT);
  float ms = 1.0f;
  EXPECT_ERR("ph_event_elapsed_ms", ph_event_elapsed_ms(NULL, NULL, &ms),
             PH_ERROR_INVALID_ARGUMENT);
  dirty_error();
  EXPECT_NOOP(ph_event_destroy(NULL));
  if (!dev) {
    rt_skip("device-level event cases (no device)");
    return;
  }
  EXPECT_ERR("ph_event_create", ph_event_create(dev, 0, NULL), PH_ERROR_INVALID_ARGUMENT);
  e = (ph_event_t *)&e;
  EXPECT_ERR("ph_event_create", ph_event_create(dev, 1, &e), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(e == NULL, "ph_event_create(flags 1) left *out_event set");

  ph_stream_t *s = NULL;
  ph_event_t *e2 = NULL;
  if (RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK) return;
  if (RT_OK(ph_event_create(dev, 0, &e)) != PH_OK ||
      RT_OK(ph_event_create(dev, 0, &e2)) != PH_OK) {
    ph_stream_destroy(s);
    return;
  }
  EXPECT_ERR("ph_event_record", ph_event_record(NULL, s), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_event_record", ph_event_record(e, NULL), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_event_elapsed_ms", ph_event_elapsed_ms(NULL, e2, &ms), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_event_elapsed_ms", ph_event_elapsed_ms(e, NULL, &ms), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_event_elapsed_ms", ph_event_elapsed_ms(e, e2, NULL), PH_ERROR_INVALID_ARGUMENT);

  ph_device_props_t props;
  memset(&props, 0, sizeof props);
  props.struct_size = sizeof props;
  RT_OK(ph_device_get_props(dev, &props));
  /* Never-recorded events have no time stamp (the cpu plugin calls that
   * INVALID_ARGUMENT; plugin.h leaves the code open); a device without
   * timers declines elapsed time altogether. */
  ph_status_t want = (props.flags & PH_DEVICE_TIMERS) ? PH_ERROR_INVALID_ARGUMENT
                                                       : PH_ERROR_UNSUPPORTED;
  ms = 1.0f;
  EXPECT_ERR("ph_event_elapsed_ms", ph_event_elapsed_ms(e, e2, &ms), want);
  RT_CHECK(ms == 0.0f, "ph_event_elapsed_ms failure left *out_ms = %g", (double)ms);
  if (props.flags & PH_DEVICE_TIMERS) {
    /* One side recorded, the other never. */
    if (RT_OK(ph_event_record(e, s)) == PH_OK && RT_OK(ph_event_sync(e)) == PH_OK) {
      EXPECT_ERR("ph_event_elapsed_ms", ph_event_elapsed_ms(e, e2, &ms), want);
      EXPECT_ERR("ph_event_elapsed_ms", ph_event_elapsed_ms(e2, e, &ms), want);
    }
  }
  ph_event_destroy(e);
  ph_event_destroy(e2);
  ph_stream_destroy(s);
}

/*--- buffers ---------------------------------------------------------------*/

static void test_buffers(ph_device_t *dev) {
  ph_buffer_t *b = (ph_buffer_t *)&b;
  EXPECT_ERR("ph_buffer_alloc", ph_buffer_alloc(NULL, 64, 0, &b), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(b == NULL, "ph_buffer_alloc failure left *out_buffer set");
  uint64_t size = 7;
  EXPECT_ERR("ph_buffer_get_size", ph_buffer_get_size(NULL, &size), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(size == 0, "ph_buffer_get_size failure left *out_size = %" PRIu64, size);
  ph_device_t *d = (ph_device_t *)&d;
  EXPECT_ERR("ph_buffer_get_device", ph_buffer_get_device(NULL, &d), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(d == NULL, "ph_buffer_get_device failure left *out_device set");
  void *p = &p;
  EXPECT_ERR("ph_buffer_map", ph_buffer_map(NULL, &p), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(p == NULL, "ph_buffer_map failure left *out_ptr set");
  EXPECT_ERR("ph_buffer_unmap", ph_buffer_unmap(NULL), PH_ERROR_INVALID_ARGUMENT);
  dirty_error();
  EXPECT_NOOP(ph_buffer_free(NULL));
  if (!dev) {
    rt_skip("device-level buffer cases (no device)");
    return;
  }
  ph_device_props_t props;
  memset(&props, 0, sizeof props);
  props.struct_size = sizeof props;
  RT_OK(ph_device_get_props(dev, &props));

  b = (ph_buffer_t *)&b;
  EXPECT_ERR("ph_buffer_alloc", ph_buffer_alloc(dev, 0, 0, &b), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(b == NULL, "ph_buffer_alloc(size 0) left *out_buffer set");
  EXPECT_ERR("ph_buffer_alloc", ph_buffer_alloc(dev, 64, 0, NULL), PH_ERROR_INVALID_ARGUMENT);
  /* A kind no device offers (bits only grow: a newer caller's kind is
   * declined, not malformed), or several kinds at once. */
  EXPECT_ERR("ph_buffer_alloc", ph_buffer_alloc(dev, 64, 1u << 7, &b), PH_ERROR_UNSUPPORTED);
  EXPECT_ERR("ph_buffer_alloc",
             ph_buffer_alloc(dev, 64, PH_MEM_DEVICE | PH_MEM_HOST_VISIBLE, &b),
             PH_ERROR_UNSUPPORTED);
  /* A real kind a device does not list (on any device that lacks one). */
  const uint32_t kinds[] = {PH_MEM_HOST_VISIBLE, PH_MEM_UNIFIED};
  bool tried_missing = false;
  size_t ndev = 0;
  RT_OK(ph_device_count(&ndev));
  for (size_t di = 0; di < ndev; ++di) {
    ph_device_t *other = NULL;
    ph_device_props_t op;
    memset(&op, 0, sizeof op);
    op.struct_size = sizeof op;
    if (RT_OK(ph_device_get(di, &other)) != PH_OK ||
        RT_OK(ph_device_get_props(other, &op)) != PH_OK)
      continue;
    for (size_t i = 0; i < 2; ++i) {
      if (op.mem_kinds & kinds[i]) continue;
      tried_missing = true;
      EXPECT_ERR("ph_buffer_alloc", ph_buffer_alloc(other, 64, kinds[i], &b),
                 PH_ERROR_UNSUPPORTED);
    }
  }
  if (!tried_missing) rt_skip("alloc of a mem_kind a device lacks (every device lists all)");
  /* Larger than the device's declared single-allocation limit. */
  if (props.max_alloc_bytes > 0 && props.max_alloc_bytes < UINT64_MAX)
    EXPECT_ERR("ph_buffer_alloc", ph_buffer_alloc(dev, props.max_alloc_bytes + 1, 0, &b),
               PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_alloc", ph_buffer_alloc(dev, UINT64_MAX, 0, &b), PH_ERROR_OUT_OF_RANGE);

  const uint64_t n = 256;
  ph_buffer_t *buf = NULL, *buf2 = NULL;
  ph_stream_t *s = NULL;
  if (RT_OK(ph_buffer_alloc(dev, n, 0, &buf)) != PH_OK) return;
  if (RT_OK(ph_buffer_alloc(dev, n, 0, &buf2)) != PH_OK ||
      RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK) {
    ph_buffer_free(buf);
    ph_buffer_free(buf2);
    return;
  }
  EXPECT_ERR("ph_buffer_get_size", ph_buffer_get_size(buf, NULL), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_get_device", ph_buffer_get_device(buf, NULL), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_map", ph_buffer_map(buf, NULL), PH_ERROR_INVALID_ARGUMENT);
  /* PH_MEM_DEVICE memory is not host-visible, even on a device whose
   * device memory happens to be host memory. */
  p = &p;
  EXPECT_ERR("ph_buffer_map", ph_buffer_map(buf, &p), PH_ERROR_UNSUPPORTED);
  RT_CHECK(p == NULL, "ph_buffer_map of device memory left *out_ptr set");
  EXPECT_ERR("ph_buffer_unmap", ph_buffer_unmap(buf), PH_ERROR_INVALID_STATE);
  if (props.mem_kinds & PH_MEM_HOST_VISIBLE) {
    ph_buffer_t *hv = NULL;
    if (RT_OK(ph_buffer_alloc(dev, n, PH_MEM_HOST_VISIBLE, &hv)) == PH_OK) {
      EXPECT_ERR("ph_buffer_unmap", ph_buffer_unmap(hv), PH_ERROR_INVALID_STATE);
      if (RT_OK(ph_buffer_map(hv, &p)) == PH_OK) {
        void *p2 = &p2;
        EXPECT_ERR("ph_buffer_map", ph_buffer_map(hv, &p2), PH_ERROR_INVALID_STATE);
        RT_OK(ph_buffer_unmap(hv));
        EXPECT_ERR("ph_buffer_unmap", ph_buffer_unmap(hv), PH_ERROR_INVALID_STATE);
      }
      ph_buffer_free(hv);
    }
  } else {
    rt_skip("map twice / unmap twice (no PH_MEM_HOST_VISIBLE)");
  }

  uint8_t host[512];
  memset(host, 0, sizeof host);
  /* write */
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(NULL, buf, 0, host, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(s, NULL, 0, host, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(s, buf, 0, NULL, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(s, buf, 0, host, n + 1), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(s, buf, n, host, 1), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(s, buf, 1, host, n), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(s, buf, UINT64_MAX, host, 2), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(s, buf, UINT64_MAX - 7, host, 16),
             PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_write", ph_buffer_write(s, buf, 8, host, UINT64_MAX - 4),
             PH_ERROR_OUT_OF_RANGE);
  /* read */
  EXPECT_ERR("ph_buffer_read", ph_buffer_read(NULL, host, buf, 0, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_read", ph_buffer_read(s, NULL, buf, 0, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_read", ph_buffer_read(s, host, NULL, 0, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_read", ph_buffer_read(s, host, buf, 0, n + 1), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_read", ph_buffer_read(s, host, buf, n - 3, 4), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_read", ph_buffer_read(s, host, buf, UINT64_MAX - 1, 4),
             PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_read", ph_buffer_read(s, host, buf, 4, UINT64_MAX), PH_ERROR_OUT_OF_RANGE);
  /* copy */
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(NULL, buf2, 0, buf, 0, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(s, NULL, 0, buf, 0, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(s, buf2, 0, NULL, 0, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(s, buf2, 0, buf, 0, n + 1), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(s, buf2, 1, buf, 0, n), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(s, buf2, 0, buf, 1, n), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(s, buf2, UINT64_MAX - 3, buf, 0, 8),
             PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(s, buf2, 0, buf, UINT64_MAX - 3, 8),
             PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(s, buf2, 16, buf, 16, UINT64_MAX - 8),
             PH_ERROR_OUT_OF_RANGE);
  /* fill */
  EXPECT_ERR("ph_buffer_fill", ph_buffer_fill(NULL, buf, 0, 1, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_fill", ph_buffer_fill(s, NULL, 0, 1, 8), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_buffer_fill", ph_buffer_fill(s, buf, 0, 1, n + 1), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_fill", ph_buffer_fill(s, buf, n, 1, 1), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_fill", ph_buffer_fill(s, buf, UINT64_MAX, 1, 1), PH_ERROR_OUT_OF_RANGE);
  EXPECT_ERR("ph_buffer_fill", ph_buffer_fill(s, buf, 2, 1, UINT64_MAX - 1), PH_ERROR_OUT_OF_RANGE);

  /* None of the refused calls may have touched the buffer: it still holds
   * what one valid fill wrote. */
  uint8_t want[256], got[256];
  memset(want, 0x5a, sizeof want);
  memset(got, 0, sizeof got);
  RT_OK(ph_buffer_fill(s, buf, 0, 0x5a, n));
  RT_OK(ph_buffer_read(s, got, buf, 0, n));
  RT_OK(ph_stream_sync(s));
  RT_CHECK(rt_first_diff(want, got, sizeof got) < 0, "buffer changed by a refused call");

  ph_stream_destroy(s);
  ph_buffer_free(buf);
  ph_buffer_free(buf2);
}

/* Handles of two different devices must not mix. */
static void test_cross_device(ph_device_t *a, ph_device_t *b) {
  if (!a || !b) {
    rt_skip("stream/buffer/event of different devices (fewer than two devices)");
    return;
  }
  ph_stream_t *sa = NULL, *sb = NULL;
  ph_buffer_t *ba = NULL, *bb = NULL;
  ph_event_t *eb = NULL;
  uint8_t host[16] = {0};
  if (RT_OK(ph_stream_create(a, 0, &sa)) == PH_OK &&
      RT_OK(ph_stream_create(b, 0, &sb)) == PH_OK &&
      RT_OK(ph_buffer_alloc(a, 16, 0, &ba)) == PH_OK &&
      RT_OK(ph_buffer_alloc(b, 16, 0, &bb)) == PH_OK &&
      RT_OK(ph_event_create(b, 0, &eb)) == PH_OK) {
    EXPECT_ERR("ph_buffer_write", ph_buffer_write(sa, bb, 0, host, 16), PH_ERROR_INVALID_ARGUMENT);
    EXPECT_ERR("ph_buffer_read", ph_buffer_read(sa, host, bb, 0, 16), PH_ERROR_INVALID_ARGUMENT);
    EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(sa, ba, 0, bb, 0, 16), PH_ERROR_INVALID_ARGUMENT);
    EXPECT_ERR("ph_buffer_copy", ph_buffer_copy(sa, bb, 0, ba, 0, 16), PH_ERROR_INVALID_ARGUMENT);
    EXPECT_ERR("ph_buffer_fill", ph_buffer_fill(sa, bb, 0, 0, 16), PH_ERROR_INVALID_ARGUMENT);
    EXPECT_ERR("ph_event_record", ph_event_record(eb, sa), PH_ERROR_INVALID_ARGUMENT);
    EXPECT_ERR("ph_stream_wait_event", ph_stream_wait_event(sa, eb), PH_ERROR_INVALID_ARGUMENT);
    ph_event_t *ea = NULL;
    if (RT_OK(ph_event_create(a, 0, &ea)) == PH_OK) {
      float ms = 0;
      EXPECT_ERR("ph_event_elapsed_ms", ph_event_elapsed_ms(ea, eb, &ms),
                 PH_ERROR_INVALID_ARGUMENT);
      ph_event_destroy(ea);
    }
  }
  ph_event_destroy(eb);
  ph_buffer_free(ba);
  ph_buffer_free(bb);
  ph_stream_destroy(sa);
  ph_stream_destroy(sb);
}

/*--- tensors ---------------------------------------------------------------*/

static void test_tensors(ph_device_t *dev) {
  ph_tensor_t t;
  const int64_t shape[PH_MAX_RANK + 1] = {2, 3, 1, 1, 1, 1, 1, 1, 1};
  int64_t numel = 5;
  EXPECT_ERR("ph_tensor_numel", ph_tensor_numel(NULL, &numel), PH_ERROR_INVALID_ARGUMENT);
  RT_CHECK(numel == 0, "ph_tensor_numel failure left *out_numel = %" PRId64, numel);
  EXPECT_ERR("ph_tensor_init", ph_tensor_init(NULL, NULL, 0, PH_DTYPE_F32, 2, shape),
             PH_ERROR_INVALID_ARGUMENT);
  if (!dev) {
    rt_skip("ph_tensor_init cases that need a buffer (no device)");
    return;
  }
  ph_buffer_t *buf = NULL;
  if (RT_OK(ph_buffer_alloc(dev, 4096, 0, &buf)) != PH_OK) return;
  EXPECT_ERR("ph_tensor_init", ph_tensor_init(&t, buf, 0, PH_DTYPE_F32, PH_MAX_RANK + 1, shape),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_tensor_init", ph_tensor_init(&t, buf, 0, PH_DTYPE_F32, 2, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  const int64_t neg[2] = {2, -3};
  EXPECT_ERR("ph_tensor_init", ph_tensor_init(&t, buf, 0, PH_DTYPE_F32, 2, neg),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_tensor_init", ph_tensor_init(&t, buf, 0, PH_DTYPE_INVALID, 2, shape),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_tensor_init", ph_tensor_init(&t, buf, 0, PH_DTYPE_COUNT_, 2, shape),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_tensor_init", ph_tensor_init(&t, NULL, 0, PH_DTYPE_F32, 2, shape),
             PH_ERROR_INVALID_ARGUMENT);
  /* ph_tensor_init does not promise a bounds check against the buffer
   * (ops check every element at launch), so none is tested here. */
  /* A shape whose element count overflows int64. */
  const int64_t huge[3] = {INT64_MAX / 2, 4, 4};
  EXPECT_ERR("ph_tensor_init", ph_tensor_init(&t, buf, 0, PH_DTYPE_F32, 3, huge),
             PH_ERROR_OUT_OF_RANGE);
  if (RT_OK(ph_tensor_init(&t, buf, 0, PH_DTYPE_F32, 2, shape)) == PH_OK) {
    EXPECT_ERR("ph_tensor_numel", ph_tensor_numel(&t, NULL), PH_ERROR_INVALID_ARGUMENT);
    RT_OK(ph_tensor_numel(&t, &numel));
    RT_CHECK(numel == 6, "numel of [2,3] = %" PRId64, numel);
    RT_CHECK(t.rank == 2 && t.shape[0] == 2 && t.shape[1] == 3 && t.strides[0] == 3 &&
                 t.strides[1] == 1 && t.buffer == buf && t.offset == 0 &&
                 t.dtype == PH_DTYPE_F32, "ph_tensor_init did not build a dense [2,3] view");
    /* A tensor whose rank was corrupted after init is refused. */
    t.rank = PH_MAX_RANK + 1;
    EXPECT_ERR("ph_tensor_numel", ph_tensor_numel(&t, &numel), PH_ERROR_INVALID_ARGUMENT);
  }
  /* Rank 0 needs no shape: a scalar. */
  if (RT_OK(ph_tensor_init(&t, buf, 0, PH_DTYPE_F32, 0, NULL)) == PH_OK) {
    RT_OK(ph_tensor_numel(&t, &numel));
    RT_CHECK(numel == 1, "numel of a scalar = %" PRId64, numel);
  }
  ph_buffer_free(buf);
}

/*--- operators -------------------------------------------------------------*/

/* A dense view of |buf| at |offset| (the test's buffer is large enough for
 * every valid case). */
static ph_tensor_t view(ph_buffer_t *buf, uint64_t offset, uint32_t dtype, uint32_t rank,
                        int64_t d0, int64_t d1, int64_t d2, int64_t d3) {
  const int64_t shape[4] = {d0, d1, d2, d3};
  ph_tensor_t t;
  RT_OK(ph_tensor_init(&t, buf, offset, dtype, rank, shape));
  return t;
}

/* Each op: one valid call (so the failures below come from the one bad
 * argument), then NULL and malformed arguments. */
static void test_ops(ph_device_t *dev) {
  if (!dev) {
    rt_skip("ph_op_* cases (no device)");
    return;
  }
  ph_stream_t *s = NULL;
  ph_buffer_t *buf = NULL, *small = NULL;
  const uint64_t MB = 1u << 20;
  if (RT_OK(ph_stream_create(dev, 0, &s)) != PH_OK) return;
  if (RT_OK(ph_buffer_alloc(dev, MB, 0, &buf)) != PH_OK ||
      RT_OK(ph_buffer_alloc(dev, 16, 0, &small)) != PH_OK)
    goto done;
  RT_OK(ph_buffer_fill(s, buf, 0, 0, MB)); /* zeros: valid f32 and i32 */
  const uint32_t F = PH_DTYPE_F32;
  /* Disjoint regions: inputs at 0 and 64 KiB, outputs from 512 KiB. */
  const uint64_t IN0 = 0, IN1 = 65536, IN2 = 131072, OUT = 524288;

  /* matmul [2,3] x [3,4] -> [2,4] */
  ph_tensor_t a = view(buf, IN0, F, 2, 2, 3, 0, 0), b = view(buf, IN1, F, 2, 3, 4, 0, 0);
  ph_tensor_t y = view(buf, OUT, F, 2, 2, 4, 0, 0);
  RT_OK(ph_op_matmul(s, &a, &b, NULL, NULL, &y, NULL));
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(NULL, &a, &b, NULL, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, NULL, &b, NULL, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &a, &b, NULL, NULL, NULL, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  ph_tensor_t bad = view(buf, IN1, F, 2, 4, 4, 0, 0); /* K 4 != 3 */
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &a, &bad, NULL, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, OUT, F, 2, 2, 5, 0, 0); /* y must be [2,4] */
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &a, &b, NULL, NULL, &bad, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, IN1, PH_DTYPE_I32, 2, 3, 4, 0, 0); /* f32 . i32 */
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &a, &bad, NULL, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  ph_matmul_attrs_t mat = ph_matmul_attrs_default();
  mat.beta = 1.0f; /* reads c, which is NULL */
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &a, &b, NULL, NULL, &y, &mat),
             PH_ERROR_INVALID_ARGUMENT);
  /* Elements outside the buffer: a view of a 16-byte buffer. */
  bad = a;
  bad.buffer = small;
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &bad, &b, NULL, NULL, &y, NULL),
             PH_ERROR_OUT_OF_RANGE);
  bad = a;
  bad.offset = UINT64_MAX - 7;
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &bad, &b, NULL, NULL, &y, NULL),
             PH_ERROR_OUT_OF_RANGE);
  bad = a;
  bad.rank = PH_MAX_RANK + 1;
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &bad, &b, NULL, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  bad = a;
  bad.buffer = NULL;
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &bad, &b, NULL, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  bad = y; /* outputs must be dense */
  bad.strides[0] = 8;
  EXPECT_ERR("ph_op_matmul", ph_op_matmul(s, &a, &b, NULL, NULL, &bad, NULL),
             PH_ERROR_INVALID_ARGUMENT);

  /* conv2d NCHW x [1,2,5,5], w [3,2,3,3] -> y [1,3,3,3] */
  ph_tensor_t x = view(buf, IN0, F, 4, 1, 2, 5, 5), w = view(buf, IN1, F, 4, 3, 2, 3, 3);
  y = view(buf, OUT, F, 4, 1, 3, 3, 3);
  RT_OK(ph_op_conv2d(s, &x, &w, NULL, &y, NULL));
  EXPECT_ERR("ph_op_conv2d", ph_op_conv2d(NULL, &x, &w, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_conv2d", ph_op_conv2d(s, &x, NULL, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, IN1, F, 4, 3, 4, 3, 3); /* 4 input channels, x has 2 */
  EXPECT_ERR("ph_op_conv2d", ph_op_conv2d(s, &x, &bad, NULL, &y, NULL),
             PH_ERROR_INVALID_ARGUMENT);
  ph_conv2d_attrs_t cat = ph_conv2d_attrs_default();
  cat.stride[0] = 0;
  EXPECT_ERR("ph_op_conv2d", ph_op_conv2d(s, &x, &w, NULL, &y, &cat), PH_ERROR_INVALID_ARGUMENT);
  cat = ph_conv2d_attrs_default();
  cat.groups = 3; /* does not divide 2 channels */
  EXPECT_ERR("ph_op_conv2d", ph_op_conv2d(s, &x, &w, NULL, &y, &cat), PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, OUT, F, 4, 1, 3, 4, 4); /* y must be [1,3,3,3] */
  EXPECT_ERR("ph_op_conv2d", ph_op_conv2d(s, &x, &w, NULL, &bad, NULL), PH_ERROR_INVALID_ARGUMENT);

  /* pool2d 2x2 on [1,2,4,4] -> [1,2,2,2] */
  x = view(buf, IN0, F, 4, 1, 2, 4, 4);
  y = view(buf, OUT, F, 4, 1, 2, 2, 2);
  ph_pool2d_attrs_t pat = ph_pool2d_attrs_default(PH_POOL_MAX, 2, 2);
  RT_OK(ph_op_pool2d(s, &x, &y, &pat));
  EXPECT_ERR("ph_op_pool2d", ph_op_pool2d(NULL, &x, &y, &pat), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_pool2d", ph_op_pool2d(s, &x, &y, NULL), PH_ERROR_INVALID_ARGUMENT);
  pat.kernel[1] = 0;
  EXPECT_ERR("ph_op_pool2d", ph_op_pool2d(s, &x, &y, &pat), PH_ERROR_INVALID_ARGUMENT);
  pat = ph_pool2d_attrs_default(7, 2, 2); /* no such mode */
  EXPECT_ERR("ph_op_pool2d", ph_op_pool2d(s, &x, &y, &pat), PH_ERROR_INVALID_ARGUMENT);

  /* unary and binary on [3,4] */
  x = view(buf, IN0, F, 2, 3, 4, 0, 0);
  ph_tensor_t x2 = view(buf, IN1, F, 2, 3, 4, 0, 0);
  y = view(buf, OUT, F, 2, 3, 4, 0, 0);
  RT_OK(ph_op_unary(s, PH_UNARY_RELU, &x, &y));
  EXPECT_ERR("ph_op_unary", ph_op_unary(NULL, PH_UNARY_RELU, &x, &y), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_unary", ph_op_unary(s, PH_UNARY_RELU, NULL, &y), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_unary", ph_op_unary(s, PH_UNARY_COUNT_, &x, &y), PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, OUT, F, 2, 4, 3, 0, 0);
  EXPECT_ERR("ph_op_unary", ph_op_unary(s, PH_UNARY_RELU, &x, &bad), PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, IN0, PH_DTYPE_I32, 2, 3, 4, 0, 0); /* float only */
  ph_tensor_t ybad = view(buf, OUT, PH_DTYPE_I32, 2, 3, 4, 0, 0);
  EXPECT_ERR("ph_op_unary", ph_op_unary(s, PH_UNARY_RELU, &bad, &ybad), PH_ERROR_INVALID_ARGUMENT);
  RT_OK(ph_op_binary(s, PH_BINARY_ADD, &x, &x2, &y));
  EXPECT_ERR("ph_op_binary", ph_op_binary(NULL, PH_BINARY_ADD, &x, &x2, &y),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_binary", ph_op_binary(s, PH_BINARY_COUNT_, &x, &x2, &y),
             PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, IN1, F, 2, 3, 5, 0, 0); /* [3,4] and [3,5] do not broadcast */
  EXPECT_ERR("ph_op_binary", ph_op_binary(s, PH_BINARY_ADD, &x, &bad, &y),
             PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, OUT, F, 2, 1, 4, 0, 0); /* y must be the broadcast, [3,4] */
  EXPECT_ERR("ph_op_binary", ph_op_binary(s, PH_BINARY_ADD, &x, &x2, &bad),
             PH_ERROR_INVALID_ARGUMENT);

  /* softmax, norms, reduce on [3,4] */
  RT_OK(ph_op_softmax(s, &x, &y, -1, 0));
  EXPECT_ERR("ph_op_softmax", ph_op_softmax(NULL, &x, &y, 1, 0), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_softmax", ph_op_softmax(s, &x, &y, 2, 0), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_softmax", ph_op_softmax(s, &x, &y, -3, 0), PH_ERROR_INVALID_ARGUMENT);
  ph_tensor_t sc = view(buf, IN1, F, 1, 4, 0, 0, 0), bi = view(buf, IN2, F, 1, 4, 0, 0, 0);
  RT_OK(ph_op_layernorm(s, &x, &sc, &bi, &y, 1, 1e-5f));
  EXPECT_ERR("ph_op_layernorm", ph_op_layernorm(NULL, &x, &sc, &bi, &y, 1, 1e-5f),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_layernorm", ph_op_layernorm(s, &x, &sc, &bi, &y, 1, -1.0f),
             PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, IN1, F, 1, 3, 0, 0, 0); /* scale must be x.shape[1:] = [4] */
  EXPECT_ERR("ph_op_layernorm", ph_op_layernorm(s, &x, &bad, &bi, &y, 1, 1e-5f),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_layernorm", ph_op_layernorm(s, &x, &sc, &bi, &y, 2, 1e-5f),
             PH_ERROR_INVALID_ARGUMENT);
  RT_OK(ph_op_rmsnorm(s, &x, &sc, &y, 1, 1e-5f));
  EXPECT_ERR("ph_op_rmsnorm", ph_op_rmsnorm(NULL, &x, &sc, &y, 1, 1e-5f),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_rmsnorm", ph_op_rmsnorm(s, &x, &bad, &y, 1, 1e-5f),
             PH_ERROR_INVALID_ARGUMENT);
  ph_tensor_t r = view(buf, OUT, F, 1, 3, 0, 0, 0);
  RT_OK(ph_op_reduce(s, PH_REDUCE_SUM, &x, &r, 1u << 1, 0));
  EXPECT_ERR("ph_op_reduce", ph_op_reduce(NULL, PH_REDUCE_SUM, &x, &r, 1u << 1, 0),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_reduce", ph_op_reduce(s, PH_REDUCE_COUNT_, &x, &r, 1u << 1, 0),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_reduce", ph_op_reduce(s, PH_REDUCE_SUM, &x, &r, 0, 0),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_reduce", ph_op_reduce(s, PH_REDUCE_SUM, &x, &r, 1u << 2, 0),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_reduce", ph_op_reduce(s, PH_REDUCE_SUM, &x, &r, 1u << 1, 1),
             PH_ERROR_INVALID_ARGUMENT); /* keepdims wants [3,1] */

  /* transpose [3,4] -> [4,3] */
  ph_tensor_t yt = view(buf, OUT, F, 2, 4, 3, 0, 0);
  const int32_t perm[2] = {1, 0}, dup[2] = {0, 0};
  RT_OK(ph_op_transpose(s, &x, &yt, perm));
  EXPECT_ERR("ph_op_transpose", ph_op_transpose(NULL, &x, &yt, perm), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_transpose", ph_op_transpose(s, &x, &yt, NULL), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_transpose", ph_op_transpose(s, &x, &yt, dup), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_transpose", ph_op_transpose(s, &x, &y, perm), PH_ERROR_INVALID_ARGUMENT);

  /* concat [3,4] + [3,4] on axis 0 -> [6,4] */
  const ph_tensor_t *xs[2] = {&x, &x2};
  ph_tensor_t yc = view(buf, OUT, F, 2, 6, 4, 0, 0);
  RT_OK(ph_op_concat(s, xs, 2, &yc, 0));
  EXPECT_ERR("ph_op_concat", ph_op_concat(NULL, xs, 2, &yc, 0), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_concat", ph_op_concat(s, NULL, 2, &yc, 0), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_concat", ph_op_concat(s, xs, 0, &yc, 0), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_concat", ph_op_concat(s, xs, 2, &yc, 1), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_concat", ph_op_concat(s, xs, 2, &yc, 2), PH_ERROR_INVALID_ARGUMENT);

  /* gather rows: table [3,4], indices i32 [2] -> [2,4] (zeros: index 0) */
  ph_tensor_t idx = view(buf, IN2, PH_DTYPE_I32, 1, 2, 0, 0, 0);
  ph_tensor_t yg = view(buf, OUT, F, 2, 2, 4, 0, 0);
  RT_OK(ph_op_gather(s, &x, &idx, &yg, 0));
  EXPECT_ERR("ph_op_gather", ph_op_gather(NULL, &x, &idx, &yg, 0), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_gather", ph_op_gather(s, &x, &x2, &yg, 0), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_gather", ph_op_gather(s, &x, &idx, &yg, 2), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_gather", ph_op_gather(s, &x, &idx, &y, 0), PH_ERROR_INVALID_ARGUMENT);

  /* cast f32 [3,4] -> i32 [3,4] */
  ph_tensor_t yi = view(buf, OUT, PH_DTYPE_I32, 2, 3, 4, 0, 0);
  RT_OK(ph_op_cast(s, &x, &yi));
  EXPECT_ERR("ph_op_cast", ph_op_cast(NULL, &x, &yi), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_cast", ph_op_cast(s, NULL, &yi), PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_cast", ph_op_cast(s, &x, &yc), PH_ERROR_INVALID_ARGUMENT);

  /* attention q [1,1,2,4], k/v [1,1,3,4] -> y [1,1,2,4] */
  ph_tensor_t q = view(buf, IN0, F, 4, 1, 1, 2, 4), k = view(buf, IN1, F, 4, 1, 1, 3, 4);
  ph_tensor_t v = view(buf, IN2, F, 4, 1, 1, 3, 4), ya = view(buf, OUT, F, 4, 1, 1, 2, 4);
  RT_OK(ph_op_attention(s, &q, &k, &v, NULL, &ya, 0.5f, 0));
  EXPECT_ERR("ph_op_attention", ph_op_attention(NULL, &q, &k, &v, NULL, &ya, 0.5f, 0),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_attention", ph_op_attention(s, &q, NULL, &v, NULL, &ya, 0.5f, 0),
             PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, IN1, F, 4, 1, 1, 3, 5); /* head dim 5 != 4 */
  EXPECT_ERR("ph_op_attention", ph_op_attention(s, &q, &bad, &v, NULL, &ya, 0.5f, 0),
             PH_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR("ph_op_attention", ph_op_attention(s, &q, &k, &v, NULL, &ya, INFINITY, 0),
             PH_ERROR_INVALID_ARGUMENT);
  bad = view(buf, OUT, F, 4, 1, 1, 3, 4); /* y must be [1,1,2,4] */
  EXPECT_ERR("ph_op_attention", ph_op_attention(s, &q, &k, &v, NULL, &bad, 0.5f, 0),
             PH_ERROR_INVALID_ARGUMENT);

  RT_OK(ph_stream_sync(s)); /* the valid calls above ran without error */
done:
  ph_stream_destroy(s);
  ph_buffer_free(buf);
  ph_buffer_free(small);
}

int main(void) {
  uint64_t seed = rt_seed_from_env(1);
  (void)seed;
  size_t count = 0;
  ph_device_t *dev = NULL, *other = NULL;
  RT_OK(ph_device_count(&count));
  if (count > 0) RT_OK(ph_device_get(0, &dev));
  if (count > 1) RT_OK(ph_device_get(1, &other));
  if (!dev) rt_skip("every device-level case: no device found (see ph-info)");

  test_versions_and_names();
  test_plugins();
  test_devices(dev);
  test_streams(dev);
  test_events(dev);
  test_buffers(dev);
  test_cross_device(dev, other);
  test_tensors(dev);
  test_ops(dev);
  return rt_finish("test_negative");
}
