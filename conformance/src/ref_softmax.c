/*
 * fp64 reference for softmax and log-softmax along one axis: shift by the
 * row maximum (the result is the same, and exp never overflows), then
 * y = e^(x-m) / s or y = (x - m) - log s with s = sum e^(x-m).
 */
#include <math.h>

#include "ref.h"

void phc_ref_softmax(const double *x, uint32_t rank, const int64_t *shape, uint32_t axis,
                     bool log_form, double *y) {
  int64_t outer = 1, inner = 1, n = shape[axis];
  for (uint32_t i = 0; i < axis; ++i) outer *= shape[i];
  for (uint32_t i = axis + 1; i < rank; ++i) inner *= shape[i];
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      const double *xr = x + o * n * inner + in;
      double *yr = y + o * n * inner + in;
      double m = -INFINITY;
      for (int64_t j = 0; j < n; ++j) m = fmax(m, xr[j * inner]);
      double s = 0;
      for (int64_t j = 0; j < n; ++j) s += exp(xr[j * inner] - m);
      for (int64_t j = 0; j < n; ++j) {
        double d = xr[j * inner] - m;
        yr[j * inner] = log_form ? d - log(s) : exp(d) / s;
      }
    }
  }
}
