/*
 * Data movement, all exact and for every dtype (f32 f16 bf16 i8 i32):
 *  - transpose: ranks 1..8 (8 in full), identity, reversal and mixed
 *    permutations, negative perm entries, strided inputs;
 *  - concat: 1, 2 and 5 inputs of different extents along every axis,
 *    negative axes included, inputs in mixed layouts;
 *  - gather: every axis (and a negative one), negative indices, index
 *    tensors of rank 0, 1 and 2. Out-of-range indices are left to the
 *    device by the spec and are never used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "ref.h"

/* Shared parameter slots. */
enum { P_RANK = 0, P_SHAPE = 1, P_LAYOUT = 9, P_A = 10 };
/* transpose: perm in P_A..P_A+7; concat: axis P_A, n P_A+1, extents P_A+2..;
 * gather: axis P_A, index rank P_A+1, index shape P_A+2.. */

static const uint32_t k_dtypes[] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16, PH_DTYPE_I8,
                                    PH_DTYPE_I32};

/* Distinct-looking values: integers cover their whole range, floats get
 * fractions (rounded to the dtype). */
static bool fill(phc_ctx_t *ctx, phc_tensor_t *t) {
  switch (t->t.dtype) {
    case PH_DTYPE_I8: return phc_fill_int(ctx, t, -128, 127);
    case PH_DTYPE_I32: return phc_fill_int(ctx, t, INT32_MIN, INT32_MAX);
    default: return phc_fill_uniform(ctx, t, -100, 100);
  }
}

static void base_case(phc_case_t *c, uint32_t op, uint32_t dt, uint32_t profile,
                      phc_run_fn fn, uint32_t rank, const int64_t *shape, phc_layout_t layout) {
  memset(c, 0, sizeof *c);
  c->op = op;
  c->dtype = dt;
  c->profile = profile;
  c->run = fn;
  c->p[P_RANK] = rank;
  c->p[P_LAYOUT] = layout;
  for (uint32_t i = 0; i < rank; ++i) c->p[P_SHAPE + i] = shape[i];
}

/* --- transpose ------------------------------------------------------------ */

static void run_transpose(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t dt = c->dtype, rank = (uint32_t)c->p[P_RANK];
  phc_layout_t layout = (phc_layout_t)c->p[P_LAYOUT];
  if (!phc_require_op(ctx, PH_OP_TRANSPOSE, dt, layout != PHC_DENSE)) return;
  int64_t shape[PH_MAX_RANK], yshape[PH_MAX_RANK];
  int32_t perm[PH_MAX_RANK], norm[PH_MAX_RANK];
  for (uint32_t i = 0; i < rank; ++i) {
    shape[i] = c->p[P_SHAPE + i];
    perm[i] = (int32_t)c->p[P_A + i];
    norm[i] = perm[i] < 0 ? perm[i] + (int32_t)rank : perm[i];
  }
  for (uint32_t i = 0; i < rank; ++i) yshape[i] = shape[norm[i]];
  phc_tensor_t x = {0}, y = {0};
  double *ref = NULL;
  if (!phc_tensor(ctx, &x, dt, rank, shape, layout) ||
      !phc_tensor(ctx, &y, dt, rank, yshape, PHC_DENSE) || !fill(ctx, &x))
    goto done;
  ref = malloc(sizeof *ref * (size_t)x.numel);
  if (!ref) { phc_fail(ctx, "out of host memory"); goto done; }
  phc_ref_transpose(x.host, rank, shape, norm, ref);
  if (!phc_ok(ctx, ph_op_transpose(ctx->stream, &x.t, &y.t, perm), "ph_op_transpose")) goto done;
  phc_check_tensor(ctx, &y, ref, NULL, phc_tolerance(PHC_TOL_EXACT, dt, 0));
done:
  free(ref);
  phc_tensor_free(&x);
  phc_tensor_free(&y);
}

static void add_transpose(phc_suite_t *s, uint32_t dt, uint32_t profile, uint32_t rank,
                          const int64_t *shape, const int32_t *perm, const char *kind,
                          phc_layout_t layout) {
  phc_case_t c;
  base_case(&c, PH_OP_TRANSPOSE, dt, profile, run_transpose, rank, shape, layout);
  for (uint32_t i = 0; i < rank; ++i) c.p[P_A + i] = perm[i];
  char dims[64];
  phc_dims_text(dims, sizeof dims, rank, shape);
  phc_name(&c, "op.transpose.%s.r%u.%s.%s%s", ph_dtype_name(dt), rank, kind, dims,
           phc_layout_suffix(layout));
  phc_add(s, &c);
}

