/* ph_op_matmul: batched GEMM with bias, accumulate input and activation. */
#include <inttypes.h>

#include "op_shape.h"

ph_matmul_attrs_t ph_matmul_attrs_default(void) {
  ph_matmul_attrs_t a = {0};
  a.struct_size = sizeof a;
  a.alpha = 1.0f;
  a.beta = 0.0f;
  a.activation = PH_ACT_NONE;
  a.out_scale = 1.0f;
  return a;
}

/* Dtype rules: floating a, b, bias, c, y all alike; int8 a and b give an
 * i8 or f32 y, with an f32 bias and a c of y's dtype. */
static ph_status_t check_dtypes(const char *fn, const ph_tensor_t *a,
                                const ph_tensor_t *b, const ph_tensor_t *bias,
                                const ph_tensor_t *c, const ph_tensor_t *y) {
  ph_status_t st;
  if ((st = ph__op_check_dtype(fn, "a", a, PH_DTYPES_FLOAT | (1u << PH_DTYPE_I8))) ||
      (st = ph__op_check_same_dtype(fn, "b", b, "a", a)))
    return st;
  if (a->dtype == PH_DTYPE_I8) {
    if ((st = ph__op_check_dtype(fn, "y", y, (1u << PH_DTYPE_I8) | (1u << PH_DTYPE_F32))))
      return st;
    if (bias && (st = ph__op_check_dtype(fn, "bias", bias, 1u << PH_DTYPE_F32)))
      return st;
  } else {
    if ((st = ph__op_check_same_dtype(fn, "y", y, "a", a))) return st;
    if (bias && (st = ph__op_check_same_dtype(fn, "bias", bias, "a", a))) return st;
  }
  if (c && (st = ph__op_check_same_dtype(fn, "c", c, "y", y))) return st;
  return PH_OK;
}

ph_status_t ph_op_matmul(ph_stream_t *stream, const ph_tensor_t *a,
                         const ph_tensor_t *b, const ph_tensor_t *bias,
                         const ph_tensor_t *c, const ph_tensor_t *y,
                         const ph_matmul_attrs_t *attrs) {
  static const char fn[] = "ph_op_matmul";
  ph__clear_error();
  ph_status_t st;
  ph_matmul_attrs_t at = ph_matmul_attrs_default();
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "a", a)) ||
      (st = ph__op_check_tensor(fn, "b", b)) ||
      (bias && (st = ph__op_check_tensor(fn, "bias", bias))) ||
      (c && (st = ph__op_check_tensor(fn, "c", c))) ||
      (st = ph__op_check_tensor(fn, "y", y)) ||
      (st = ph__op_copy_attrs(fn, &at, sizeof at, attrs)))
    return st;
  if (at.activation > PH_ACT_SILU)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: attrs->activation %u is unknown",
                     fn, (unsigned)at.activation);
  if (at.beta != 0.0f && c == NULL)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: attrs->beta is %g but c is NULL", fn, (double)at.beta);
  if ((st = check_dtypes(fn, a, b, bias, c, y))) return st;
  if (a->rank < 2 || b->rank < 2)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: a.rank (%u) and b.rank (%u) must be at least 2", fn,
                     (unsigned)a->rank, (unsigned)b->rank);

  /* Matrix extents, with the stored axis each came from for messages. */
  int ka = at.trans_a ? -2 : -1, kb = at.trans_b ? -1 : -2;
  int64_t m = a->shape[a->rank - (at.trans_a ? 1 : 2)];
  int64_t k_a = a->shape[(int)a->rank + ka];
  int64_t k_b = b->shape[(int)b->rank + kb];
  int64_t n = b->shape[b->rank - (at.trans_b ? 2 : 1)];
  if (k_a != k_b)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: a.shape[%d] (%" PRId64 ") != b.shape[%d] (%" PRId64 ")%s",
                     fn, ka, k_a, kb, k_b,
                     at.trans_a || at.trans_b ? " (after trans_a/trans_b)" : "");

  /* y = broadcast(batch(a), batch(b)) + [M, N], exactly. */
  uint32_t rank;
  int64_t shape[PH_MAX_RANK];
  if ((st = ph__op_broadcast_shapes(fn, "a batch", a->rank - 2, a->shape,
                                    "b batch", b->rank - 2, b->shape, &rank, shape)))
    return st;
  shape[rank] = m;
  shape[rank + 1] = n;
  rank += 2;
  if ((st = ph__op_check_shape(fn, "y", y, rank, shape))) return st;

  if (bias) {
    const int64_t bias_shape[1] = {n};
    if ((st = ph__op_check_shape(fn, "bias", bias, 1, bias_shape))) return st;
  }

  /* Kernels see a, b and c at y's rank, broadcast dims with stride 0. */
  ph_tensor_t ea, eb, ec;
  if ((st = ph__op_expand(fn, "a", a, 2, rank, shape, &ea)) ||
      (st = ph__op_expand(fn, "b", b, 2, rank, shape, &eb)) ||
      (c && (st = ph__op_expand(fn, "c", c, 0, rank, shape, &ec))))
    return st;

  const ph_tensor_t *inputs[4];
  size_t n_in = 0;
  inputs[n_in++] = &ea;
  inputs[n_in++] = &eb;
  if (bias) inputs[n_in++] = bias;
  if (c) inputs[n_in++] = &ec;
  at.has_bias = bias != NULL;
  at.has_c = c != NULL;
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_MATMUL, inputs, n_in, outputs, 1, &at);
}
