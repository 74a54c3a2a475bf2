/*
 * Reductions (ph_op_reduce) on f32/f16/bf16: sum, mean, max, min over one
 * axis, several (adjacent and not), or all of them (a rank-0 y without
 * keepdims), keepdims on and off, strided inputs.
 * Tolerance: max/min exact; sum/mean PHC_TOL_REDUCE with k = the number of
 * elements reduced into each output and scale = sum |x| (mean: its mean),
 * the bound of a summation error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "ref.h"

enum { P_FUNC = 0, P_RANK = 1, P_SHAPE = 2, P_AXES = 10, P_KEEP = 11, P_LAYOUT = 12 };

static const char *const k_names[PH_REDUCE_COUNT_] = {"sum", "mean", "max", "min"};

static void run(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t func = (uint32_t)c->p[P_FUNC], dt = c->dtype, rank = (uint32_t)c->p[P_RANK];
  uint32_t axes = (uint32_t)c->p[P_AXES], keep = (uint32_t)c->p[P_KEEP];
  phc_layout_t layout = (phc_layout_t)c->p[P_LAYOUT];
  if (!phc_require_op(ctx, PH_OP_REDUCE, dt, layout != PHC_DENSE)) return;
  int64_t shape[PH_MAX_RANK], yshape[PH_MAX_RANK], count = 1;
  uint32_t yrank = 0;
  for (uint32_t i = 0; i < rank; ++i) {
    shape[i] = c->p[P_SHAPE + i];
    bool red = (axes >> i) & 1u;
    if (red) count *= shape[i];
    if (!red) yshape[yrank++] = shape[i];
    else if (keep) yshape[yrank++] = 1;
  }
  phc_tensor_t x = {0}, y = {0};
  double *ref = NULL, *scale = NULL, *absx = NULL;
  if (!phc_tensor(ctx, &x, dt, rank, shape, layout) ||
      !phc_tensor(ctx, &y, dt, yrank, yshape, PHC_DENSE))
    goto done;
  /* Mixed signs (sums partly cancel) for sum/mean; a wide range for max/min. */
  bool minmax = func == PH_REDUCE_MAX || func == PH_REDUCE_MIN;
  if (!phc_fill_uniform(ctx, &x, minmax ? -100 : -1, minmax ? 100 : 2)) goto done;
  ref = malloc(sizeof *ref * (size_t)y.numel);
  scale = malloc(sizeof *scale * (size_t)y.numel);
  absx = malloc(sizeof *absx * (size_t)x.numel);
  if (!ref || !scale || !absx) { phc_fail(ctx, "out of host memory"); goto done; }
  phc_ref_reduce(func, x.host, rank, shape, axes, ref);
  for (int64_t i = 0; i < x.numel; ++i) absx[i] = fabs(x.host[i]);
  phc_ref_reduce(func == PH_REDUCE_MEAN ? PH_REDUCE_MEAN : PH_REDUCE_SUM, absx, rank, shape, axes,
                 scale);
  if (!phc_ok(ctx, ph_op_reduce(ctx->stream, func, &x.t, &y.t, axes, keep), "ph_op_reduce"))
    goto done;
  phc_check_tensor(ctx, &y, ref, minmax ? NULL : scale,
                   phc_tolerance(minmax ? PHC_TOL_EXACT : PHC_TOL_REDUCE, dt, count));
done:
  free(ref);
  free(scale);
  free(absx);
  phc_tensor_free(&x);
  phc_tensor_free(&y);
}

static void add_case(phc_suite_t *s, uint32_t func, uint32_t dt, uint32_t profile, uint32_t rank,
                     const int64_t *shape, uint32_t axes, bool keep, phc_layout_t layout) {
  phc_case_t c;
  memset(&c, 0, sizeof c);
  c.op = PH_OP_REDUCE;
  c.dtype = dt;
  c.profile = profile;
  c.run = run;
  c.p[P_FUNC] = func;
  c.p[P_RANK] = rank;
  c.p[P_AXES] = axes;
  c.p[P_KEEP] = keep;
  c.p[P_LAYOUT] = layout;
  char dims[64];
  for (uint32_t i = 0; i < rank; ++i) c.p[P_SHAPE + i] = shape[i];
  phc_dims_text(dims, sizeof dims, rank, shape);
  phc_name(&c, "op.reduce.%s.%s.%s.axes%x%s%s", ph_dtype_name(dt), k_names[func], dims, axes,
           keep ? ".keep" : "",
           phc_layout_suffix(layout));
  phc_add(s, &c);
}

void phc_register_op_reduce(phc_suite_t *s) {
  static const uint32_t dts[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16};
  static const int64_t r4[] = {3, 4, 5, 6}, r2[] = {7, 33}, big[] = {64, 1031},
                       r5[] = {2, 3, 1, 4, 5}, r1[] = {17};
  for (uint32_t f = 0; f < PH_REDUCE_COUNT_; ++f)
    for (size_t d = 0; d < sizeof dts / sizeof dts[0]; ++d) {
      uint32_t dt = dts[d];
      /* Quick: last axis, two non-adjacent axes with keepdims, all axes. */
      add_case(s, f, dt, PHC_QUICK, 2, r2, 0x2, false, PHC_DENSE);
      add_case(s, f, dt, PHC_QUICK, 4, r4, 0x5, true, PHC_PADDED);
      add_case(s, f, dt, PHC_QUICK, 4, r4, 0xf, false, PHC_DENSE);
      /* Full: every non-empty axis set of a rank-4 input, both keepdims. */
      for (uint32_t axes = 1; axes < 16; ++axes)
        for (int keep = 0; keep < 2; ++keep) {
          if ((axes == 0x5 && keep) || (axes == 0xf && !keep)) continue; /* quick has them */
          add_case(s, f, dt, PHC_FULL, 4, r4, axes, keep,
                   axes % 3 == 0 ? PHC_REVERSED : axes % 3 == 1 ? PHC_PADDED : PHC_DENSE);
        }
      add_case(s, f, dt, PHC_FULL, 2, r2, 0x1, true, PHC_REVERSED);
      add_case(s, f, dt, PHC_FULL, 2, big, 0x2, false, PHC_DENSE);
      add_case(s, f, dt, PHC_FULL, 2, big, 0x1, false, PHC_PADDED);
      add_case(s, f, dt, PHC_FULL, 2, big, 0x3, true, PHC_DENSE);
      add_case(s, f, dt, PHC_FULL, 5, r5, 0x15, false, PHC_DENSE);
      add_case(s, f, dt, PHC_FULL, 5, r5, 0x0a, true, PHC_REVERSED);
      add_case(s, f, dt, PHC_FULL, 1, r1, 0x1, false, PHC_DENSE);
      add_case(s, f, dt, PHC_FULL, 1, r1, 0x1, true, PHC_PADDED);
    }
}
