/*
 * Tests of the reference transpose, concat and gather kernels: every
 * dtype, ranks 1 to 8, every axis, strided, transposed and broadcast
 * inputs, runs whole and in 3 parts. These ops move bytes, so each output
 * element must equal, bit for bit, the input element that index
 * arithmetic written here says it comes from (or zero, for a gather
 * index out of range).
 */
#include "ktest.h"

#define NDT 5
static const uint32_t dtypes[NDT] = {PH_DTYPE_F32, PH_DTYPE_F16, PH_DTYPE_BF16,
                                     PH_DTYPE_I8, PH_DTYPE_I32};

static int64_t numel(uint32_t rank, const int64_t *shape) {
  int64_t n = 1;
  for (uint32_t d = 0; d < rank; ++d) n *= shape[d];
  return n;
}

/* Row-major multi-index of |lin| over |shape|. */
static void unravel(int64_t lin, uint32_t rank, const int64_t *shape, int64_t *idx) {
  for (int d = (int)rank - 1; d >= 0; --d) {
    idx[d] = lin % shape[d];
    lin /= shape[d];
  }
}

static int64_t dot(uint32_t rank, const int64_t *idx, const int64_t *strides) {
  int64_t off = 0;
  for (uint32_t d = 0; d < rank; ++d) off += idx[d] * strides[d];
  return off;
}

/* Layouts of an input view. */
enum { DENSE, PADDED, REVERSED, BCAST, NLAYOUT };
static const char *layout_name[NLAYOUT] = {"dense", "padded", "reversed", "bcast"};

/* A view of |shape| in |layout| (BCAST: stride 0 on |baxis|, which must
 * have extent... any; the view then repeats one slice) over new storage
 * filled with random bytes. */
static ph_kview_t make_view(uint32_t dt, uint32_t rank, const int64_t *shape, int layout,
                            uint32_t baxis) {
  ph_kview_t v;
  memset(&v, 0, sizeof v);
  v.dtype = dt;
  v.rank = rank;
  int64_t s = layout == PADDED ? 2 : 1, maxoff = 0;
  for (uint32_t k = 0; k < rank; ++k) {
    uint32_t d = layout == REVERSED ? k : rank - 1 - k;
    v.shape[d] = shape[d];
    if (layout == BCAST && d == baxis) {
      v.strides[d] = 0;
      continue;
    }
    v.strides[d] = s;
    s = s * shape[d] + (layout == PADDED ? 3 : 0);
    maxoff += (shape[d] > 0 ? shape[d] - 1 : 0) * v.strides[d];
  }
  size_t bytes = (size_t)(maxoff + 1) * kt_dtype_size(dt);
  v.data = malloc(bytes);
  for (size_t i = 0; i < bytes; ++i) ((unsigned char *)v.data)[i] = (unsigned char)kt_next();
  return v;
}

/* Element |off| of |v|'s storage, as bytes. */
static const unsigned char *elem(const ph_kview_t *v, int64_t off) {
  return (const unsigned char *)v->data + off * (int64_t)kt_dtype_size(v->dtype);
}

/* ---- transpose ---- */

static void check_transpose(const ph_kview_t *x, const int32_t *perm, const char *what) {
  int64_t yshape[PH_MAX_RANK] = {0};
  for (uint32_t d = 0; d < x->rank; ++d) yshape[d] = x->shape[perm[d]];
  ph_kview_t y = kt_dense(x->dtype, x->rank, yshape);
  ph_transpose_attrs_t at;
  memset(&at, 0, sizeof at);
  at.struct_size = sizeof at;
  memcpy(at.perm, perm, x->rank * sizeof perm[0]);
  ph_kargs_t a = {PH_OP_TRANSPOSE, 1, x, 1, &y, &at};
  int64_t n = numel(x->rank, yshape);
  size_t es = kt_dtype_size(x->dtype);
  KT_CHECK(ph_ref_transpose.units(&a) == n, "transpose units");
  for (int parts = 1; parts <= 3; parts += 2) {
    memset(y.data, 0xa5, (size_t)n * es);
    KT_CHECK(kt_run(&ph_ref_transpose, &a, parts) == PH_OK, "transpose status");
    int64_t bad = 0, yi[PH_MAX_RANK], xi[PH_MAX_RANK];
    for (int64_t i = 0; i < n; ++i) {
      unravel(i, x->rank, yshape, yi);
      for (uint32_t d = 0; d < x->rank; ++d) xi[perm[d]] = yi[d];
      if (memcmp(elem(&y, i), elem(x, dot(x->rank, xi, x->strides)), es) != 0 && bad++ == 0)
        fprintf(stderr, "  transpose %s dtype %u parts %d: element %lld wrong\n", what,
                x->dtype, parts, (long long)i);
    }
    KT_CHECK(bad == 0, "transpose %s rank %u dtype %u: %lld of %lld wrong", what, x->rank,
             x->dtype, (long long)bad, (long long)n);
  }
  free(y.data);
}

