/*
 * fp64 references for layer and RMS normalisation over contiguous rows of
 * n values. The variance is two-pass (sum of squared deviations from the
 * mean), so a large common offset costs the reference nothing.
 */
#include <math.h>

#include "ref.h"

void phc_ref_layernorm(const double *x, const double *scale, const double *bias, int64_t rows,
                       int64_t n, double eps, double *y) {
  for (int64_t r = 0; r < rows; ++r) {
    const double *xr = x + r * n;
    double mean = 0, var = 0;
    for (int64_t j = 0; j < n; ++j) mean += xr[j];
    mean /= (double)n;
    for (int64_t j = 0; j < n; ++j) var += (xr[j] - mean) * (xr[j] - mean);
    var /= (double)n;
    double inv = 1.0 / sqrt(var + eps);
    for (int64_t j = 0; j < n; ++j) {
      double v = (xr[j] - mean) * inv;
      if (scale) v *= scale[j];
      if (bias) v += bias[j];
      y[r * n + j] = v;
    }
  }
}

void phc_ref_rmsnorm(const double *x, const double *scale, int64_t rows, int64_t n, double eps,
                     double *y) {
  for (int64_t r = 0; r < rows; ++r) {
    const double *xr = x + r * n;
    double ms = 0;
    for (int64_t j = 0; j < n; ++j) ms += xr[j] * xr[j];
    ms /= (double)n;
    double inv = 1.0 / sqrt(ms + eps);
    for (int64_t j = 0; j < n; ++j) y[r * n + j] = xr[j] * inv * (scale ? scale[j] : 1.0);
  }
}
