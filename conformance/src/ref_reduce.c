/*
 * fp64 reference for reductions: every input element is folded into the
 * output element whose index has the reduced axes set to 0 (y row-major
 * over the keepdims shape, which is also the order without keepdims).
 */
#include <math.h>
#include <stdlib.h>

#include "ref.h"

void phc_ref_reduce(uint32_t func, const double *x, uint32_t rank, const int64_t *shape,
                    uint32_t axes, double *y) {
  int64_t yshape[PH_MAX_RANK], idx[PH_MAX_RANK];
  int64_t n = 1, ny = 1, count = 1;
  for (uint32_t i = 0; i < rank; ++i) {
    bool red = (axes >> i) & 1u;
    yshape[i] = red ? 1 : shape[i];
    n *= shape[i];
    ny *= yshape[i];
    if (red) count *= shape[i];
  }
  for (int64_t j = 0; j < ny; ++j)
    y[j] = func == PH_REDUCE_MAX ? -INFINITY : func == PH_REDUCE_MIN ? INFINITY : 0.0;
  for (int64_t i = 0; i < n; ++i) {
    phc_unravel(rank, shape, i, idx);
    for (uint32_t a = 0; a < rank; ++a)
      if ((axes >> a) & 1u) idx[a] = 0;
    int64_t j = phc_linear(rank, yshape, idx);
    switch (func) {
      case PH_REDUCE_MAX: y[j] = fmax(y[j], x[i]); break;
      case PH_REDUCE_MIN: y[j] = fmin(y[j], x[i]); break;
      default: y[j] += x[i]; break;
    }
  }
  if (func == PH_REDUCE_MEAN)
    for (int64_t j = 0; j < ny; ++j) y[j] /= (double)count;
}
