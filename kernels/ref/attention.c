/*
 * Reference scaled dot-product attention.
 *
 * q [.., Sq, D], k [.., Sk, D], v [.., Sk, Dv], optional mask [.., Sq, Sk]
 * (broadcast by zero strides), y [.., Sq, Dv]; all share y's rank and the
 * API has broadcast batch dims into zero strides. For query row i:
 *   s_j = scale * q_i . k_j + mask_ij, and -inf where causal and
 *         j > i + (Sk - Sq) (so the last query sees every key);
 *   y_i = sum_j softmax(s)_j v_j, the softmax taken with the row maximum
 *         subtracted; a row whose scores are all -inf gives y_i = 0.
 * Everything is read as float and accumulated in f32.
 *
 * One unit = one query row. The scores of a row live in Sk floats of
 * scratch, allocated once per run() call.
 */
#include <math.h>
#include <stdlib.h>

#include "dtype.h"
#include "kernel.h"

/* The checks that keep run() inside the views it was given. */
static int attention_args_ok(const ph_kargs_t *args) {
  const ph_attention_attrs_t *at = (const ph_attention_attrs_t *)args->attrs;
  if (at == NULL || args->num_outputs < 1 || args->num_inputs < (at->has_mask ? 4u : 3u))
    return 0;
  const uint32_t r = args->outputs[0].rank;
  if (r < 2 || r > PH_MAX_RANK) return 0;
  for (size_t i = 0; i < (at->has_mask ? 4u : 3u); ++i)
    if (args->inputs[i].rank != r) return 0;
  return 1;
}

/* Element offset in |t| of batch index |bi|, counted row-major over the
 * batch dims (all but the last two) of |y|. */
static int64_t batch_offset(const ph_kview_t *y, const ph_kview_t *t, int64_t bi) {
  int64_t off = 0;
  for (int d = (int)y->rank - 3; d >= 0; --d) {
    off += (bi % y->shape[d]) * t->strides[d];
    bi /= y->shape[d];
  }
  return off;
}

static int64_t attention_units(const ph_kargs_t *args) {
  if (!attention_args_ok(args)) return 0;
  const ph_kview_t *y = &args->outputs[0];
  int64_t n = 1;
  for (uint32_t d = 0; d + 1 < y->rank; ++d) n *= y->shape[d];
  return n;
}

/* Query row |i| of batch |bi|: the scores go through |s| (Sk floats). */
static void attention_row(const ph_kargs_t *args, int64_t bi, int64_t i, float *s) {
  const ph_attention_attrs_t *at = (const ph_attention_attrs_t *)args->attrs;
  const ph_kview_t *q = &args->inputs[0], *k = &args->inputs[1], *v = &args->inputs[2];
  const ph_kview_t *mask = at->has_mask ? &args->inputs[3] : NULL;
  const ph_kview_t *y = &args->outputs[0];
  const int r = (int)y->rank;
  const int64_t sq = q->shape[r - 2], sk = k->shape[r - 2];
  const int64_t d_count = q->shape[r - 1], dv_count = v->shape[r - 1];
  const int64_t q_row = batch_offset(y, q, bi) + i * q->strides[r - 2];
  const int64_t k_base = batch_offset(y, k, bi), v_base = batch_offset(y, v, bi);
  const int64_t m_row = mask ? batch_offset(y, mask, bi) + i * mask->strides[r - 2] : 0;
  const int64_t y_row = batch_offset(y, y, bi) + i * y->strides[r - 2];

  float max = -INFINITY;
  for (int64_t j = 0; j < sk; ++j) {
    float sj;
    if (at->causal && j > i + (sk - sq)) {
      sj = -INFINITY;
    } else {
      float dot = 0.0f;
      for (int64_t d = 0; d < d_count; ++d)
        dot += ph_kload(q->data, q->dtype, q_row + d * q->strides[r - 1]) *
               ph_kload(k->data, k->dtype, k_base + j * k->strides[r - 2] + d * k->strides[r - 1]);
      sj = at->scale * dot;
      if (mask) sj += ph_kload(mask->data, mask->dtype, m_row + j * mask->strides[r - 1]);
    }
    s[j] = sj;
    if (sj > max) max = sj;
  }

  if (max == -INFINITY) { /* every key masked: nothing to attend to */
    for (int64_t e = 0; e < dv_count; ++e)
      ph_kstore(y->data, y->dtype, y_row + e * y->strides[r - 1], 0.0f);
    return;
  }
  float sum = 0.0f;
  for (int64_t j = 0; j < sk; ++j) {
    s[j] = expf(s[j] - max);
    sum += s[j];
  }
  for (int64_t e = 0; e < dv_count; ++e) {
    float acc = 0.0f;
    for (int64_t j = 0; j < sk; ++j)
      acc += s[j] * ph_kload(v->data, v->dtype,
                             v_base + j * v->strides[r - 2] + e * v->strides[r - 1]);
    ph_kstore(y->data, y->dtype, y_row + e * y->strides[r - 1], acc / sum);
  }
}

static ph_status_t attention_run(const ph_kargs_t *args, int64_t begin, int64_t end) {
  if (!attention_args_ok(args)) return PH_ERROR_INVALID_ARGUMENT;
  if (begin >= end) return PH_OK;
  const ph_kview_t *y = &args->outputs[0];
  const int64_t sq = y->shape[y->rank - 2];
  const int64_t sk = args->inputs[1].shape[y->rank - 2];
  if (sq <= 0) return PH_OK;
  /* One more than needed so Sk == 0 does not look like a failed malloc. */
  float *s = (float *)malloc(((size_t)(sk > 0 ? sk : 0) + 1) * sizeof *s);
  if (s == NULL) return PH_ERROR_OUT_OF_MEMORY;
  for (int64_t u = begin; u < end; ++u) attention_row(args, u / sq, u % sq, s);
  free(s);
  return PH_OK;
}

const ph_kernel_t ph_ref_attention = {PH_OP_ATTENTION, ph_kcaps_float, attention_units,
                                      attention_run};
