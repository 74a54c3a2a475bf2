/* ph_op_conv2d: grouped, dilated 2-D convolution in NCHW or NHWC. */
#include <inttypes.h>

#include "op_shape.h"

ph_conv2d_attrs_t ph_conv2d_attrs_default(void) {
  ph_conv2d_attrs_t a = {0};
  a.struct_size = sizeof a;
  a.layout = PH_LAYOUT_NCHW;
  a.stride[0] = a.stride[1] = 1;
  a.dilation[0] = a.dilation[1] = 1;
  a.groups = 1;
  a.activation = PH_ACT_NONE;
  a.out_scale = 1.0f;
  return a;
}

static ph_status_t check_attrs(const char *fn, const ph_conv2d_attrs_t *at) {
  if (at->layout > PH_LAYOUT_NHWC)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: attrs->layout %u is unknown",
                     fn, (unsigned)at->layout);
  if (at->activation != PH_ACT_NONE && at->activation != PH_ACT_RELU)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: attrs->activation %u is not NONE or RELU", fn,
                     (unsigned)at->activation);
  for (int i = 0; i < 2; ++i) {
    if (at->stride[i] < 1)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: attrs->stride[%d] (%" PRId64 ") must be >= 1", fn, i,
                       at->stride[i]);
    if (at->dilation[i] < 1)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: attrs->dilation[%d] (%" PRId64 ") must be >= 1", fn,
                       i, at->dilation[i]);
  }
  for (int i = 0; i < 4; ++i)
    if (at->pad[i] < 0)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: attrs->pad[%d] (%" PRId64 ") is negative", fn, i,
                       at->pad[i]);
  if (at->groups < 1)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: attrs->groups (%" PRId64 ") must be >= 1", fn, at->groups);
  return PH_OK;
}

/* Same dtype rules as matmul: one float dtype, or i8 x and w with an i8
 * or f32 y and an f32 bias. */
static ph_status_t check_dtypes(const char *fn, const ph_tensor_t *x,
                                const ph_tensor_t *w, const ph_tensor_t *bias,
                                const ph_tensor_t *y) {
  ph_status_t st;
  if ((st = ph__op_check_dtype(fn, "x", x, PH_DTYPES_FLOAT | (1u << PH_DTYPE_I8))) ||
      (st = ph__op_check_same_dtype(fn, "w", w, "x", x)))
    return st;
  if (x->dtype == PH_DTYPE_I8) {
    if ((st = ph__op_check_dtype(fn, "y", y, (1u << PH_DTYPE_I8) | (1u << PH_DTYPE_F32))) ||
        (bias && (st = ph__op_check_dtype(fn, "bias", bias, 1u << PH_DTYPE_F32))))
      return st;
    return PH_OK;
  }
  if ((st = ph__op_check_same_dtype(fn, "y", y, "x", x)) ||
      (bias && (st = ph__op_check_same_dtype(fn, "bias", bias, "x", x))))
    return st;
  return PH_OK;
}

ph_status_t ph_op_conv2d(ph_stream_t *stream, const ph_tensor_t *x,
                         const ph_tensor_t *w, const ph_tensor_t *bias,
                         const ph_tensor_t *y, const ph_conv2d_attrs_t *attrs) {
  static const char fn[] = "ph_op_conv2d";
  ph__clear_error();
  ph_status_t st;
  ph_conv2d_attrs_t at = ph_conv2d_attrs_default();
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "x", x)) ||
      (st = ph__op_check_tensor(fn, "w", w)) ||
      (bias && (st = ph__op_check_tensor(fn, "bias", bias))) ||
      (st = ph__op_check_tensor(fn, "y", y)) ||
      (st = ph__op_copy_attrs(fn, &at, sizeof at, attrs)) ||
      (st = check_attrs(fn, &at)) ||
      (st = check_dtypes(fn, x, w, bias, y)) ||
      (st = ph__op_check_rank(fn, "x", x, 4)) ||
      (st = ph__op_check_rank(fn, "w", w, 4)))
    return st;

  bool nhwc = at.layout == PH_LAYOUT_NHWC;
  int64_t n = x->shape[0];
  int64_t c = x->shape[nhwc ? 3 : 1], h = x->shape[nhwc ? 1 : 2],
          wd = x->shape[nhwc ? 2 : 3];
  int64_t oc = w->shape[0], wc = w->shape[nhwc ? 3 : 1];
  int64_t kh = w->shape[nhwc ? 1 : 2], kw = w->shape[nhwc ? 2 : 3];
  int64_t g = at.groups;
  if (c % g != 0 || oc % g != 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: channels C (%" PRId64 ") and OC (%" PRId64
                     ") must divide by groups (%" PRId64 ")",
                     fn, c, oc, g);
  if (wc != c / g)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: w.shape[%d] (%" PRId64 ") != C/groups (%" PRId64 ")", fn,
                     nhwc ? 3 : 1, wc, c / g);
  if (kh < 1 || kw < 1)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: kernel %" PRId64 "x%" PRId64 " is empty", fn, kh, kw);

  /* Output extents; a negative numerator means the window never fits. */
  int64_t span_h = h + at.pad[0] + at.pad[2] - at.dilation[0] * (kh - 1) - 1;
  int64_t span_w = wd + at.pad[1] + at.pad[3] - at.dilation[1] * (kw - 1) - 1;
  if (span_h < 0 || span_w < 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: the dilated %" PRId64 "x%" PRId64
                     " kernel does not fit the padded %" PRId64 "x%" PRId64 " input",
                     fn, kh, kw, h + at.pad[0] + at.pad[2], wd + at.pad[1] + at.pad[3]);
  int64_t oh = span_h / at.stride[0] + 1, ow = span_w / at.stride[1] + 1;
  int64_t yshape[4] = {n, oc, oh, ow};
  if (nhwc) {
    yshape[1] = oh;
    yshape[2] = ow;
    yshape[3] = oc;
  }
  if ((st = ph__op_check_shape(fn, "y", y, 4, yshape))) return st;
  if (bias) {
    const int64_t bshape[1] = {oc};
    if ((st = ph__op_check_shape(fn, "bias", bias, 1, bshape))) return st;
  }

  const ph_tensor_t *inputs[3] = {x, w, bias};
  at.has_bias = bias != NULL;
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_CONV2D, inputs, bias ? 3 : 2, outputs,
                       1, &at);
}
