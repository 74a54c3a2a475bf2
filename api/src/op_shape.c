/* Shape, dtype and broadcasting rules shared by every ph_op_* function. */
#include "op_shape.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *ph__shape_format(char *buf, size_t size, uint32_t rank,
                             const int64_t *shape) {
  size_t used = 0;
  if (size == 0) return buf;
  buf[0] = '\0';
  used += (size_t)snprintf(buf, size, "[");
  for (uint32_t d = 0; d < rank && used < size; ++d)
    used += (size_t)snprintf(buf + used, size - used, "%s%" PRId64,
                             d ? ", " : "", shape[d]);
  if (used < size) snprintf(buf + used, size - used, "]");
  return buf;
}

ph_status_t ph__op_check_stream(const char *fn, const ph_stream_t *stream) {
  if (stream == NULL)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: stream is NULL", fn);
  return PH_OK;
}

ph_status_t ph__op_check_tensor(const char *fn, const char *name,
                                const ph_tensor_t *t) {
  if (t == NULL)
    return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s is NULL", fn, name);
  if (t->rank > PH_MAX_RANK)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: %s.rank %u exceeds PH_MAX_RANK (%d)", fn, name,
                     (unsigned)t->rank, PH_MAX_RANK);
  for (uint32_t d = 0; d < t->rank; ++d)
    if (t->shape[d] < 0)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: %s.shape[%u] (%" PRId64 ") is negative", fn, name,
                       (unsigned)d, t->shape[d]);
  return PH_OK;
}

/* "f32, f16 or bf16" for a dtype bit set. */
static void dtype_list(char *buf, size_t size, uint32_t allowed) {
  size_t used = 0;
  int total = 0, seen = 0;
  for (uint32_t dt = 1; dt < PH_DTYPE_COUNT_; ++dt) total += (allowed >> dt) & 1u;
  buf[0] = '\0';
  for (uint32_t dt = 1; dt < PH_DTYPE_COUNT_ && used < size; ++dt) {
    if (!((allowed >> dt) & 1u)) continue;
    const char *sep = seen == 0 ? "" : (seen == total - 1 ? " or " : ", ");
    used += (size_t)snprintf(buf + used, size - used, "%s%s", sep,
                             ph_dtype_name(dt));
    ++seen;
  }
}

ph_status_t ph__op_check_dtype(const char *fn, const char *name,
                               const ph_tensor_t *t, uint32_t allowed) {
  if (t->dtype < 32 && ((allowed >> t->dtype) & 1u)) return PH_OK;
  char list[64];
  dtype_list(list, sizeof list, allowed);
  return ph__error(PH_ERROR_INVALID_ARGUMENT,
                   "%s: %s.dtype %s (%u) is not accepted here (expected %s)",
                   fn, name, ph_dtype_name(t->dtype), (unsigned)t->dtype, list);
}

ph_status_t ph__op_check_same_dtype(const char *fn, const char *name,
                                    const ph_tensor_t *t, const char *ref_name,
                                    const ph_tensor_t *ref) {
  if (t->dtype == ref->dtype) return PH_OK;
  return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s.dtype %s != %s.dtype %s",
                   fn, name, ph_dtype_name(t->dtype), ref_name,
                   ph_dtype_name(ref->dtype));
}

ph_status_t ph__op_check_rank(const char *fn, const char *name,
                              const ph_tensor_t *t, uint32_t rank) {
  if (t->rank == rank) return PH_OK;
  return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s.rank is %u, expected %u",
                   fn, name, (unsigned)t->rank, (unsigned)rank);
}

ph_status_t ph__op_check_shape(const char *fn, const char *name,
                               const ph_tensor_t *t, uint32_t rank,
                               const int64_t *shape) {
  bool same = t->rank == rank;
  for (uint32_t d = 0; same && d < rank; ++d) same = t->shape[d] == shape[d];
  if (same) return PH_OK;
  char have[PH_SHAPE_TEXT_MAX], want[PH_SHAPE_TEXT_MAX];
  return ph__error(PH_ERROR_INVALID_ARGUMENT, "%s: %s.shape %s != expected %s",
                   fn, name, ph__shape_format(have, sizeof have, t->rank, t->shape),
                   ph__shape_format(want, sizeof want, rank, shape));
}

