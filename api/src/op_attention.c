/* ph_op_attention: scaled dot-product attention with mask and causality. */
#include <inttypes.h>
#include <math.h>

#include "op_shape.h"

ph_status_t ph_op_attention(ph_stream_t *stream, const ph_tensor_t *q,
                            const ph_tensor_t *k, const ph_tensor_t *v,
                            const ph_tensor_t *mask, const ph_tensor_t *y,
                            float scale, uint32_t causal) {
  static const char fn[] = "ph_op_attention";
  ph__clear_error();
  ph_status_t st;
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "q", q)) ||
      (st = ph__op_check_tensor(fn, "k", k)) ||
      (st = ph__op_check_tensor(fn, "v", v)) ||
      (mask && (st = ph__op_check_tensor(fn, "mask", mask))) ||
      (st = ph__op_check_tensor(fn, "y", y)) ||
      (st = ph__op_check_dtype(fn, "q", q, PH_DTYPES_FLOAT)) ||
      (st = ph__op_check_same_dtype(fn, "k", k, "q", q)) ||
      (st = ph__op_check_same_dtype(fn, "v", v, "q", q)) ||
      (mask && (st = ph__op_check_same_dtype(fn, "mask", mask, "q", q))) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "q", q)) ||
      (st = ph__op_check_rank(fn, "q", q, 4)) ||
      (st = ph__op_check_rank(fn, "k", k, 4)) ||
      (st = ph__op_check_rank(fn, "v", v, 4)))
    return st;
  if (!isfinite(scale))
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: scale (%g) is not finite",
                     fn, (double)scale);

  int64_t b = q->shape[0], h = q->shape[1], sq = q->shape[2], d = q->shape[3];
  int64_t sk = k->shape[2], dv = v->shape[3];
  const int64_t k_shape[4] = {b, h, sk, d};
  const int64_t v_shape[4] = {b, h, sk, dv};
  const int64_t y_shape[4] = {b, h, sq, dv};
  const int64_t s_shape[4] = {b, h, sq, sk}; /* the scores */
  if ((st = ph__op_check_shape(fn, "k", k, 4, k_shape)) ||
      (st = ph__op_check_shape(fn, "v", v, 4, v_shape)) ||
      (st = ph__op_check_shape(fn, "y", y, 4, y_shape)))
    return st;

  ph_tensor_t em;
  if (mask && (st = ph__op_expand(fn, "mask", mask, 0, 4, s_shape, &em))) return st;

  ph_attention_attrs_t at = {sizeof at, scale, causal != 0, mask != NULL};
  const ph_tensor_t *inputs[4] = {q, k, v, &em};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_ATTENTION, inputs, mask ? 4 : 3,
                       outputs, 1, &at);
}