static void register_transpose(phc_suite_t *s, uint32_t dt) {
  static const int64_t shapes[8][8] = {
      {13}, {5, 7}, {3, 4, 5}, {2, 3, 4, 5}, {2, 3, 1, 4, 3}, {2, 1, 3, 2, 2, 3},
      {2, 2, 1, 3, 2, 1, 2}, {2, 3, 1, 2, 2, 1, 3, 2}};
  for (uint32_t rank = 1; rank <= 8; ++rank) {
    const int64_t *shape = shapes[rank - 1];
    int32_t ident[8], rev[8], mixed[8], neg[8];
    for (uint32_t i = 0; i < rank; ++i) {
      ident[i] = (int32_t)i;
      rev[i] = (int32_t)(rank - 1 - i);
      /* A rotation by one with the first two swapped: not its own inverse. */
      mixed[i] = (int32_t)((i + 1) % rank);
      /* The reversal spelled with negative entries where they exist. */
      neg[i] = i % 2 ? rev[i] - (int32_t)rank : rev[i];
    }
    if (rank > 2) {
      int32_t t = mixed[0];
      mixed[0] = mixed[1];
      mixed[1] = t;
    }
    /* Quick: identities of rank 2..4, reversals of rank 2 and 3, a mixed
     * rank-4 permutation of a padded input, negative entries at rank 3. */
    bool quick = rank == 2 || rank == 3 || rank == 4;
    add_transpose(s, dt, quick ? PHC_QUICK : PHC_FULL, rank, shape, ident, "ident", PHC_DENSE);
    add_transpose(s, dt, rank == 2 || rank == 3 ? PHC_QUICK : PHC_FULL, rank, shape, rev, "rev",
                  PHC_DENSE);
    add_transpose(s, dt, rank == 4 ? PHC_QUICK : PHC_FULL, rank, shape, mixed, "mixed",
                  rank == 4 ? PHC_PADDED : PHC_DENSE);
    add_transpose(s, dt, rank == 3 ? PHC_QUICK : PHC_FULL, rank, shape, neg, "neg",
                  rank % 2 ? PHC_REVERSED : PHC_PADDED);
    if (rank >= 2)
      add_transpose(s, dt, PHC_FULL, rank, shape, mixed, "mixed", PHC_REVERSED);
  }
  static const int64_t big2[] = {129, 257};
  static const int32_t swap[] = {1, 0};
  add_transpose(s, dt, PHC_FULL, 2, big2, swap, "rev", PHC_PADDED);
}

/* --- concat --------------------------------------------------------------- */

static void run_concat(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t dt = c->dtype, rank = (uint32_t)c->p[P_RANK];
  int32_t axis = (int32_t)c->p[P_A];
  uint32_t ax = (uint32_t)(axis < 0 ? axis + (int32_t)rank : axis);
  size_t n = (size_t)c->p[P_A + 1];
  bool strided = c->p[P_LAYOUT] != 0;
  if (!phc_require_op(ctx, PH_OP_CONCAT, dt, strided)) return;
  int64_t shape[PH_MAX_RANK], ext[8], yshape[PH_MAX_RANK];
  phc_tensor_t xs[8], y = {0};
  const ph_tensor_t *views[8];
  const double *vals[8];
  double *ref = NULL;
  memset(xs, 0, sizeof xs);
  for (uint32_t i = 0; i < rank; ++i) shape[i] = yshape[i] = c->p[P_SHAPE + i];
  yshape[ax] = 0;
  for (size_t k = 0; k < n; ++k) {
    ext[k] = c->p[P_A + 2 + (int64_t)k];
    yshape[ax] += ext[k];
  }
  for (size_t k = 0; k < n; ++k) {
    int64_t xshape[PH_MAX_RANK];
    memcpy(xshape, shape, sizeof xshape);
    xshape[ax] = ext[k];
    /* Strided cases alternate dense, padded and reversed inputs. */
    phc_layout_t l = strided ? (phc_layout_t)((k + 1) % 3) : PHC_DENSE;
    if (!phc_tensor(ctx, &xs[k], dt, rank, xshape, l) || !fill(ctx, &xs[k])) goto done;
    views[k] = &xs[k].t;
    vals[k] = xs[k].host;
  }
  if (!phc_tensor(ctx, &y, dt, rank, yshape, PHC_DENSE)) goto done;
  ref = malloc(sizeof *ref * (size_t)y.numel);
  if (!ref) { phc_fail(ctx, "out of host memory"); goto done; }
  phc_ref_concat(vals, ext, n, rank, shape, ax, ref);
  if (!phc_ok(ctx, ph_op_concat(ctx->stream, views, n, &y.t, axis), "ph_op_concat")) goto done;
  phc_check_tensor(ctx, &y, ref, NULL, phc_tolerance(PHC_TOL_EXACT, dt, 0));
done:
  free(ref);
  for (size_t k = 0; k < n; ++k) phc_tensor_free(&xs[k]);
  phc_tensor_free(&y);
}