static void random_perm(uint32_t rank, int32_t *perm) {
  for (uint32_t d = 0; d < rank; ++d) perm[d] = (int32_t)d;
  for (uint32_t d = rank; d > 1; --d) {
    uint32_t j = (uint32_t)(kt_next() % d);
    int32_t t = perm[d - 1];
    perm[d - 1] = perm[j];
    perm[j] = t;
  }
}

static void test_transpose(void) {
  static const int64_t shapes[8][PH_MAX_RANK] = {
      {129}, {7, 63}, {1, 129, 7}, {3, 1, 5, 7}, {2, 3, 1, 4, 5},
      {2, 1, 3, 2, 3, 2}, {2, 3, 1, 2, 3, 2, 2}, {2, 3, 1, 2, 3, 2, 1, 3}};
  char what[64];
  for (int t = 0; t < NDT; ++t)
    for (uint32_t rank = 1; rank <= PH_MAX_RANK; ++rank)
      for (int l = 0; l < NLAYOUT; ++l)
        for (int p = 0; p < 4; ++p) {
          int32_t perm[PH_MAX_RANK];
          if (p == 0) for (uint32_t d = 0; d < rank; ++d) perm[d] = (int32_t)d;
          else if (p == 1) for (uint32_t d = 0; d < rank; ++d) perm[d] = (int32_t)(rank - 1 - d);
          else random_perm(rank, perm);
          ph_kview_t x = make_view(dtypes[t], rank, shapes[rank - 1], l, (uint32_t)p % rank);
          snprintf(what, sizeof what, "%s perm#%d", layout_name[l], p);
          check_transpose(&x, perm, what);
          free(x.data);
        }
  /* A transpose of odd sizes, both 2-d orders, and rank 1 of size 1. */
  int64_t s2[2] = {63, 129}, s1[1] = {1};
  int32_t swap[2] = {1, 0}, id[1] = {0};
  ph_kview_t x = make_view(PH_DTYPE_F32, 2, s2, PADDED, 0);
  check_transpose(&x, swap, "63x129 swap");
  free(x.data);
  x = make_view(PH_DTYPE_I8, 1, s1, DENSE, 0);
  check_transpose(&x, id, "size 1");
  free(x.data);
}

/* ---- concat ---- */

static void check_concat(ph_kview_t *xs, size_t nx, int32_t axis, const char *what) {
  uint32_t rank = xs[0].rank;
  int64_t yshape[PH_MAX_RANK] = {0};
  memcpy(yshape, xs[0].shape, sizeof yshape);
  yshape[axis] = 0;
  for (size_t k = 0; k < nx; ++k) yshape[axis] += xs[k].shape[axis];
  ph_kview_t y = kt_dense(xs[0].dtype, rank, yshape);
  ph_concat_attrs_t at = {sizeof at, axis};
  ph_kargs_t a = {PH_OP_CONCAT, nx, xs, 1, &y, &at};
  int64_t n = numel(rank, yshape);
  size_t es = kt_dtype_size(y.dtype);
  KT_CHECK(ph_ref_concat.units(&a) == n, "concat units");
  for (int parts = 1; parts <= 3; parts += 2) {
    memset(y.data, 0xa5, (size_t)n * es);
    KT_CHECK(kt_run(&ph_ref_concat, &a, parts) == PH_OK, "concat status");
    int64_t bad = 0, yi[PH_MAX_RANK];
    for (int64_t i = 0; i < n; ++i) {
      unravel(i, rank, yshape, yi);
      size_t k = 0;
      while (yi[axis] >= xs[k].shape[axis]) yi[axis] -= xs[k++].shape[axis];
      if (memcmp(elem(&y, i), elem(&xs[k], dot(rank, yi, xs[k].strides)), es) != 0 &&
          bad++ == 0)
        fprintf(stderr, "  concat %s parts %d: element %lld wrong\n", what, parts,
                (long long)i);
    }
    KT_CHECK(bad == 0, "concat %s dtype %u: %lld of %lld wrong", what, y.dtype,
             (long long)bad, (long long)n);
  }
  free(y.data);
}

