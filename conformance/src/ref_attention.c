/*
 * Independent fp64 reference for ph_op_attention, from polyhal.h:
 * y = softmax(scale * q . k^T + mask [+ causal]) . v over the key axis,
 * q [B,H,Sq,D], k [B,H,Sk,D], v [B,H,Sk,Dv]; the mask broadcasts
 * (right-aligned) to [B,H,Sq,Sk]; with causal, query i sees keys
 * j <= i + Sk - Sq. |mag| (nullable) gets sum_j p_ij |v_jd|, the size of
 * the terms each output sums, for a relative tolerance.
 */
#include <math.h>
#include <stdlib.h>

#include "ref.h"

void phc_ref_attention(const phc_tensor_t *q, const phc_tensor_t *k, const phc_tensor_t *v,
                       const phc_tensor_t *mask, double scale, bool causal, double *y,
                       double *mag) {
  const int64_t B = q->t.shape[0], H = q->t.shape[1], Sq = q->t.shape[2], D = q->t.shape[3];
  const int64_t Sk = k->t.shape[2], Dv = v->t.shape[3];
  double *p = malloc((size_t)Sk * sizeof *p);
  if (p == NULL) return;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t i = 0; i < Sq; ++i) {
        const double *qi = q->host + ((b * H + h) * Sq + i) * D;
        double top = -INFINITY;
        for (int64_t j = 0; j < Sk; ++j) {
          const double *kj = k->host + ((b * H + h) * Sk + j) * D;
          double s = 0.0;
          for (int64_t d = 0; d < D; ++d) s += qi[d] * kj[d];
          s *= scale;
          if (mask != NULL) {
            const int64_t full[4] = {b, h, i, j};
            const uint32_t r = mask->t.rank;
            int64_t lin = 0;
            for (uint32_t d = 0; d < r; ++d) {
              const int64_t e = mask->t.shape[d];
              lin = lin * e + (e == 1 ? 0 : full[4 - r + d]);
            }
            s += mask->host[lin];
          }
          if (causal && j > i + Sk - Sq) s = -INFINITY;
          p[j] = s;
          if (s > top) top = s;
        }
        double den = 0.0;
        for (int64_t j = 0; j < Sk; ++j) {
          p[j] = p[j] == -INFINITY ? 0.0 : exp(p[j] - top);
          den += p[j];
        }
        for (int64_t e = 0; e < Dv; ++e) {
          double acc = 0.0, m = 0.0;
          for (int64_t j = 0; j < Sk; ++j) {
            const double vj = v->host[((b * H + h) * Sk + j) * Dv + e];
            acc += p[j] * vj;
            m += p[j] * fabs(vj);
          }
          const int64_t o = ((b * H + h) * Sq + i) * Dv + e;
          y[o] = acc / den;
          if (mag != NULL) mag[o] = m / den;
        }
      }
  free(p);
}