ph_status_t ph__op_norm_axis(const char *fn, const char *what, int64_t axis,
                             uint32_t rank, int32_t *out_axis) {
  *out_axis = 0;
  if (rank == 0)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: %s %" PRId64 " given, but the tensor has rank 0 (no axes)",
                     fn, what, axis);
  if (axis < -(int64_t)rank || axis >= (int64_t)rank)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: %s %" PRId64 " is out of range for rank %u "
                     "(expected %d..%u)",
                     fn, what, axis, (unsigned)rank, -(int)rank, (unsigned)rank - 1);
  *out_axis = (int32_t)(axis < 0 ? axis + (int64_t)rank : axis);
  return PH_OK;
}

ph_status_t ph__op_broadcast_shapes(const char *fn, const char *a_name,
                                    uint32_t a_rank, const int64_t *a_shape,
                                    const char *b_name, uint32_t b_rank,
                                    const int64_t *b_shape, uint32_t *out_rank,
                                    int64_t *out_shape) {
  uint32_t rank = a_rank > b_rank ? a_rank : b_rank;
  *out_rank = rank;
  for (uint32_t i = 0; i < rank; ++i) { /* i counts from the right */
    int64_t ea = i < a_rank ? a_shape[a_rank - 1 - i] : 1;
    int64_t eb = i < b_rank ? b_shape[b_rank - 1 - i] : 1;
    if (ea != eb && ea != 1 && eb != 1) {
      char sa[PH_SHAPE_TEXT_MAX], sb[PH_SHAPE_TEXT_MAX];
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: %s %s and %s %s do not broadcast (dim -%u: %" PRId64
                       " vs %" PRId64 ")",
                       fn, a_name, ph__shape_format(sa, sizeof sa, a_rank, a_shape),
                       b_name, ph__shape_format(sb, sizeof sb, b_rank, b_shape),
                       (unsigned)i + 1, ea, eb);
    }
    out_shape[rank - 1 - i] = ea == 1 ? eb : ea;
  }
  return PH_OK;
}

ph_status_t ph__op_expand(const char *fn, const char *name,
                          const ph_tensor_t *src, uint32_t keep, uint32_t rank,
                          const int64_t *shape, ph_tensor_t *out) {
  char ss[PH_SHAPE_TEXT_MAX], st[PH_SHAPE_TEXT_MAX];
  if (src->rank > rank || src->rank < keep)
    return ph__error(PH_ERROR_INVALID_ARGUMENT,
                     "%s: %s.rank %u cannot broadcast to shape %s", fn, name,
                     (unsigned)src->rank,
                     ph__shape_format(st, sizeof st, rank, shape));
  ph_tensor_t t = *src;
  uint32_t lead = rank - src->rank;
  for (uint32_t d = 0; d < rank; ++d) {
    if (d < lead) { /* added leading dimension */
      t.shape[d] = shape[d];
      t.strides[d] = 0;
      continue;
    }
    int64_t extent = src->shape[d - lead], stride = src->strides[d - lead];
    if (d >= rank - keep || extent == shape[d]) {
      t.shape[d] = extent;
      t.strides[d] = stride;
    } else if (extent == 1) {
      t.shape[d] = shape[d];
      t.strides[d] = 0;
    } else {
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: %s.shape %s does not broadcast to %s (dim %u: %" PRId64
                       " vs %" PRId64 ")",
                       fn, name,
                       ph__shape_format(ss, sizeof ss, src->rank, src->shape),
                       ph__shape_format(st, sizeof st, rank - keep, shape),
                       (unsigned)(d - lead), extent, shape[d]);
    }
  }
  t.rank = rank;
  *out = t;
  return PH_OK;
}

ph_status_t ph__op_copy_attrs(const char *fn, void *dst, size_t dst_size,
                              const void *src) {
  if (src != NULL) {
    size_t src_size = *(const size_t *)src;
    if (src_size < sizeof(size_t) + 1)
      return ph__error(PH_ERROR_INVALID_ARGUMENT,
                       "%s: attrs->struct_size (%zu) is too small; start from "
                       "the op's ph_*_attrs_default()",
                       fn, src_size);
    memcpy(dst, src, src_size < dst_size ? src_size : dst_size);
  }
  *(size_t *)dst = dst_size;
  return PH_OK;
}
