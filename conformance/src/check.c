/* Comparing a device's output with the fp64 reference under a tolerance. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

static void phc_tol_text(phc_tol_t tol, char *buf, size_t n) {
  if (tol.ulps == 0 && tol.rel == 0 && tol.abs == 0 && tol.scale_rel == 0) {
    snprintf(buf, n, "%s: exact", tol.source ? tol.source : "?");
    return;
  }
  snprintf(buf, n, "%s: %gulp+%grel+%gabs+%gscale", tol.source ? tol.source : "?", tol.ulps,
           tol.rel, tol.abs, tol.scale_rel);
}

/* True when |g| is an acceptable result for |r|; sets *err and *allowed. */
static bool phc_match(uint32_t dtype, double g, double r, double scale, phc_tol_t tol,
                      double *err, double *allowed) {
  *err = 0;
  *allowed = 0;
  if (isnan(r)) return isnan(g);
  if (isinf(r)) return g == r;
  if (isnan(g) || isinf(g)) {
    *err = INFINITY;
    return false;
  }
  *err = fabs(g - r);
  *allowed = tol.ulps * phc_ulp(dtype, r) + tol.rel * fabs(r) + tol.abs + tol.scale_rel * scale;
  /* OpenCL (and most accelerators) may flush f32 denormals to zero; bf16
   * shares f32's exponent range. Exact classes get no such allowance. */
  bool exact = tol.ulps == 0 && tol.rel == 0 && tol.abs == 0 && tol.scale_rel == 0;
  if (!exact && (dtype == PH_DTYPE_F32 || dtype == PH_DTYPE_BF16)) *allowed += 0x1p-126;
  return *err <= *allowed;
}

bool phc_check(phc_ctx_t *ctx, const char *what, uint32_t dtype, const double *got,
               const double *ref, const double *scale, int64_t n, phc_tol_t tol) {
  if (tol.scale_rel > 0 && scale == NULL) {
    phc_fail(ctx, "suite bug: %s: tolerance %s needs a scale array", what,
             tol.source ? tol.source : "?");
    return false;
  }
  ++ctx->checks;
  int64_t bad = 0, zeros = 0;
  double worst_ratio = 0, worst_err = 0;
  char first[3][160];
  for (int64_t i = 0; i < n; ++i) {
    double err, allowed;
    bool ok = phc_match(dtype, got[i], ref[i], scale ? scale[i] : 0, tol, &err, &allowed);
    if (ref[i] == 0) ++zeros;
    if (isfinite(err) && err > worst_err) worst_err = err;
    double ratio = ok ? (allowed > 0 ? err / allowed : 0) : (allowed > 0 ? err / allowed : INFINITY);
    if (ratio > worst_ratio) worst_ratio = ratio;
    if (!ok) {
      if (bad < 3)
        snprintf(first[bad], sizeof first[bad], "[%lld] got %.9g want %.9g (allowed %.3g)",
                 (long long)i, got[i], ref[i], allowed);
      ++bad;
    }
  }
  if (worst_err > ctx->max_err) ctx->max_err = worst_err;
  if (worst_ratio >= ctx->max_ratio) {
    ctx->max_ratio = worst_ratio;
    phc_tol_text(tol, ctx->tolerance, sizeof ctx->tolerance);
  }
  if (ctx->tolerance[0] == '\0') phc_tol_text(tol, ctx->tolerance, sizeof ctx->tolerance);
  if (bad) {
    phc_fail(ctx, "%s: %lld of %lld elements out of tolerance (%s); %s%s%s%s%s", what,
             (long long)bad, (long long)n, ctx->tolerance, first[0], bad > 1 ? "; " : "",
             bad > 1 ? first[1] : "", bad > 2 ? "; " : "", bad > 2 ? first[2] : "");
    return false;
  }
  /* A reference that is mostly zeros cannot tell a right answer from an
   * op that wrote zeros; such a check proves nothing. */
  if (n >= 4 && zeros * 4 > n * 3 && ctx->status == PHC_PASS) {
    ctx->status = PHC_UNTRUSTED;
    snprintf(ctx->message, sizeof ctx->message,
             "%s: %lld of %lld reference values are zero; the check cannot be trusted", what,
             (long long)zeros, (long long)n);
    return false;
  }
  return true;
}

bool phc_check_tensor(phc_ctx_t *ctx, const phc_tensor_t *y, const double *ref,
                      const double *scale, phc_tol_t tol) {
  double *got = phc_download(ctx, y);
  if (got == NULL) return false;
  bool ok = phc_check(ctx, "y", y->t.dtype, got, ref, scale, y->numel, tol);
  free(got);
  return ok;
}