static void add_concat(phc_suite_t *s, uint32_t dt, uint32_t profile, uint32_t rank,
                       const int64_t *shape, int32_t axis, size_t n, bool strided) {
  static const int64_t exts[] = {3, 1, 4, 2, 5};
  phc_case_t c;
  base_case(&c, PH_OP_CONCAT, dt, profile, run_concat, rank, shape, strided ? PHC_PADDED : PHC_DENSE);
  c.p[P_A] = axis;
  c.p[P_A + 1] = (int64_t)n;
  for (size_t k = 0; k < n; ++k) c.p[P_A + 2 + (int64_t)k] = exts[k];
  char dims[64];
  phc_dims_text(dims, sizeof dims, rank, shape);
  phc_name(&c, "op.concat.%s.n%zu.%s.ax%s%d%s", ph_dtype_name(dt), n, dims, axis < 0 ? "m" : "",
           axis < 0 ? -axis : axis, strided ? ".strided" : "");
  phc_add(s, &c);
}

static void register_concat(phc_suite_t *s, uint32_t dt) {
  static const int64_t r3[] = {3, 4, 5}, r1[] = {7}, r4[] = {2, 3, 2, 3};
  static const size_t ns[] = {1, 2, 5};
  /* Quick: two inputs on the first and last (negative) axis, five on the
   * middle one with strided inputs, a single input. */
  add_concat(s, dt, PHC_QUICK, 3, r3, 0, 2, false);
  add_concat(s, dt, PHC_QUICK, 3, r3, -1, 2, false);
  add_concat(s, dt, PHC_QUICK, 3, r3, 1, 5, true);
  add_concat(s, dt, PHC_QUICK, 3, r3, 2, 1, false);
  for (size_t i = 0; i < 3; ++i) {
    for (int32_t a = -3; a < 3; ++a) {
      size_t n = ns[i];
      bool strided = (a + 3 + (int32_t)i) % 2 != 0;
      if ((n == 2 && (a == 0 || a == -1) && !strided) || (n == 5 && a == 1 && strided) ||
          (n == 1 && a == 2 && !strided))
        continue; /* quick has them */
      add_concat(s, dt, PHC_FULL, 3, r3, a, n, strided);
    }
    add_concat(s, dt, PHC_FULL, 1, r1, -1, ns[i], i == 1);
    for (int32_t a = 0; a < 4; ++a) add_concat(s, dt, PHC_FULL, 4, r4, a, ns[i], a % 2 == 0);
  }
}

/* --- gather --------------------------------------------------------------- */

static void run_gather(phc_ctx_t *ctx, const phc_case_t *c) {
  uint32_t dt = c->dtype, rank = (uint32_t)c->p[P_RANK];
  int32_t axis = (int32_t)c->p[P_A];
  uint32_t ax = (uint32_t)(axis < 0 ? axis + (int32_t)rank : axis);
  uint32_t irank = (uint32_t)c->p[P_A + 1];
  phc_layout_t layout = (phc_layout_t)c->p[P_LAYOUT];
  if (!phc_require_op(ctx, PH_OP_GATHER, dt, layout != PHC_DENSE)) return;
  if (!(ctx->props.dtypes & (1u << PH_DTYPE_I32))) {
    phc_skip(ctx, "device does not store i32 (gather's indices)");
    return;
  }
  int64_t shape[PH_MAX_RANK], ishape[PH_MAX_RANK], yshape[PH_MAX_RANK];
  uint32_t yrank = 0;
  for (uint32_t i = 0; i < rank; ++i) shape[i] = c->p[P_SHAPE + i];
  for (uint32_t i = 0; i < irank; ++i) ishape[i] = c->p[P_A + 2 + i];
  for (uint32_t i = 0; i < ax; ++i) yshape[yrank++] = shape[i];
  for (uint32_t i = 0; i < irank; ++i) yshape[yrank++] = ishape[i];
  for (uint32_t i = ax + 1; i < rank; ++i) yshape[yrank++] = shape[i];
  phc_tensor_t t = {0}, idx = {0}, y = {0};
  double *ref = NULL;
  int64_t v = shape[ax];
  if (!phc_tensor(ctx, &t, dt, rank, shape, layout) || !fill(ctx, &t) ||
      !phc_tensor(ctx, &idx, PH_DTYPE_I32, irank, ishape,
                  layout == PHC_DENSE ? PHC_DENSE : PHC_PADDED) ||
      !phc_tensor(ctx, &y, dt, yrank, yshape, PHC_DENSE))
    goto done;
  /* Every index in [-V, V): both spellings of each slice. */
  if (!phc_fill_int(ctx, &idx, -v, v - 1)) goto done;
  ref = malloc(sizeof *ref * (size_t)y.numel);
  if (!ref) { phc_fail(ctx, "out of host memory"); goto done; }
  phc_ref_gather(t.host, rank, shape, idx.host, idx.numel, ax, ref);
  if (!phc_ok(ctx, ph_op_gather(ctx->stream, &t.t, &idx.t, &y.t, axis), "ph_op_gather")) goto done;
  phc_check_tensor(ctx, &y, ref, NULL, phc_tolerance(PHC_TOL_EXACT, dt, 0));
done:
  free(ref);
  phc_tensor_free(&t);
  phc_tensor_free(&idx);
  phc_tensor_free(&y);
}

