/*
 * A tiny program for the program-cache and binary-only tests: runs one
 * unary op (relu, f32) on opencl:0 and checks it against max(0, x)
 * computed here. Exit: 0 right answer, 1 wrong answer or setup failure,
 * 3 the op was refused (status and message printed), 77 no device.
 */
#include <stdio.h>

#include "polyhal/polyhal.h"

int main(void) {
  ph_device_t *dev = NULL;
  ph_status_t st = ph_device_find("opencl:0", &dev);
  if (st != PH_OK) {
    printf("SKIP: no OpenCL device (%s: %s)\n", ph_status_string(st), ph_last_error());
    return 77;
  }
  enum { N = 257 };
  float x[N], y[N];
  for (int i = 0; i < N; ++i) x[i] = (float)(i - 128) * 0.25f;
  ph_stream_t *s = NULL;
  ph_buffer_t *bx = NULL, *by = NULL;
  int rc = 1;
  if (ph_stream_create(dev, 0, &s) != PH_OK ||
      ph_buffer_alloc(dev, sizeof(x), PH_MEM_DEVICE, &bx) != PH_OK ||
      ph_buffer_alloc(dev, sizeof(y), PH_MEM_DEVICE, &by) != PH_OK) {
    printf("cache_probe: setup failed: %s\n", ph_last_error());
    goto out;
  }
  int64_t shape[1] = {N};
  ph_tensor_t tx, ty;
  ph_tensor_init(&tx, bx, 0, PH_DTYPE_F32, 1, shape);
  ph_tensor_init(&ty, by, 0, PH_DTYPE_F32, 1, shape);
  ph_buffer_write(s, bx, 0, x, sizeof(x));
  st = ph_op_unary(s, PH_UNARY_RELU, &tx, &ty);
  if (st != PH_OK) {
    printf("cache_probe: op refused: %s: %s\n", ph_status_string(st), ph_last_error());
    rc = 3;
    goto out;
  }
  ph_buffer_read(s, y, by, 0, sizeof(y));
  st = ph_stream_sync(s);
  if (st != PH_OK) {
    printf("cache_probe: sync failed: %s\n", ph_last_error());
    goto out;
  }
  int bad = 0;
  for (int i = 0; i < N; ++i) bad += y[i] != (x[i] > 0.0f ? x[i] : 0.0f);
  printf(bad ? "cache_probe: WRONG (%d elements)\n" : "cache_probe: ok\n", bad);
  rc = bad ? 1 : 0;
out:
  ph_buffer_free(bx);
  ph_buffer_free(by);
  ph_stream_destroy(s);
  return rc;
}
