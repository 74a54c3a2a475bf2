/* ph_op_pool2d: max and average pooling in NCHW or NHWC. */
#include <inttypes.h>
#include <string.h>

#include "op_shape.h"

ph_pool2d_attrs_t ph_pool2d_attrs_default(uint32_t mode, int64_t kernel_h,
                                          int64_t kernel_w) {
  ph_pool2d_attrs_t a = {0};
  a.struct_size = sizeof a;
  a.mode = mode;
  a.layout = PH_LAYOUT_NCHW;
  a.kernel[0] = a.stride[0] = kernel_h;
  a.kernel[1] = a.stride[1] = kernel_w;
  return a;
}

static ph_status_t check_attrs(const char *fn, const ph_pool2d_attrs_t *at) {
  if (at->mode > PH_POOL_AVG)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: attrs->mode %u is unknown",
                     fn, (unsigned)at->mode);
  if (at->layout > PH_LAYOUT_NHWC)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: attrs->layout %u is unknown",
                     fn, (unsigned)at->layout);
  for (int i = 0; i < 2; ++i) {
    if (at->kernel[i] < 1)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: attrs->kernel[%d] (%" PRId64 ") must be >= 1", fn, i,
                       at->kernel[i]);
    if (at->stride[i] < 1)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: attrs->stride[%d] (%" PRId64 ") must be >= 1", fn, i,
                       at->stride[i]);
  }
  /* pad[i] runs along axis i % 2 (top, left, bottom, right). A pad as
   * large as the window would give windows of padding only. */
  for (int i = 0; i < 4; ++i)
    if (at->pad[i] < 0 || at->pad[i] >= at->kernel[i % 2])
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: attrs->pad[%d] (%" PRId64 ") must be in [0, %" PRId64 ")",
                       fn, i, at->pad[i], at->kernel[i % 2]);
  return PH_OK;
}

ph_status_t ph_op_pool2d(ph_stream_t *stream, const ph_tensor_t *x,
                         const ph_tensor_t *y, const ph_pool2d_attrs_t *attrs) {
  static const char fn[] = "ph_op_pool2d";
  ph__clear_error();
  ph_status_t st;
  ph_pool2d_attrs_t at = ph_pool2d_attrs_default(PH_POOL_MAX, 1, 1);
  if ((st = ph__op_check_stream(fn, stream)) ||
      (st = ph__op_check_tensor(fn, "x", x)) ||
      (st = ph__op_check_tensor(fn, "y", y)))
    return st;
  if (attrs == NULL)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: attrs is NULL (the window has no default)", fn);
  if ((st = ph__op_copy_attrs(fn, &at, sizeof at, attrs)) ||
      (st = check_attrs(fn, &at)) ||
      (st = ph__op_check_dtype(fn, "x", x, PH_DTYPES_FLOAT | (1u << PH_DTYPE_I8))) ||
      (st = ph__op_check_same_dtype(fn, "y", y, "x", x)) ||
      (st = ph__op_check_rank(fn, "x", x, 4)))
    return st;

  bool nhwc = at.layout == PH_LAYOUT_NHWC;
  int64_t h = x->shape[nhwc ? 1 : 2], w = x->shape[nhwc ? 2 : 3];
  int64_t span_h = h + at.pad[0] + at.pad[2] - at.kernel[0];
  int64_t span_w = w + at.pad[1] + at.pad[3] - at.kernel[1];
  if (span_h < 0 || span_w < 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: the %" PRId64 "x%" PRId64
                     " window does not fit the padded %" PRId64 "x%" PRId64 " input",
                     fn, at.kernel[0], at.kernel[1], h + at.pad[0] + at.pad[2],
                     w + at.pad[1] + at.pad[3]);
  int64_t oh = span_h / at.stride[0] + 1, ow = span_w / at.stride[1] + 1;
  int64_t yshape[4];
  memcpy(yshape, x->shape, sizeof yshape);
  yshape[nhwc ? 1 : 2] = oh;
  yshape[nhwc ? 2 : 3] = ow;
  if ((st = ph__op_check_shape(fn, "y", y, 4, yshape))) return st;

  const ph_tensor_t *inputs[1] = {x};
  const ph_tensor_t *outputs[1] = {y};
  return ph__op_launch(fn, stream, PH_OP_POOL2D, inputs, 1, outputs, 1, &at);
}
