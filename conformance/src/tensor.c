/* Host-side tensors: values in fp64, a device buffer, and the layouts the
 * suite uses to exercise strided inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

int64_t phc_linear(uint32_t rank, const int64_t *shape, const int64_t *idx) {
  int64_t lin = 0;
  for (uint32_t i = 0; i < rank; ++i) lin = lin * shape[i] + idx[i];
  return lin;
}

void phc_unravel(uint32_t rank, const int64_t *shape, int64_t linear, int64_t *idx) {
  for (uint32_t i = rank; i-- > 0;) {
    idx[i] = shape[i] ? linear % shape[i] : 0;
    linear = shape[i] ? linear / shape[i] : 0;
  }
}

/* Element offset (from the view's start) of logical element |linear|. */
static int64_t phc_elem_offset(const ph_tensor_t *t, int64_t linear) {
  int64_t idx[PH_MAX_RANK];
  phc_unravel(t->rank, t->shape, linear, idx);
  int64_t off = 0;
  for (uint32_t i = 0; i < t->rank; ++i) off += idx[i] * t->strides[i];
  return off;
}

static void phc_layout_strides(ph_tensor_t *t, phc_layout_t layout) {
  uint32_t r = t->rank;
  int64_t s = 1;
  switch (layout) {
    case PHC_REVERSED:
      for (uint32_t i = 0; i < r; ++i) {
        t->strides[i] = s;
        s *= t->shape[i] > 0 ? t->shape[i] : 1;
      }
      break;
    case PHC_PADDED:
      /* Rows padded by 3 elements; a rank-1 tensor steps by 2. */
      for (uint32_t i = r; i-- > 0;) {
        if (i == r - 1) {
          t->strides[i] = r == 1 ? 2 : 1;
          s = (t->shape[i] > 0 ? t->shape[i] : 1) * t->strides[i] + 3;
        } else {
          t->strides[i] = s;
          s *= t->shape[i] > 0 ? t->shape[i] : 1;
        }
      }
      break;
    default:
      for (uint32_t i = r; i-- > 0;) {
        t->strides[i] = s;
        s *= t->shape[i] > 0 ? t->shape[i] : 1;
      }
      break;
  }
}

bool phc_tensor(phc_ctx_t *ctx, phc_tensor_t *out, uint32_t dtype, uint32_t rank,
                const int64_t *shape, phc_layout_t layout) {
  memset(out, 0, sizeof *out);
  size_t es = phc_dtype_size(dtype);
  if (es == 0 || rank > PH_MAX_RANK || (rank > 0 && shape == NULL)) {
    phc_fail(ctx, "suite bug: phc_tensor(dtype %u, rank %u)", dtype, rank);
    return false;
  }
  out->t.dtype = dtype;
  out->t.rank = rank;
  int64_t numel = 1;
  for (uint32_t i = 0; i < rank; ++i) {
    out->t.shape[i] = shape[i];
    numel *= shape[i];
  }
  out->numel = numel;
  phc_layout_strides(&out->t, layout);
  out->t.offset = layout == PHC_PADDED ? es : 0;
  int64_t span = 1;
  for (uint32_t i = 0; i < rank; ++i)
    if (shape[i] > 0) span += (shape[i] - 1) * out->t.strides[i];
  out->buffer_bytes = out->t.offset + (uint64_t)span * es;
  out->host = calloc(numel > 0 ? (size_t)numel : 1, sizeof(double));
  if (out->host == NULL) {
    phc_fail(ctx, "host out of memory for %lld elements", (long long)numel);
    return false;
  }
  if (!phc_ok(ctx, ph_buffer_alloc(ctx->device, out->buffer_bytes, 0, &out->buffer),
              "ph_buffer_alloc")) {
    phc_tensor_free(out);
    return false;
  }
  out->t.buffer = out->buffer;
  /* NaN bytes in every float dtype: an element the op never writes shows. */
  if (!phc_ok(ctx, ph_buffer_fill(ctx->stream, out->buffer, 0, 0xff, out->buffer_bytes),
              "ph_buffer_fill")) {
    phc_tensor_free(out);
    return false;
  }
  return true;
}

bool phc_upload(phc_ctx_t *ctx, phc_tensor_t *t) {
  size_t es = phc_dtype_size(t->t.dtype);
  unsigned char *img = malloc(t->buffer_bytes);
  if (img == NULL) {
    phc_fail(ctx, "host out of memory (%llu bytes)", (unsigned long long)t->buffer_bytes);
    return false;
  }
  memset(img, 0xff, t->buffer_bytes);
  for (int64_t i = 0; i < t->numel; ++i) {
    t->host[i] = phc_round_to(t->t.dtype, t->host[i]);
    phc_encode(t->t.dtype, t->host[i], img + t->t.offset + (size_t)phc_elem_offset(&t->t, i) * es);
  }
  bool ok = phc_ok(ctx, ph_buffer_write(ctx->stream, t->buffer, 0, img, t->buffer_bytes),
                   "ph_buffer_write") &&
            phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync after upload");
  free(img);
  return ok;
}

bool phc_fill_uniform(phc_ctx_t *ctx, phc_tensor_t *t, double lo, double hi) {
  for (int64_t i = 0; i < t->numel; ++i) t->host[i] = phc_rand_uniform(&ctx->rng, lo, hi);
  return phc_upload(ctx, t);
}

bool phc_fill_int(phc_ctx_t *ctx, phc_tensor_t *t, int64_t lo, int64_t hi) {
  for (int64_t i = 0; i < t->numel; ++i) t->host[i] = (double)phc_rand_int(&ctx->rng, lo, hi);
  return phc_upload(ctx, t);
}

double *phc_download(phc_ctx_t *ctx, const phc_tensor_t *t) {
  size_t es = phc_dtype_size(t->t.dtype);
  unsigned char *img = malloc(t->buffer_bytes);
  double *vals = malloc((t->numel > 0 ? (size_t)t->numel : 1) * sizeof(double));
  if (img == NULL || vals == NULL) {
    free(img);
    free(vals);
    phc_fail(ctx, "host out of memory reading %llu bytes", (unsigned long long)t->buffer_bytes);
    return NULL;
  }
  if (!phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync before download") ||
      !phc_ok(ctx, ph_buffer_read(ctx->stream, img, t->buffer, 0, t->buffer_bytes),
              "ph_buffer_read") ||
      !phc_ok(ctx, ph_stream_sync(ctx->stream), "ph_stream_sync after download")) {
    free(img);
    free(vals);
    return NULL;
  }
  for (int64_t i = 0; i < t->numel; ++i)
    vals[i] = phc_decode(t->t.dtype, img + t->t.offset + (size_t)phc_elem_offset(&t->t, i) * es);
  free(img);
  return vals;
}

void phc_tensor_free(phc_tensor_t *t) {
  if (t == NULL) return;
  ph_buffer_free(t->buffer);
  free(t->host);
  memset(t, 0, sizeof *t);
}

size_t phc_dims_text(char *buf, size_t n, uint32_t rank, const int64_t *shape) {
  size_t len = (size_t)snprintf(buf, n, "%s", rank ? "" : "s");
  for (uint32_t i = 0; i < rank && len < n; ++i)
    len += (size_t)snprintf(buf + len, n - len, "%s%lld", i ? "x" : "", (long long)shape[i]);
  return len;
}

const char *phc_layout_suffix(phc_layout_t layout) {
  return layout == PHC_PADDED ? ".padded" : layout == PHC_REVERSED ? ".reversed" : "";
}
