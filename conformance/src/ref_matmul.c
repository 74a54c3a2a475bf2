/*
 * Independent fp64 reference for ph_op_matmul, written from polyhal.h:
 * y = act(alpha * op(a) . op(b) + bias + beta * c), batch dims and c
 * broadcast as numpy does (right-aligned, extent 1 repeats). For int8
 * inputs the product also carries out_scale. Values come from the
 * tensors' host[] (logical, row-major, already in their dtype).
 */
#include <math.h>

#include "ref.h"

double phc_ref_activation(uint32_t act, double x) {
  switch (act) {
    case PH_ACT_RELU: return x < 0.0 ? 0.0 : x;
    /* erfc(-z) == 1 + erf(z) without cancellation for negative x. */
    case PH_ACT_GELU: return 0.5 * x * erfc(-x / sqrt(2.0));
    case PH_ACT_SILU: return x / (1.0 + exp(-x));
    default: return x;
  }
}

/* Row-major index into a tensor of |rank|/|shape| that broadcasts
 * (right-aligned) to the index |yidx| of a rank-|yrank| result, skipping
 * the last |skip| axes of both (they are indexed by the caller). */
static int64_t bcast_index(uint32_t yrank, const int64_t *yidx, uint32_t rank,
                           const int64_t *shape, uint32_t skip) {
  int64_t lin = 0;
  for (uint32_t d = 0; d + skip < rank; ++d) {
    const uint32_t yd = yrank - rank + d;
    lin = lin * shape[d] + (shape[d] == 1 ? 0 : yidx[yd]);
  }
  return lin;
}

void phc_ref_matmul(const phc_tensor_t *a, const phc_tensor_t *b, const phc_tensor_t *bias,
                    const phc_tensor_t *c, const ph_matmul_attrs_t *at, uint32_t y_rank,
                    const int64_t *y_shape, double *y, double *scale) {
  const uint32_t ra = a->t.rank, rb = b->t.rank;
  const int64_t M = y_shape[y_rank - 2], N = y_shape[y_rank - 1];
  const int64_t K = at->trans_a ? a->t.shape[ra - 2] : a->t.shape[ra - 1];
  const bool int8 = a->t.dtype == PH_DTYPE_I8;
  const double mul = (double)at->alpha * (int8 ? (double)at->out_scale : 1.0);
  const bool use_c = c != NULL && at->beta != 0.0f;
  int64_t batches = 1;
  for (uint32_t d = 0; d + 2 < y_rank; ++d) batches *= y_shape[d];

  int64_t idx[PH_MAX_RANK] = {0};
  for (int64_t bi = 0; bi < batches; ++bi) {
    /* Batch multi-index (the last two entries stay 0 here). */
    int64_t rem = bi;
    for (int d = (int)y_rank - 3; d >= 0; --d) {
      idx[d] = rem % y_shape[d];
      rem /= y_shape[d];
    }
    const double *ab = a->host + bcast_index(y_rank, idx, ra, a->t.shape, 2) * M * K;
    const double *bb = b->host + bcast_index(y_rank, idx, rb, b->t.shape, 2) * K * N;
    for (int64_t m = 0; m < M; ++m) {
      for (int64_t n = 0; n < N; ++n) {
        double acc = 0.0, mag = 0.0;
        for (int64_t k = 0; k < K; ++k) {
          const double av = at->trans_a ? ab[k * M + m] : ab[m * K + k];
          const double bv = at->trans_b ? bb[n * K + k] : bb[k * N + n];
          acc += av * bv;
          mag += fabs(av * bv);
        }
        double v = mul * acc;
        mag *= fabs(mul);
        if (bias != NULL) {
          v += bias->host[n];
          mag += fabs(bias->host[n]);
        }
        if (use_c) {
          idx[y_rank - 2] = m;
          idx[y_rank - 1] = n;
          const double cv = (double)at->beta * c->host[bcast_index(y_rank, idx, c->t.rank, c->t.shape, 0)];
          v += cv;
          mag += fabs(cv);
          idx[y_rank - 2] = idx[y_rank - 1] = 0;
        }
        const int64_t o = (bi * M + m) * N + n;
        y[o] = phc_ref_activation(at->activation, v);
        if (scale != NULL) scale[o] = mag;
      }
    }
  }
}