static void test_concat(void) {
  static const int64_t base[4] = {3, 7, 5, 2};
  static const int64_t extents[4] = {2, 1, 7, 0}; /* along the axis, per input */
  char what[96];
  for (int t = 0; t < NDT; ++t)
    for (uint32_t rank = 1; rank <= 4; ++rank)
      for (int32_t axis = 0; axis < (int32_t)rank; ++axis)
        for (size_t nx = 1; nx <= 4; ++nx) {
          ph_kview_t xs[4];
          for (size_t k = 0; k < nx; ++k) {
            int64_t shape[4];
            memcpy(shape, base, sizeof shape);
            shape[axis] = nx == 1 ? 5 : extents[(k + (size_t)axis) % 4];
            int layout = (int)((k + rank) % NLAYOUT);
            xs[k] = make_view(dtypes[t], rank, shape, layout, (uint32_t)(k % rank));
          }
          snprintf(what, sizeof what, "rank %u axis %d inputs %zu", rank, axis, nx);
          check_concat(xs, nx, axis, what);
          for (size_t k = 0; k < nx; ++k) free(xs[k].data);
        }
  /* Odd sizes along the last axis, where runs cross inputs inside a row. */
  int64_t s0[2] = {63, 129}, s1[2] = {63, 1}, s2[2] = {63, 7};
  ph_kview_t xs[3] = {make_view(PH_DTYPE_BF16, 2, s0, REVERSED, 0),
                      make_view(PH_DTYPE_BF16, 2, s1, BCAST, 0),
                      make_view(PH_DTYPE_BF16, 2, s2, PADDED, 0)};
  check_concat(xs, 3, 1, "63x{129,1,7} last axis");
  for (int k = 0; k < 3; ++k) free(xs[k].data);
}

/* ---- gather ---- */

static void check_gather(const ph_kview_t *table, const ph_kview_t *ix, int32_t axis,
                         const char *what) {
  uint32_t tr = table->rank, ir = ix->rank, yr = tr - 1 + ir;
  int64_t yshape[PH_MAX_RANK] = {0};
  for (int32_t d = 0; d < axis; ++d) yshape[d] = table->shape[d];
  for (uint32_t d = 0; d < ir; ++d) yshape[(uint32_t)axis + d] = ix->shape[d];
  for (uint32_t d = (uint32_t)axis + 1; d < tr; ++d) yshape[d - 1 + ir] = table->shape[d];
  ph_kview_t y = kt_dense(table->dtype, yr, yshape);
  ph_gather_attrs_t at = {sizeof at, axis};
  ph_kview_t in[2] = {*table, *ix};
  ph_kargs_t a = {PH_OP_GATHER, 2, in, 1, &y, &at};
  int64_t n = numel(yr, yshape), v = table->shape[axis];
  size_t es = kt_dtype_size(y.dtype);
  static const unsigned char zero[4];
  KT_CHECK(ph_ref_gather.units(&a) == n, "gather units");
  for (int parts = 1; parts <= 3; parts += 2) {
    memset(y.data, 0xa5, (size_t)n * es);
    KT_CHECK(kt_run(&ph_ref_gather, &a, parts) == PH_OK, "gather status");
    int64_t bad = 0, yi[PH_MAX_RANK], ti[PH_MAX_RANK];
    for (int64_t i = 0; i < n; ++i) {
      unravel(i, yr, yshape, yi);
      int32_t k;
      memcpy(&k, elem(ix, dot(ir, yi + axis, ix->strides)), 4);
      for (int32_t d = 0; d < axis; ++d) ti[d] = yi[d];
      for (uint32_t d = (uint32_t)axis + 1; d < tr; ++d) ti[d] = yi[d - 1 + ir];
      int64_t kk = k;
      ti[axis] = kk < 0 ? kk + v : kk;
      const unsigned char *want =
          ti[axis] >= 0 && ti[axis] < v ? elem(table, dot(tr, ti, table->strides)) : zero;
      if (memcmp(elem(&y, i), want, es) != 0 && bad++ == 0)
        fprintf(stderr, "  gather %s parts %d: element %lld (index %d) wrong\n", what, parts,
                (long long)i, k);
    }
    KT_CHECK(bad == 0, "gather %s dtype %u: %lld of %lld wrong", what, y.dtype,
             (long long)bad, (long long)n);
  }
  free(y.data);
}

