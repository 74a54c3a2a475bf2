/*
 * Reference matmul: y = act(alpha * op(a) . op(b) + bias + beta * c).
 *
 * a is [.., M, K] ([.., K, M] stored when trans_a), b is [.., K, N]
 * ([.., N, K] when trans_b), y is [.., M, N]; a, b, c and y share y's rank
 * and the API has already broadcast batch dims into zero strides. bias is
 * [N]; c has y's shape (any strides). beta == 0 ignores c entirely (as
 * plugin.h says, and as BLAS does: c is not even read, so NaN in c does
 * not leak).
 *
 * Floating dtypes read every element as float and accumulate in f32.
 * int8: a and b are i8, the dot product is exact in integers, then
 * y = act(alpha * out_scale * acc + bias + beta * c) in f32, stored to i8
 * (round-to-nearest-even, saturating) or f32. bias is f32; c is f32 or y's
 * dtype, read through ph_kload either way.
 *
 * One unit = one output row (batch index, m).
 */

#include "dtype.h"
#include "kernel.h"

static float matmul_act(uint32_t act, float x) {
  switch (act) {
    case PH_ACT_RELU: return ph_kunary_apply(PH_UNARY_RELU, x);
    case PH_ACT_GELU: return ph_kunary_apply(PH_UNARY_GELU, x);
    case PH_ACT_SILU: return ph_kunary_apply(PH_UNARY_SILU, x);
    default: return x;
  }
}

/* The checks that keep run() from reading outside the views it was given;
 * everything else (shapes agreeing, dtypes) the API has validated. */
static int matmul_args_ok(const ph_kargs_t *args) {
  const ph_matmul_attrs_t *at = (const ph_matmul_attrs_t *)args->attrs;
  if (at == NULL || args->num_outputs < 1 || args->num_inputs < 2) return 0;
  size_t want = 2 + (at->has_bias ? 1u : 0u) + (at->has_c ? 1u : 0u);
  if (args->num_inputs < want) return 0;
  uint32_t r = args->outputs[0].rank;
  if (r < 2 || r > PH_MAX_RANK) return 0;
  if (args->inputs[0].rank != r || args->inputs[1].rank != r) return 0;
  if (at->has_bias && args->inputs[2].rank != 1) return 0;
  if (at->has_c && args->inputs[want - 1].rank != r) return 0;
  return 1;
}

/* Element offset in |v| of batch index |bi|, counted row-major over the
 * batch dims (all but the last two) of |y|. */
static int64_t batch_offset(const ph_kview_t *y, const ph_kview_t *v, int64_t bi) {
  int64_t off = 0;
  for (int d = (int)y->rank - 3; d >= 0; --d) {
    off += (bi % y->shape[d]) * v->strides[d];
    bi /= y->shape[d];
  }
  return off;
}

static int64_t matmul_units(const ph_kargs_t *args) {
  if (!matmul_args_ok(args)) return 0;
  const ph_kview_t *y = &args->outputs[0];
  return ph_kview_numel(y) / (y->shape[y->rank - 1] > 0 ? y->shape[y->rank - 1] : 1);
}

static ph_status_t matmul_run(const ph_kargs_t *args, int64_t begin, int64_t end) {
  if (!matmul_args_ok(args)) return PH_ERROR_INVALID_ARGUMENT;
  const ph_matmul_attrs_t *at = (const ph_matmul_attrs_t *)args->attrs;
  const ph_kview_t *a = &args->inputs[0];
  const ph_kview_t *b = &args->inputs[1];
  const ph_kview_t *y = &args->outputs[0];
  size_t next = 2;
  const ph_kview_t *bias = at->has_bias ? &args->inputs[next++] : NULL;
  const ph_kview_t *c = at->has_c ? &args->inputs[next++] : NULL;
  if (at->beta == 0.0f) c = NULL;

  const int r = (int)y->rank;
  const int64_t m_count = y->shape[r - 2], n_count = y->shape[r - 1];
  const int64_t k_count = at->trans_a ? a->shape[r - 2] : a->shape[r - 1];
  /* Strides of a along (m, k) and of b along (k, n), however stored. */
  const int64_t sam = at->trans_a ? a->strides[r - 1] : a->strides[r - 2];
  const int64_t sak = at->trans_a ? a->strides[r - 2] : a->strides[r - 1];
  const int64_t sbk = at->trans_b ? b->strides[r - 1] : b->strides[r - 2];
  const int64_t sbn = at->trans_b ? b->strides[r - 2] : b->strides[r - 1];
  const int is_int8 = a->dtype == PH_DTYPE_I8 && b->dtype == PH_DTYPE_I8;
  const float scale = is_int8 ? at->alpha * at->out_scale : at->alpha;
  if (m_count <= 0) return PH_OK;

  for (int64_t u = begin; u < end; ++u) {
    const int64_t bi = u / m_count, m = u % m_count;
    const int64_t a_row = batch_offset(y, a, bi) + m * sam;
    const int64_t b_base = batch_offset(y, b, bi);
    const int64_t y_row = batch_offset(y, y, bi) + m * y->strides[r - 2];
    const int64_t c_row = c ? batch_offset(y, c, bi) + m * c->strides[r - 2] : 0;
    for (int64_t n = 0; n < n_count; ++n) {
      float v;
      if (is_int8) {
        /* int64 holds every int32 result exactly and cannot overflow
         * (which would be undefined) for any K that fits in memory. */
        const int8_t *ad = (const int8_t *)a->data, *bd = (const int8_t *)b->data;
        int64_t acc = 0;
        for (int64_t k = 0; k < k_count; ++k)
          acc += (int64_t)ad[a_row + k * sak] * (int64_t)bd[b_base + k * sbk + n * sbn];
        v = scale * (float)acc;
      } else {
        float acc = 0.0f;
        for (int64_t k = 0; k < k_count; ++k)
          acc += ph_kload(a->data, a->dtype, a_row + k * sak) *
                 ph_kload(b->data, b->dtype, b_base + k * sbk + n * sbn);
        v = scale * acc;
      }
      if (bias) v += ph_kload(bias->data, bias->dtype, n * bias->strides[0]);
      if (c) v += at->beta * ph_kload(c->data, c->dtype, c_row + n * c->strides[r - 1]);
      ph_kstore(y->data, y->dtype, y_row + n * y->strides[r - 1], matmul_act(at->activation, v));
    }
  }
  return PH_OK;
}

const ph_kernel_t ph_ref_matmul = {PH_OP_MATMUL, ph_kcaps_float_i8, matmul_units, matmul_run};