static void add_gather(phc_suite_t *s, uint32_t dt, uint32_t profile, uint32_t rank,
                       const int64_t *shape, int32_t axis, uint32_t irank, const int64_t *ishape,
                       phc_layout_t layout) {
  phc_case_t c;
  base_case(&c, PH_OP_GATHER, dt, profile, run_gather, rank, shape, layout);
  c.p[P_A] = axis;
  c.p[P_A + 1] = irank;
  for (uint32_t i = 0; i < irank; ++i) c.p[P_A + 2 + i] = ishape[i];
  char dims[64], idims[32];
  phc_dims_text(dims, sizeof dims, rank, shape);
  phc_dims_text(idims, sizeof idims, irank, ishape);
  phc_name(&c, "op.gather.%s.%s.ax%s%d.idx%s%s", ph_dtype_name(dt), dims, axis < 0 ? "m" : "",
           axis < 0 ? -axis : axis, idims, phc_layout_suffix(layout));
  phc_add(s, &c);
}

static void register_gather(phc_suite_t *s, uint32_t dt) {
  static const int64_t t3[] = {5, 6, 7}, t1[] = {11}, t4[] = {3, 4, 2, 5}, i1[] = {9},
                       i2[] = {3, 4}, big[] = {300, 64}, ibig[] = {1000};
  /* Quick: rank-1 indices on the first axis, rank-2 on the last (negative
   * axis), a rank-0 index in the middle on a strided table. */
  add_gather(s, dt, PHC_QUICK, 3, t3, 0, 1, i1, PHC_DENSE);
  add_gather(s, dt, PHC_QUICK, 3, t3, -1, 2, i2, PHC_DENSE);
  add_gather(s, dt, PHC_QUICK, 3, t3, 1, 0, NULL, PHC_PADDED);
  for (int32_t a = -3; a < 3; ++a)
    for (uint32_t ir = 0; ir < 3; ++ir) {
      if ((a == 0 && ir == 1) || (a == -1 && ir == 2) || (a == 1 && ir == 0)) continue;
      add_gather(s, dt, PHC_FULL, 3, t3, a, ir, ir == 1 ? i1 : i2,
                 (a + 3 + (int32_t)ir) % 3 == 0 ? PHC_REVERSED : PHC_DENSE);
    }
  for (uint32_t ir = 0; ir < 3; ++ir)
    add_gather(s, dt, PHC_FULL, 1, t1, 0, ir, ir == 1 ? i1 : i2, ir == 2 ? PHC_PADDED : PHC_DENSE);
  for (int32_t a = 0; a < 4; ++a)
    add_gather(s, dt, PHC_FULL, 4, t4, a, 2, i2, a == 3 ? PHC_PADDED : PHC_DENSE);
  add_gather(s, dt, PHC_FULL, 2, big, 0, 1, ibig, PHC_DENSE);
}

void phc_register_op_layout(phc_suite_t *s) {
  for (size_t d = 0; d < sizeof k_dtypes / sizeof k_dtypes[0]; ++d) {
    register_transpose(s, k_dtypes[d]);
    register_concat(s, k_dtypes[d]);
    register_gather(s, k_dtypes[d]);
  }
}