/* Indices of |shape| in |layout|, values in [-v-2, v+2) plus extremes. */
static ph_kview_t make_indices(uint32_t rank, const int64_t *shape, int layout, int64_t v) {
  ph_kview_t ix = make_view(PH_DTYPE_I32, rank, shape, layout, 0);
  int64_t count = 1;
  for (uint32_t d = 0; d < rank; ++d)
    count += (shape[d] - 1) * ix.strides[d];
  for (int64_t i = 0; i < count; ++i) {
    int64_t r = kt_next() % 16;
    int32_t k = r == 0 ? INT32_MIN : r == 1 ? INT32_MAX
              : (int32_t)(kt_next() % (uint64_t)(2 * v + 4)) - (int32_t)v - 2;
    ((int32_t *)ix.data)[i] = k;
  }
  return ix;
}

static void test_gather(void) {
  static const int64_t tshape[3] = {5, 7, 3};
  static const int64_t ishapes[3][2] = {{0, 0}, {9, 0}, {4, 3}}; /* by index rank */
  char what[96];
  for (int t = 0; t < NDT; ++t)
    for (uint32_t tr = 1; tr <= 3; ++tr)
      for (int32_t axis = 0; axis < (int32_t)tr; ++axis)
        for (uint32_t ir = 0; ir <= 2; ++ir)
          for (int l = 0; l < NLAYOUT; ++l) {
            ph_kview_t table = make_view(dtypes[t], tr, tshape, l, (uint32_t)(l % (int)tr));
            ph_kview_t ix = make_indices(ir, ishapes[ir], (l + 1) % NLAYOUT,
                                         tshape[axis]);
            snprintf(what, sizeof what, "table rank %u axis %d index rank %u %s", tr, axis, ir,
                     layout_name[l]);
            check_gather(&table, &ix, axis, what);
            free(table.data);
            free(ix.data);
          }
  /* Embedding lookup shape: [129, 63] table, [7] indices, axis 0 and 1,
   * with the named cases -1 (last row), -V (first), V and -V-1 (zeros). */
  int64_t ts[2] = {129, 63}, is[1] = {7};
  ph_kview_t table = make_view(PH_DTYPE_F16, 2, ts, PADDED, 0);
  for (int32_t axis = 0; axis < 2; ++axis) {
    int32_t vv = (int32_t)ts[axis];
    int32_t vals[7] = {-1, -vv, vv, -vv - 1, 0, vv - 1, 3};
    ph_kview_t ix = kt_dense(PH_DTYPE_I32, 1, is);
    memcpy(ix.data, vals, sizeof vals);
    check_gather(&table, &ix, axis, "named indices");
    free(ix.data);
  }
  free(table.data);
}

int main(void) {
  kt_seed(11);
  printf("test_layout: seed 11\n");
  for (int t = 0; t < NDT; ++t) {
    uint32_t want = PH_OP_CAP_SUPPORTED | PH_OP_CAP_STRIDED;
    KT_CHECK(ph_ref_transpose.caps(dtypes[t]) == want && ph_ref_concat.caps(dtypes[t]) == want &&
                 ph_ref_gather.caps(dtypes[t]) == want,
             "caps dtype %u", dtypes[t]);
  }
  KT_CHECK(ph_ref_transpose.op == PH_OP_TRANSPOSE && ph_ref_concat.op == PH_OP_CONCAT &&
               ph_ref_gather.op == PH_OP_GATHER,
           "op kinds");
  test_transpose();
  test_concat();
  test_gather();
  return kt_finish("test_layout");
}
