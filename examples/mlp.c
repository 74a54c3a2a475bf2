/*
 * A two-layer MLP forward pass through the public API, the shape of a
 * framework front-end: pick a device, upload weights, enqueue ops on a
 * stream, read the result back.
 *
 *   y = softmax(relu(x . W1 + b1) . W2 + b2)    x: [4, 64], y: [4, 10]
 *
 * Weights and inputs come from a fixed-seed LCG so every device should
 * print (nearly) the same numbers. The device is the first one PH_DEVICES
 * selects (e.g. PH_DEVICES=opencl ./mlp). Exits nonzero on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "polyhal/polyhal.h"

enum { BATCH = 4, IN = 64, HIDDEN = 128, OUT = 10 };

/* Numerical Recipes LCG: uniform in [-scale, scale). */
static uint32_t lcg_state = 12345u;
static float lcg_uniform(float scale) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return scale * ((float)(lcg_state >> 8) / 8388608.0f - 1.0f);
}

static void lcg_fill(float *v, size_t n, float scale) {
  for (size_t i = 0; i < n; ++i) v[i] = lcg_uniform(scale);
}

/* A dense f32 tensor in a fresh buffer, optionally uploaded from |host|. */
static ph_status_t make_tensor(ph_device_t *dev, ph_stream_t *stream,
                               uint32_t rank, const int64_t *shape,
                               const float *host, ph_buffer_t **out_buf,
                               ph_tensor_t *out) {
  uint64_t bytes = sizeof(float);
  for (uint32_t d = 0; d < rank; ++d) bytes *= (uint64_t)shape[d];
  ph_status_t st = ph_buffer_alloc(dev, bytes, 0, out_buf);
  if (st != PH_OK) return st;
  st = ph_tensor_init(out, *out_buf, 0, PH_DTYPE_F32, rank, shape);
  if (st == PH_OK && host) st = ph_buffer_write(stream, *out_buf, 0, host, bytes);
  return st;
}

int main(void) {
  static float x[BATCH * IN], w1[IN * HIDDEN], b1[HIDDEN], w2[HIDDEN * OUT],
      b2[OUT], y[BATCH * OUT];
  /* Scaled like a default initialiser (~1/sqrt(fan_in)). */
  lcg_fill(x, BATCH * IN, 1.0f);
  lcg_fill(w1, IN * HIDDEN, 0.125f);
  lcg_fill(b1, HIDDEN, 0.125f);
  lcg_fill(w2, HIDDEN * OUT, 0.088f);
  lcg_fill(b2, OUT, 0.088f);

  const int64_t s_x[2] = {BATCH, IN}, s_w1[2] = {IN, HIDDEN}, s_b1[1] = {HIDDEN},
                s_h[2] = {BATCH, HIDDEN}, s_w2[2] = {HIDDEN, OUT},
                s_b2[1] = {OUT}, s_y[2] = {BATCH, OUT};
  ph_device_t *dev = NULL;
  ph_device_props_t props = {.struct_size = sizeof props};
  ph_stream_t *stream = NULL;
  ph_buffer_t *bufs[8] = {NULL};
  ph_tensor_t tx, tw1, tb1, th, tw2, tb2, tz, ty;
  ph_matmul_attrs_t relu = ph_matmul_attrs_default();
  relu.activation = PH_ACT_RELU;
  size_t count = 0;
  ph_status_t st;
  int rc = 1;

  if ((st = ph_device_count(&count)) != PH_OK) goto fail;
  if (count == 0) {
    fprintf(stderr, "mlp: no device found (check PH_PLUGIN_PATH and PH_DEVICES)\n");
    return 1;
  }
  if ((st = ph_device_get(0, &dev)) != PH_OK ||
      (st = ph_device_get_props(dev, &props)) != PH_OK)
    goto fail;
  printf("device: %s (%s, %s)\n", props.id, props.name, props.vendor);

  /* Uploads, ops and the read-back are all enqueued in order on one stream;
   * the host arrays stay valid until the sync. */
  if ((st = ph_stream_create(dev, 0, &stream)) != PH_OK ||
      (st = make_tensor(dev, stream, 2, s_x, x, &bufs[0], &tx)) != PH_OK ||
      (st = make_tensor(dev, stream, 2, s_w1, w1, &bufs[1], &tw1)) != PH_OK ||
      (st = make_tensor(dev, stream, 1, s_b1, b1, &bufs[2], &tb1)) != PH_OK ||
      (st = make_tensor(dev, stream, 2, s_h, NULL, &bufs[3], &th)) != PH_OK ||
      (st = make_tensor(dev, stream, 2, s_w2, w2, &bufs[4], &tw2)) != PH_OK ||
      (st = make_tensor(dev, stream, 1, s_b2, b2, &bufs[5], &tb2)) != PH_OK ||
      (st = make_tensor(dev, stream, 2, s_y, NULL, &bufs[6], &tz)) != PH_OK ||
      (st = make_tensor(dev, stream, 2, s_y, NULL, &bufs[7], &ty)) != PH_OK ||
      (st = ph_op_matmul(stream, &tx, &tw1, &tb1, NULL, &th, &relu)) != PH_OK ||
      (st = ph_op_matmul(stream, &th, &tw2, &tb2, NULL, &tz, NULL)) != PH_OK ||
      (st = ph_op_softmax(stream, &tz, &ty, -1, 0)) != PH_OK ||
      (st = ph_buffer_read(stream, y, bufs[7], 0, sizeof y)) != PH_OK ||
      (st = ph_stream_sync(stream)) != PH_OK)
    goto fail;

  /* Position-weighted, so a permuted or constant output changes it. */
  double checksum = 0.0;
  for (int i = 0; i < BATCH; ++i) {
    printf("y[%d] =", i);
    for (int j = 0; j < OUT; ++j) {
      printf(" %.6f", (double)y[i * OUT + j]);
      checksum += (double)y[i * OUT + j] * (double)(i * OUT + j + 1);
    }
    printf("\n");
  }
  printf("checksum: %.6f\n", checksum);
  rc = 0;
  goto done;

fail:
  fprintf(stderr, "mlp: %s: %s\n", ph_status_string(st), ph_last_error());
done:
  ph_stream_destroy(stream);
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; ++i) ph_buffer_free(bufs[i]);
  return rc;
}
