/*
 * References for the data-movement ops (transpose, concat, gather): each
 * output element is looked up from its multi-index, the direct reading of
 * the definitions in polyhal.h. Exact by construction.
 */
#include "ref.h"

void phc_ref_transpose(const double *x, uint32_t rank, const int64_t *shape, const int32_t *perm,
                       double *y) {
  int64_t yshape[PH_MAX_RANK], yi[PH_MAX_RANK], xi[PH_MAX_RANK];
  int64_t n = 1;
  for (uint32_t i = 0; i < rank; ++i) {
    yshape[i] = shape[perm[i]];
    n *= shape[i];
  }
  for (int64_t j = 0; j < n; ++j) {
    phc_unravel(rank, yshape, j, yi);
    for (uint32_t i = 0; i < rank; ++i) xi[perm[i]] = yi[i];
    y[j] = x[phc_linear(rank, shape, xi)];
  }
}

void phc_ref_concat(const double *const *xs, const int64_t *ext, size_t n, uint32_t rank,
                    const int64_t *shape, uint32_t axis, double *y) {
  int64_t yshape[PH_MAX_RANK], idx[PH_MAX_RANK], xshape[PH_MAX_RANK];
  int64_t total = 0, ny = 1;
  for (size_t k = 0; k < n; ++k) total += ext[k];
  for (uint32_t i = 0; i < rank; ++i) {
    yshape[i] = i == axis ? total : shape[i];
    xshape[i] = yshape[i];
    ny *= yshape[i];
  }
  for (int64_t j = 0; j < ny; ++j) {
    phc_unravel(rank, yshape, j, idx);
    size_t k = 0;
    while (idx[axis] >= ext[k]) idx[axis] -= ext[k++];
    xshape[axis] = ext[k];
    y[j] = xs[k][phc_linear(rank, xshape, idx)];
  }
}

void phc_ref_gather(const double *table, uint32_t rank, const int64_t *shape, const double *idx,
                    int64_t nidx, uint32_t axis, double *y) {
  int64_t outer = 1, inner = 1, v = shape[axis];
  for (uint32_t i = 0; i < axis; ++i) outer *= shape[i];
  for (uint32_t i = axis + 1; i < rank; ++i) inner *= shape[i];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < nidx; ++k) {
      int64_t s = (int64_t)idx[k];
      if (s < 0) s += v;
      for (int64_t in = 0; in < inner; ++in)
        y[(o * nidx + k) * inner + in] = table[(o * v + s) * inner + in];
    }
}
