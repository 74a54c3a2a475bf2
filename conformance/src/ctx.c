/* What a case reports (fail, skip, status checks) and how one case runs. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "suite.h"

static void phc_vset(phc_ctx_t *ctx, const char *fmt, va_list ap) {
  vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
}

void phc_fail(phc_ctx_t *ctx, const char *fmt, ...) {
  if (ctx->status == PHC_FAIL) return; /* the first failure explains best */
  ctx->status = PHC_FAIL;
  va_list ap;
  va_start(ap, fmt);
  phc_vset(ctx, fmt, ap);
  va_end(ap);
}

void phc_skip(phc_ctx_t *ctx, const char *fmt, ...) {
  if (ctx->status != PHC_PASS) return;
  ctx->status = PHC_SKIP;
  va_list ap;
  va_start(ap, fmt);
  phc_vset(ctx, fmt, ap);
  va_end(ap);
}

bool phc_ok(phc_ctx_t *ctx, ph_status_t st, const char *what) {
  if (st == PH_OK) return true;
  phc_fail(ctx, "%s: %s (%s)", what, ph_status_string(st), ph_last_error());
  return false;
}

bool phc_expect(phc_ctx_t *ctx, ph_status_t got, ph_status_t want, const char *what) {
  if (got != want) {
    phc_fail(ctx, "%s: expected %s, got %s (%s)", what, ph_status_string(want),
             ph_status_string(got), ph_last_error());
    return false;
  }
  if (want != PH_OK && ph_last_error()[0] == '\0') {
    phc_fail(ctx, "%s: %s without a message in ph_last_error()", what,
             ph_status_string(got));
    return false;
  }
  return true;
}

bool phc_require_op(phc_ctx_t *ctx, uint32_t op, uint32_t dtype, bool strided) {
  uint32_t caps = 0;
  if (!phc_ok(ctx, ph_device_op_caps(ctx->device, op, dtype, &caps), "ph_device_op_caps"))
    return false;
  if (!(caps & PH_OP_CAP_SUPPORTED)) {
    phc_skip(ctx, "device declares no %s support for %s", ph_op_name(op), ph_dtype_name(dtype));
    return false;
  }
  if (strided && !(caps & PH_OP_CAP_STRIDED)) {
    phc_skip(ctx, "device declares %s on %s for contiguous inputs only", ph_op_name(op),
             ph_dtype_name(dtype));
    return false;
  }
  return true;
}

static double phc_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void phc_run_case(const phc_case_t *c, ph_device_t *device, const ph_device_props_t *props,
                  uint64_t base_seed, uint32_t profile, phc_result_t *out) {
  phc_ctx_t ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.device = device;
  ctx.props = *props;
  ctx.profile = profile;
  ctx.seed = phc_case_seed(base_seed, c->name);
  phc_rng_seed(&ctx.rng, ctx.seed);
  ctx.status = PHC_PASS;
  double t0 = phc_now_ms();
  ph_status_t st = ph_stream_create(device, 0, &ctx.stream);
  if (phc_ok(&ctx, st, "ph_stream_create")) {
    c->run(&ctx, c);
    /* Work a case left running is waited for; its error counts. */
    ph_status_t sync = ph_stream_sync(ctx.stream);
    if (sync != PH_OK && ctx.status != PHC_FAIL)
      phc_fail(&ctx, "ph_stream_sync after the case: %s (%s)", ph_status_string(sync),
               ph_last_error());
    ph_stream_destroy(ctx.stream);
  }
  memset(out, 0, sizeof *out);
  out->test = c;
  out->status = ctx.status;
  memcpy(out->message, ctx.message, sizeof out->message);
  out->max_err = ctx.max_err;
  out->max_ratio = ctx.max_ratio;
  memcpy(out->tolerance, ctx.tolerance, sizeof out->tolerance);
  out->seed = ctx.seed;
  out->time_ms = phc_now_ms() - t0;
}

const char *phc_status_name(phc_status_t st) {
  static const char *const names[PHC_STATUS_COUNT_] = {"PASS",  "FAIL",  "SKIP",
                                                        "XFAIL", "XPASS", "UNTRUSTED"};
  return st < PHC_STATUS_COUNT_ ? names[st] : "?";
}
