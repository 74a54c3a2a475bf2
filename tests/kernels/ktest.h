/*
 * Helpers shared by the reference-kernel tests: a seeded RNG, dense and
 * strided views, running a kernel over split ranges (as a thread pool
 * would), and comparison against an fp64 result with a tolerance.
 * Header-only so each test is one file; every check counts a failure
 * instead of aborting, and main() returns nonzero if any failed.
 */
#ifndef PH_TESTS_KTEST_H_
#define PH_TESTS_KTEST_H_

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "kernel.h"

static int kt_failures;
static int kt_checks;

#define KT_CHECK(cond, ...)                                  \
  do {                                                      \
    ++kt_checks;                                            \
    if (!(cond)) {                                          \
      ++kt_failures;                                        \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
      fprintf(stderr, __VA_ARGS__);                         \
      fputc('\n', stderr);                                  \
    }                                                       \
  } while (0)

static uint64_t kt_rng_state = 0x9e3779b97f4a7c15ull;
static inline void kt_seed(uint64_t s) { kt_rng_state = s ? s : 1; }
static inline uint64_t kt_next(void) { /* splitmix64 */
  uint64_t z = (kt_rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
/* Uniform in [lo, hi). */
static inline double kt_uniform(double lo, double hi) {
  return lo + (hi - lo) * (double)(kt_next() >> 11) * (1.0 / 9007199254740992.0);
}

static inline size_t kt_dtype_size(uint32_t dt) {
  switch (dt) {
    case PH_DTYPE_F32: case PH_DTYPE_I32: return 4;
    case PH_DTYPE_F16: case PH_DTYPE_BF16: return 2;
    case PH_DTYPE_I8: return 1;
    default: return 0;
  }
}

/* A dense row-major view with freshly calloc'ed storage. */
static inline ph_kview_t kt_dense(uint32_t dtype, uint32_t rank, const int64_t *shape) {
  ph_kview_t v;
  memset(&v, 0, sizeof v);
  v.dtype = dtype;
  v.rank = rank;
  int64_t n = 1;
  for (int d = (int)rank - 1; d >= 0; --d) {
    v.shape[d] = shape[d];
    v.strides[d] = n;
    n *= shape[d];
  }
  v.data = calloc((size_t)(n > 0 ? n : 1), kt_dtype_size(dtype));
  return v;
}

/* Fills every element with a value drawn from [lo, hi), rounded to |v|'s
 * dtype (integer dtypes get integers); read them back with kt_get. */
static inline void kt_fill(ph_kview_t *v, double lo, double hi) {
  int64_t n = ph_kview_numel(v);
  for (int64_t i = 0; i < n; ++i) {
    double x = kt_uniform(lo, hi);
    if (v->dtype == PH_DTYPE_I8 || v->dtype == PH_DTYPE_I32) x = floor(x);
    ph_kstore(v->data, v->dtype, ph_kview_offset(v, i), (float)x);
  }
}

/* Element |i| (row-major) of |v| as double. */
static inline double kt_get(const ph_kview_t *v, int64_t i) {
  return (double)ph_kload(v->data, v->dtype, ph_kview_offset(v, i));
}

/* Runs |k| over all units, split into |parts| ranges as a pool would. */
static inline ph_status_t kt_run(const ph_kernel_t *k, const ph_kargs_t *a, int parts) {
  int64_t n = k->units(a);
  for (int p = 0; p < parts; ++p) {
    int64_t b = n * p / parts, e = n * (p + 1) / parts;
    if (b == e) continue;
    ph_status_t s = k->run(a, b, e);
    if (s != PH_OK) return s;
  }
  return PH_OK;
}

/* Compares |got| (row-major over its shape) with |want| (numel doubles):
 * |got - want| <= atol + rtol * |want|; NaN must match NaN. Reports the
 * first mismatch under |what|. Returns the number of mismatches. */
static inline int64_t kt_compare(const char *what, const ph_kview_t *got,
                          const double *want, double atol, double rtol) {
  int64_t n = ph_kview_numel(got), bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    double g = kt_get(got, i), w = want[i];
    int ok = (isnan(w) && isnan(g)) || (isinf(w) && g == w) ||
             fabs(g - w) <= atol + rtol * fabs(w);
    if (!ok) {
      if (bad == 0)
        fprintf(stderr, "  %s: element %lld got %.9g want %.9g\n", what,
                (long long)i, g, w);
      ++bad;
    }
  }
  KT_CHECK(bad == 0, "%s: %lld of %lld elements out of tolerance", what,
           (long long)bad, (long long)n);
  return bad;
}

/* Tolerance scale for results rounded to |dtype| (f32 computation). */
static inline double kt_eps(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F16: return 1.0 / 1024;
    case PH_DTYPE_BF16: return 1.0 / 128;
    default: return 1.0 / (1 << 22);
  }
}

