/*
 * The conformance suite's test interface. Groups (one file each under
 * conformance/src/) register cases; the runner instantiates every case on
 * every selected device, gives it a fresh stream and a seeded generator,
 * and records what the case reports through this header.
 *
 * The suite links only the public API (polyhal.h), as a lab does, and has
 * its own fp64 reference (ref_*.c); it shares no code with kernels/ref.
 */
#ifndef PH_CONFORM_H_
#define PH_CONFORM_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyhal/polyhal.h"

#define PHC_SUITE_VERSION "1.0.0"

/* Outcome of one case on one device. XFAIL/XPASS come from the plugin's
 * known-failure list; UNTRUSTED is a numeric check whose reference output
 * was mostly zeros (it could not tell a right answer from a wrong one). */
typedef enum phc_status {
  PHC_PASS = 0,
  PHC_FAIL,
  PHC_SKIP,
  PHC_XFAIL,
  PHC_XPASS,
  PHC_UNTRUSTED,
  PHC_STATUS_COUNT_
} phc_status_t;

/* Profiles: a quick case runs in both; a full case only in --profile full. */
enum { PHC_QUICK = 0, PHC_FULL = 1 };

typedef struct phc_ctx phc_ctx_t;
typedef struct phc_case phc_case_t;
typedef void (*phc_run_fn)(phc_ctx_t *ctx, const phc_case_t *c);

/* One test, written once, run on every device. The name is unique and
 * dotted: "<group>.<op>.<dtype>.<variant>" for ops ("op.matmul.f32.nt_17x33x65"),
 * "<group>.<what>" otherwise ("memory.alloc_max"). p[]/f[] carry the case's
 * parameters, meaningful only to the group that registered it. */
struct phc_case {
  char name[160];
  uint32_t op;      /* ph_op_kind_t for the summary matrix; 0 otherwise */
  uint32_t dtype;   /* ph_dtype_t for the matrix; 0 otherwise */
  uint32_t profile; /* PHC_QUICK or PHC_FULL */
  phc_run_fn run;
  int64_t p[24];
  double f[4];
};

typedef struct phc_suite phc_suite_t;

/* Adds a copy of |c|. Names must be unique (a duplicate is a suite bug and
 * is reported at start-up). */
void phc_add(phc_suite_t *s, const phc_case_t *c);
/* Adds a PHC_QUICK case |name| run by |run|, with matrix op |op| (0: none)
 * and p[0] = |p0|: the whole registration of most non-op cases. */
