/*
 * Test-only stand-in for kernels/ref, linked into a second build of the cpu
 * plugin so test_cpu_plugin_abi can drive op_launch while the reference
 * kernels are placeholders, and can hold a stream at a gate it controls.
 *
 * Only PH_OP_UNARY exists; f32 accepts strided inputs, i32 only dense ones.
 * The unary func picks the behaviour:
 *   NEG:  y = -x, any strides (a real computation the test checks in fp64)
 *   ABS:  fails with PH_ERROR_OUT_OF_MEMORY (error propagation)
 *   EXP:  gate: spins until the i32 at x becomes nonzero, then y = 1
 *   SQRT: y += 1 per unit (i32), so a unit run twice or never shows up
 */
#include <time.h>

#include "kernel.h"

static uint32_t stub_caps(uint32_t dtype) {
  if (dtype == PH_DTYPE_F32) return PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED;
  if (dtype == PH_DTYPE_I32) return PH_OP_CAP_SUPPORTED;
  return 0;
}

static int64_t stub_units(const ph_kargs_t *a) {
  int64_t n = 1;
  for (uint32_t i = 0; i < a->outputs[0].rank; ++i) n *= a->outputs[0].shape[i];
  return n;
}

/* Element offset in |v| of the row-major linear index |lin| of |shape|. */
static int64_t stub_offset(const ph_kview_t *v, const int64_t *shape, int64_t lin) {
  int64_t off = 0;
  for (uint32_t d = v->rank; d-- > 0;) {
    off += (lin % shape[d]) * v->strides[d];
    lin /= shape[d];
  }
  return off;
}

static ph_status_t stub_run(const ph_kargs_t *a, int64_t b, int64_t e) {
  const ph_unary_attrs_t *at = a->attrs;
  if (at == NULL || at->struct_size < sizeof(*at)) return PH_ERROR_INTERNAL;
  const ph_kview_t *x = &a->inputs[0], *y = &a->outputs[0];
  switch (at->func) {
    case PH_UNARY_NEG:
      for (int64_t i = b; i < e; ++i) {
        int64_t o = stub_offset(x, y->shape, i);
        if (x->dtype == PH_DTYPE_F32) ((float *)y->data)[i] = -((const float *)x->data)[o];
        else ((int32_t *)y->data)[i] = -((const int32_t *)x->data)[o];
      }
      return PH_OK;
    case PH_UNARY_ABS:
      return PH_ERROR_OUT_OF_MEMORY;
    case PH_UNARY_EXP: {
      struct timespec nap = {0, 200000};
      while (__atomic_load_n((const int32_t *)x->data, __ATOMIC_ACQUIRE) == 0)
        nanosleep(&nap, NULL);
      for (int64_t i = b; i < e; ++i) ((int32_t *)y->data)[i] = 1;
      return PH_OK;
    }
    case PH_UNARY_SQRT:
      for (int64_t i = b; i < e; ++i) ((int32_t *)y->data)[i] += 1;
      return PH_OK;
    default:
      return PH_ERROR_UNSUPPORTED;
  }
}

static const ph_kernel_t stub_unary = {PH_OP_UNARY, stub_caps, stub_units, stub_run};

const ph_kernel_t *ph_ref_kernel(uint32_t op) {
  return op == PH_OP_UNARY ? &stub_unary : NULL;
}