static inline int kt_finish(const char *name) {
  printf("%s: %d checks, %d failed\n", name, kt_checks, kt_failures);
  return kt_failures ? 1 : 0;
}

/*===--- views for the matmul/conv/attention tests: dense, padded/strided,
 * reversed storage (all poisoned outside the view), broadcast; bounds
 * checks per element; runs split in 1 and 3 parts that must agree ----===*/

enum { ST_DENSE = 0, ST_GAPS = 1, ST_REVERSED = 2 };

/* A view of |shape| over fresh storage. Dims whose bit is set in |bcast|
 * get stride 0. ST_GAPS: inner stride 2 and every extent padded by one, so
 * the view skips elements of a larger buffer; ST_REVERSED: the first dim
 * varies fastest (column-major, plus the padding). Storage outside the view
 * is poisoned (NaN, or 100 for i8) so a kernel reading it is caught. */
static inline ph_kview_t tv_make(uint32_t dt, uint32_t rank, const int64_t *shape,
                                 uint32_t bcast, int style) {
  ph_kview_t v;
  memset(&v, 0, sizeof v);
  v.dtype = dt;
  v.rank = rank;
  int64_t n = style == ST_GAPS ? 2 : 1;
  for (uint32_t i = 0; i < rank; ++i) {
    uint32_t d = style == ST_REVERSED ? i : rank - 1 - i;
    v.shape[d] = shape[d];
    int64_t ext = (bcast >> d) & 1u ? 1 : shape[d] + (style != ST_DENSE ? 1 : 0);
    v.strides[d] = (bcast >> d) & 1u ? 0 : n;
    n *= ext;
  }
  v.data = malloc((size_t)n * kt_dtype_size(dt));
  for (int64_t i = 0; i < n; ++i) ph_kstore(v.data, dt, i, dt == PH_DTYPE_I8 ? 100.0f : NAN);
  return v;
}

/* Fills |v| with values from [lo, hi), floored to integers if |integer|. */
static inline void tv_fill(ph_kview_t *v, double lo, double hi, int integer) {
  if (!integer) {
    kt_fill(v, lo, hi);
    return;
  }
  int64_t n = ph_kview_numel(v);
  for (int64_t i = 0; i < n; ++i) {
    double x = kt_uniform(lo, hi);
    if (integer || v->dtype == PH_DTYPE_I8) x = floor(x);
    ph_kstore(v->data, v->dtype, ph_kview_offset(v, i), (float)x);
  }
}

/* A dense output view poisoned with NaN (or 100 for i8), so an element the
 * kernel never writes cannot pass. */
static inline ph_kview_t tv_output(uint32_t dt, uint32_t rank, const int64_t *shape) {
  ph_kview_t v = kt_dense(dt, rank, shape);
  for (int64_t i = 0; i < ph_kview_numel(&v); ++i)
    ph_kstore(v.data, dt, i, dt == PH_DTYPE_I8 ? 100.0f : NAN);
  return v;
}

/* |v|'s elements in row-major order as doubles (what the kernel sees). */
static inline double *tv_doubles(const ph_kview_t *v) {
  int64_t n = ph_kview_numel(v);
  double *d = malloc((size_t)(n > 0 ? n : 1) * sizeof *d);
  for (int64_t i = 0; i < n; ++i) d[i] = kt_get(v, i);
  return d;
}

/* |got| against |want| within a per-element bound |tol|; NaN must match. */
static inline void check_bound(const char *what, const ph_kview_t *got,
                               const double *want, const double *tol) {
  int64_t n = ph_kview_numel(got), bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    double g = kt_get(got, i), w = want[i];
    int ok = (isnan(w) && isnan(g)) || (isinf(w) && g == w) || fabs(g - w) <= tol[i];
    if (!ok && bad++ == 0)
      fprintf(stderr, "  %s: element %lld got %.9g want %.9g (tol %.3g)\n", what, (long long)i,
              g, w, tol[i]);
  }
  KT_CHECK(bad == 0, "%s: %lld of %lld elements out of tolerance", what, (long long)bad,
           (long long)n);
}

/* Runs |k| over |args| into |y1| in one range and |y3| in three; checks
 * both succeed and agree bit for bit (y1, y3 dense, same shape). */
static inline void run_split(const char *what, const ph_kernel_t *k, ph_kargs_t *args,
                             ph_kview_t *y1, ph_kview_t *y3) {
  args->outputs = y1;
  ph_status_t s1 = kt_run(k, args, 1);
  args->outputs = y3;
  ph_status_t s3 = kt_run(k, args, 3);
  KT_CHECK(s1 == PH_OK && s3 == PH_OK, "%s: run returned %d / %d", what, (int)s1, (int)s3);
  size_t bytes = (size_t)ph_kview_numel(y1) * kt_dtype_size(y1->dtype);
  KT_CHECK(memcmp(y1->data, y3->data, bytes) == 0, "%s: 1-part and 3-part runs differ", what);
}