void phc_add_quick(phc_suite_t *s, const char *name, phc_run_fn run, uint32_t op, int64_t p0);
/* Sets c->name from a printf format; returns c for chaining. */
phc_case_t *phc_name(phc_case_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --- The context a case runs in ------------------------------------------ */

/* Deterministic generator (xoshiro256**), seeded per case from the run's
 * base seed and the case name, so a case reproduces alone. */
typedef struct phc_rng {
  uint64_t s[4];
} phc_rng_t;

struct phc_ctx {
  ph_device_t *device;
  ph_device_props_t props;
  ph_stream_t *stream; /* fresh for each case; destroyed after it */
  phc_rng_t rng;
  uint64_t seed;       /* this case's seed, printed with a failure */
  uint32_t profile;    /* the run's profile; a case may size itself by it */

  /* Results, set through the functions below. */
  phc_status_t status; /* starts PASS */
  char message[640];   /* first failure (or the skip reason) */
  double max_err;      /* largest |got - ref| of any check, 0 if none */
  double max_ratio;    /* largest |got - ref| / allowed (<= 1 passes) */
  char tolerance[96];  /* the tolerance of the worst check */
  int checks;          /* numeric checks made */
};

/* Marks the case failed; the first message is kept, later ones counted. */
void phc_fail(phc_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Marks the case skipped with a reason (only if it has not failed). */
void phc_skip(phc_ctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when |st| is PH_OK; otherwise fails the case with "<what>: STATUS
 * (ph_last_error text)" and returns false. */
bool phc_ok(phc_ctx_t *ctx, ph_status_t st, const char *what);
/* Expects exactly |want| from a call that must be refused; fails the case
 * (naming |what|) on any other status, including PH_OK. Also requires a
 * non-empty ph_last_error() for an error status. */
bool phc_expect(phc_ctx_t *ctx, ph_status_t got, ph_status_t want, const char *what);
/* True when the device runs |op| on inputs of |dtype| (and with strided
 * inputs when |strided|); otherwise a reported skip naming what the device
 * declared, and false. */
bool phc_require_op(phc_ctx_t *ctx, uint32_t op, uint32_t dtype, bool strided);

uint64_t phc_rand_u64(phc_rng_t *r);
/* Uniform in [lo, hi). */
double phc_rand_uniform(phc_rng_t *r, double lo, double hi);
/* Uniform integer in [lo, hi]. */
int64_t phc_rand_int(phc_rng_t *r, int64_t lo, int64_t hi);

/* --- Element types (independent of kernels/ref) --------------------------- */

size_t phc_dtype_size(uint32_t dtype);
bool phc_dtype_is_float(uint32_t dtype);
/* |v| rounded to the nearest value |dtype| holds (floats: RNE with
 * overflow to infinity; integers: RNE, saturating, NaN to 0). */
double phc_round_to(uint32_t dtype, double v);
/* Encodes |v| (already representable, or rounded as phc_round_to) into
 * |dst|, and decodes one element. */
void phc_encode(uint32_t dtype, double v, void *dst);
double phc_decode(uint32_t dtype, const void *src);
/* One unit in the last place of |dtype| at magnitude |v| (the spacing of
 * the dtype's values around v; subnormal spacing below the normal range). */
double phc_ulp(uint32_t dtype, double v);

/* --- Tensors: host values plus a device view ------------------------------ */

/* host[] holds the logical values (row-major over shape, numel of them) as
 * doubles, already representable in dtype. The device view may be strided
 * (a padded or permuted layout inside a larger buffer) to exercise
 * non-contiguous inputs. */
typedef struct phc_tensor {
  ph_tensor_t t;
  ph_buffer_t *buffer;
  uint64_t buffer_bytes;
  double *host;
  int64_t numel;
} phc_tensor_t;

/* Layout of a new tensor. */
typedef enum phc_layout {
  PHC_DENSE = 0,    /* row-major, offset 0 */
  PHC_PADDED = 1,   /* row-major rows with a gap after each, plus a byte
                       offset of one element: strides != dense */
  PHC_REVERSED = 2  /* column-major order (strides ascending) */
} phc_layout_t;

/* Allocates a tensor of |shape| in |layout| on the context's device and
 * fills its whole buffer with 0xff bytes (NaN in every float dtype), so an
 * output element the op never writes shows. host[] is zeroed. */
bool phc_tensor(phc_ctx_t *ctx, phc_tensor_t *out, uint32_t dtype, uint32_t rank,
                const int64_t *shape, phc_layout_t layout);
/* Random values in [lo, hi) rounded to dtype, written to the device. */
bool phc_fill_uniform(phc_ctx_t *ctx, phc_tensor_t *t, double lo, double hi);
/* Random integers in [lo, hi] (exact in every dtype that holds them). */
bool phc_fill_int(phc_ctx_t *ctx, phc_tensor_t *t, int64_t lo, int64_t hi);
/* Writes t->host (rounded to dtype first) to the device through its view. */
bool phc_upload(phc_ctx_t *ctx, phc_tensor_t *t);
/* Syncs the stream and reads the tensor's logical values; NULL (case
 * failed) on error. Caller frees. */
double *phc_download(phc_ctx_t *ctx, const phc_tensor_t *t);
void phc_tensor_free(phc_tensor_t *t);
/* Case-name pieces: "7x129" ("s" for rank 0) into buf (returns its
 * length), and ".padded" / ".reversed" / "" for a layout. */
size_t phc_dims_text(char *buf, size_t n, uint32_t rank, const int64_t *shape);
const char *phc_layout_suffix(phc_layout_t layout);
/* The row-major linear index of a multi-index, and the inverse. */
int64_t phc_linear(uint32_t rank, const int64_t *shape, const int64_t *idx);
void phc_unravel(uint32_t rank, const int64_t *shape, int64_t linear, int64_t *idx);

/* --- Numeric checks ------------------------------------------------------- */

/* Allowed error for element i:
 *   ulps * ulp(out dtype, ref[i]) + rel * |ref[i]| + abs + scale_rel * scale[i]
 * All zero means exact. NaN must match NaN, an infinity the same infinity. */
typedef struct phc_tol {
  double ulps;
  double rel;
  double abs;
  double scale_rel; /* times scale[i] (e.g. sum |a||b| of a dot product) */
  const char *source; /* short name of the policy row, for reports */
} phc_tol_t;

/* Compares |got| with |ref| (n values of output dtype |dtype|); |scale| is
 * NULL unless tol.scale_rel is set. Fails the case with the first bad
 * elements; marks it UNTRUSTED when more than 3/4 of ref is zero. Updates
 * ctx->max_err/max_ratio/tolerance. Returns true when all matched. */
bool phc_check(phc_ctx_t *ctx, const char *what, uint32_t dtype, const double *got,
               const double *ref, const double *scale, int64_t n, phc_tol_t tol);
/* Downloads |y| and checks it; frees what it downloads. */
bool phc_check_tensor(phc_ctx_t *ctx, const phc_tensor_t *y, const double *ref,
                      const double *scale, phc_tol_t tol);

/* --- Tolerance policy (tolerance.c; see conformance/TOLERANCES.md) -------- */

typedef enum phc_tol_class {
  PHC_TOL_EXACT = 0,    /* cast, transpose, concat, gather, relu, neg, abs, max/min, max-pool, int8 */
  PHC_TOL_ARITH,        /* add, sub, mul, div: correctly rounded */
  PHC_TOL_EXP, PHC_TOL_LOG, PHC_TOL_TANH, PHC_TOL_ERF, PHC_TOL_SQRT, PHC_TOL_RSQRT,
  PHC_TOL_POW,
  PHC_TOL_COMPOSITE,    /* sigmoid, silu, gelu, gelu_tanh: a few ops each */
  PHC_TOL_DOT,          /* matmul, conv: grows with K (scale = sum |a||b|) */
  PHC_TOL_SOFTMAX, PHC_TOL_NORM, PHC_TOL_REDUCE, PHC_TOL_AVGPOOL, PHC_TOL_ATTENTION,
  PHC_TOL_CLASS_COUNT_
} phc_tol_class_t;

/* The tolerance for |cls| with output dtype |dtype|; |k| is the reduction
 * length (K of a dot product, the row length of softmax/norm/reduce,
 * the window of a pool) where it matters, else 0.
 *
 * Classes whose bound grows with the data set tol.scale_rel and need the
 * per-element |scale| array in phc_check (a NULL scale then fails the case
 * as a suite bug):
 *   DOT       scale[i] = sum_k |alpha a b| + |bias| + |beta c|   (conv: sum |x w| + |bias|)
 *   REDUCE    scale[i] = sum |x| over the reduced elements (mean: / count);
 *             max/min use EXACT
 *   NORM      scale[i] = (|x_i| + |mean|) / sqrt(var + eps) * |gamma_i| + |beta_i|
 *             (gamma 1 and beta 0 when absent)
 *   AVGPOOL   scale[i] = sum |x| over the window / divisor
 *   ATTENTION scale[i] = max_j |v[j]| * (1 + |scale| * max_j sum_d |q_d k_jd|)
 * SOFTMAX and the elementwise classes need none (scale may be NULL). */
phc_tol_t phc_tolerance(phc_tol_class_t cls, uint32_t dtype, int64_t k);

/* --- Registration of the groups (one function per file) ------------------- */

void phc_register_abi(phc_suite_t *s);
void phc_register_device(phc_suite_t *s);
void phc_register_memory(phc_suite_t *s);
void phc_register_stream(phc_suite_t *s);
void phc_register_negative(phc_suite_t *s);
void phc_register_op_matmul(phc_suite_t *s);
void phc_register_op_conv2d(phc_suite_t *s);
void phc_register_op_pool2d(phc_suite_t *s);
void phc_register_op_unary(phc_suite_t *s);
void phc_register_op_binary(phc_suite_t *s);
void phc_register_op_softmax(phc_suite_t *s);
void phc_register_op_norm(phc_suite_t *s);
void phc_register_op_reduce(phc_suite_t *s);
void phc_register_op_layout(phc_suite_t *s); /* transpose, concat, gather */
void phc_register_op_cast(phc_suite_t *s);
void phc_register_op_attention(phc_suite_t *s);

#endif /* PH_CONFORM_H_ */
