/* ph_op_layernorm and ph_op_rmsnorm: normalisation over trailing axes. */
#include <math.h>

#include "op_shape.h"

/* The rules both norms share; |bias| is NULL for rmsnorm. */
static ph_status_t norm_launch(const char *fn, uint32_t op, ph_stream_t *stream,
                               const ph_tensor_t *x, const ph_tensor_t *scale,
                               const ph_tensor_t *bias, const ph_tensor_t *y,
                               int32_t axis, float epsilon) {
  ph_status_t st;
  ph_norm_attrs_t at = {sizeof at, 0, epsilon, scale != NULL, bias != NULL};
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "x", x)) ||
      (scale && (st = ph__op_check_tensor(fn, "scale", scale))) ||
      (bias && (st = ph__op_check_tensor(fn, "bias", bias))) ||
      (st = ph__op_check_tensor(fn, "y", y)) ||
      (st = ph__op_check_dtype(fn, "x", x, PH_DTYPES_FLOAT)) ||
      (scale && (st = ph__op_check_same_dtype(fn, "scale", scale, "x", x))) ||
      (bias && (st = ph__op_check_same_dtype(fn, "bias", bias, "x", x))) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "x", x)) ||
      (st = ph__op_check_shape(fn, "y", y, x->rank, x->shape)) ||
      (st = ph__op_norm_axis(fn, "axis", axis, x->rank, &at.axis)))
    return st;
  if (!(epsilon >= 0.0f) || isinf(epsilon))
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: epsilon (%g) must be finite and >= 0", fn, (double)epsilon);
  uint32_t inner = x->rank - (uint32_t)at.axis;
  const int64_t *inner_shape = x->shape + at.axis;
  if ((scale && (st = ph__op_check_shape(fn, "scale", scale, inner, inner_shape))) ||
      (bias && (st = ph__op_check_shape(fn, "bias", bias, inner, inner_shape))))
    return st;

  const ph_tensor_t *inputs[3];
  size_t n_in = 0;
  inputs[n_in++] = x;
  if (scale) inputs[n_in++] = scale;
  if (bias) inputs[n_in++] = bias;
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, op, inputs, n_in, outputs, 1, &at);
}

ph_status_t ph_op_layernorm(ph_stream_t *stream, const ph_tensor_t *x,
                            const ph_tensor_t *scale, const ph_tensor_t *bias,
                            const ph_tensor_t *y, int32_t axis, float epsilon) {
  ph__clear_error();
  return norm_launch("ph_op_layernorm", PH_OP_LAYERNORM, stream, x, scale, bias,
                     y, axis, epsilon);
}

ph_status_t ph_op_rmsnorm(ph_stream_t *stream, const ph_tensor_t *x,
                          const ph_tensor_t *scale, const ph_tensor_t *y,
                          int32_t axis, float epsilon) {
  ph__clear_error();
  return norm_launch("ph_op_rmsnorm", PH_OP_RMSNORM, stream, x, scale, NULL, y,
                     axis, epsilon);
}