static inline const char *dt_name(uint32_t dt) {
  switch (dt) {
    case PH_DTYPE_F32: return "f32";
    case PH_DTYPE_F16: return "f16";
    case PH_DTYPE_BF16: return "bf16";
    case PH_DTYPE_I8: return "i8";
    default: return "?";
  }
}

/*===--- views for the softmax/norm/reduce tests: layouts that exercise
 * padding, column-major order, negative and zero strides -------------===*/

/* Input layouts: how strides are laid over the storage. */
enum { L_DENSE, L_PADDED, L_COLMAJOR, L_NEG, L_BCAST, L_COUNT };
static const char *const kLayoutNames[] = {"dense", "padded", "colmajor", "neg",
                                           "bcast"};

/* A view over its own storage (|base|, which |v.data| may point into). */
typedef struct {
  ph_kview_t v;
  void *base;
} tview_t;

/* Makes a tensor of |shape| with |layout|; |dim| is the axis that gets
 * the negative stride (L_NEG) or the zero stride (L_BCAST). */
static inline tview_t make_input(uint32_t dt, uint32_t rank, const int64_t *shape,
                                  int layout, uint32_t dim) {
  tview_t t;
  memset(&t, 0, sizeof t);
  t.v.dtype = dt;
  t.v.rank = rank;
  int64_t s = layout == L_PADDED ? 2 : 1;
  for (int d = (int)rank - 1; d >= 0; --d) {
    t.v.shape[d] = shape[d];
    if (layout == L_BCAST && (uint32_t)d == dim) {
      t.v.strides[d] = 0;
      continue;
    }
    t.v.strides[d] = s;
    s = s * shape[d] + (layout == L_PADDED ? 3 : 0);
  }
  if (layout == L_COLMAJOR) {
    s = 1;
    for (uint32_t d = 0; d < rank; ++d) {
      t.v.strides[d] = s;
      s *= shape[d];
    }
  }
  if (layout == L_NEG && rank > 0) t.v.strides[dim] = -t.v.strides[dim];
  /* Storage spans every reachable offset; data sits after the part that
   * negative strides reach backwards into. */
  int64_t span = 1, back = 0;
  for (uint32_t d = 0; d < rank; ++d) {
    int64_t reach = (shape[d] - 1) * t.v.strides[d];
    if (shape[d] == 0) reach = 0;
    span += reach < 0 ? -reach : reach;
    if (reach < 0) back -= reach;
  }
  t.base = calloc((size_t)span, kt_dtype_size(dt));
  t.v.data = (char *)t.base + back * (int64_t)kt_dtype_size(dt);
  return t;
}

/*===--- independent f16/bf16 decoding and rounding, built on double and
 * ldexp only (never on kernels/ref/dtype.c, which they check) ---------===*/

static inline double dec_f16(uint16_t h) {
  int e = (h >> 10) & 31, m = h & 1023;
  double v = e == 31 ? (m ? NAN : INFINITY) : e == 0 ? ldexp(m, -24) : ldexp(m + 1024, e - 25);
  return h >> 15 ? -v : v;
}
static inline double dec_bf16(uint16_t b) {
  int e = (b >> 7) & 255, m = b & 127;
  double v = e == 255 ? (m ? NAN : INFINITY) : e == 0 ? ldexp(m, -133) : ldexp(m + 128, e - 134);
  return b >> 15 ? -v : v;
}
/* |x| rounded to nearest-even in a binary format with |p| significand
 * bits, minimum normal exponent |emin| and largest finite |maxv|; values
 * past it become infinite. rint() on a double rounds to an integer with
 * ties to even, and scaling by a power of two is exact here. */
static inline double round_fmt(double x, int p, int emin, double maxv) {
  if (x == 0 || isnan(x) || isinf(x)) return x;
  int e = ilogb(x);
  if (e < emin) e = emin;
  double y = ldexp(rint(ldexp(x, p - 1 - e)), e - (p - 1));
  return fabs(y) > maxv ? copysign(INFINITY, x) : y;
}

/* Offset of row-major element |lin| of |v|, by an odometer of its own
 * (independent of ph_kview_offset, which it checks). */
static inline int64_t t_offset(const ph_kview_t *v, int64_t lin) {
  int64_t off = 0;
  for (int d = (int)v->rank - 1; d >= 0; --d) {
    off += (lin % v->shape[d]) * v->strides[d];
    lin /= v->shape[d];
  }
  return off;
}

#endif /* PH_TESTS_KTEST_H_ */
