/*
 * Softmax and log-softmax (ph_op_softmax) on f32/f16/bf16 along every
 * axis, negative axes included, with rows of 1, 7, 129 and 1000 (full)
 * and inputs sharing a large common offset (+100: e^x alone overflows f32,
 * so an implementation that does not subtract the row maximum fails).
 * Tolerance: PHC_TOL_SOFTMAX with k = the row length. Log-softmax of rows
 * of length 1 is identically 0 (nothing to check), so only softmax runs
 * those.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "ref.h"

enum { P_RANK = 0, P_SHAPE = 1, P_AXIS = 9, P_LOG = 10, P_LAYOUT = 11, P_OFFSET = 12 };

static void run(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t dt = c->dtype, rank = (uint32_t)c->p[P_RANK];
  int32_t axis = (int32_t)c->p[P_AXIS];
  uint32_t ax = (uint32_t)(axis < 0 ? axis + (int32_t)rank : axis);
  phc_layout_t layout = (phc_layout_t)c->p[P_LAYOUT];
  double offset = (double)c->p[P_OFFSET];
  if (!phc_require_op(ctx, PH_OP_SOFTMAX, dt, layout != PHC_DENSE)) return;
  int64_t shape[PH_MAX_RANK];
  for (uint32_t i = 0; i < rank; ++i) shape[i] = c->p[P_SHAPE + i];
  phc_tensor_t x = {0}, y = {0};
  double *ref = NULL;
  if (!phc_tensor(ctx, &x, dt, rank, shape, layout) ||
      !phc_tensor(ctx, &y, dt, rank, shape, PHC_DENSE))
    goto done;
  /* A spread of 8 gives probabilities over ~3 decades. */
  if (!phc_fill_uniform(ctx, &x, offset - 4, offset + 4)) goto done;
  ref = malloc(sizeof *ref * (size_t)x.numel);
  if (!ref) { phc_fail(ctx, "out of host memory"); goto done; }
  phc_ref_softmax(x.host, rank, shape, ax, c->p[P_LOG] != 0, ref);
  if (!phc_ok(ctx, ph_op_softmax(ctx->stream, &x.t, &y.t, axis, (uint32_t)c->p[P_LOG]),
              "ph_op_softmax"))
    goto done;
  phc_check_tensor(ctx, &y, ref, NULL, phc_tolerance(PHC_TOL_SOFTMAX, dt, shape[ax]));
done:
  free(ref);
  phc_tensor_free(&x);
  phc_tensor_free(&y);
}

static void add_case(phc_suite_t *s, uint32_t dt, uint32_t profile, uint32_t rank,
                     const int64_t *shape, int32_t axis, bool log, phc_layout_t layout,
                     int64_t offset) {
  phc_case_t c;
  memset(&c, 0, sizeof c);
  c.op = PH_OP_SOFTMAX;
  c.dtype = dt;
  c.profile = profile;
  c.run = run;
  c.p[P_RANK] = rank;
  c.p[P_AXIS] = axis;
  c.p[P_LOG] = log;
  c.p[P_LAYOUT] = layout;
  c.p[P_OFFSET] = offset;
  char dims[64];
  for (uint32_t i = 0; i < rank; ++i) c.p[P_SHAPE + i] = shape[i];
  phc_dims_text(dims, sizeof dims, rank, shape);
  phc_name(&c, "op.softmax.%s.%s.%s.ax%s%d%s%s", ph_dtype_name(dt), log ? "log" : "soft", dims,
           axis < 0 ? "m" : "", axis < 0 ? -axis : axis,
           phc_layout_suffix(layout),
           offset ? ".offset" : "");
  phc_add(s, &c);
}

void phc_register_op_softmax(phc_suite_t *s) {
  static const uint32_t dts[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
  static const int64_t r7[] = {6, 7}, r1[] = {4, 1}, r129[] = {3, 129}, col[] = {7, 5},
                       r1000[] = {8, 1000}, r3[] = {3, 129, 2}, r4[] = {2, 3, 4, 5};
  for (size_t d = 0; d < sizeof dts / sizeof dts[0]; ++d) {
    uint32_t dt = dts[d];
    for (int log = 0; log < 2; ++log) {
      /* Quick: rows of 7 and 129, a column softmax on a strided input,
       * the +100 offset. */
      add_case(s, dt, PHC_QUICK, 2, r7, -1, log, PHC_DENSE, 0);
      add_case(s, dt, PHC_QUICK, 2, r129, 1, log, PHC_DENSE, 100);
      add_case(s, dt, PHC_QUICK, 2, col, 0, log, PHC_PADDED, 0);
      /* Full: every axis of rank 2..4 shapes, in every layout. */
      for (int32_t a = -2; a < 2; ++a) {
        add_case(s, dt, PHC_FULL, 2, r7, a, log, a < 0 ? PHC_REVERSED : PHC_DENSE, 0);
        add_case(s, dt, PHC_FULL, 2, r129, a, log, a == 0 ? PHC_PADDED : PHC_DENSE, 0);
      }
      for (int32_t a = -3; a < 3; ++a)
        add_case(s, dt, PHC_FULL, 3, r3, a, log, a % 2 ? PHC_PADDED : PHC_DENSE, a == 1 ? 100 : 0);
      for (int32_t a = 0; a < 4; ++a)
        add_case(s, dt, PHC_FULL, 4, r4, a, log, a == 2 ? PHC_REVERSED : PHC_DENSE, 0);
      add_case(s, dt, PHC_FULL, 2, r1000, -1, log, PHC_DENSE, 0);
      add_case(s, dt, PHC_FULL, 2, r1000, 1, log, PHC_PADDED, 100);
    }
    add_case(s, dt, PHC_QUICK, 2, r1, -1, false, PHC_DENSE, 0);
    add_case(s, dt, PHC_FULL, 2, r1, 1, false, PHC_PADDED, 100);
  }
}
