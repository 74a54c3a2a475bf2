/*
 * Negative tests of every ph_op_* function through the full stack (HAL +
 * cpu plugin): each bad descriptor must return the expected error status
 * with a non-empty message that names the function, and must not crash.
 * Each op has a valid baseline (checked to run), and every case changes
 * one thing of it: generic cases (NULL stream or tensor, rank over 8, bad
 * dtype, NULL buffer, elements outside the buffer, negative strides,
 * strided outputs) run on every tensor slot of every op; op-specific
 * cases follow (shapes, dtypes, axes, permutations, masks, attributes).
 */
#include "optest.h"

/* Everything besides tensors an op call takes; one struct for all ops. */
typedef struct params {
  uint32_t func;
  int32_t axis;
  const int32_t *perm;
  uint32_t axes, keepdims, log, causal;
  float eps, scale;
  const ph_matmul_attrs_t *mm;
  const ph_conv2d_attrs_t *cv;
  const ph_pool2d_attrs_t *pl;
} params_t;

enum { MAX_SLOTS = 6 };

typedef struct fixture {
  const char *fn;                /* the public function's name */
  size_t n;                      /* tensor slots; the last is the output */
  const char *slot[MAX_SLOTS];
  bool optional[MAX_SLOTS];      /* NULL is valid there */
  ot_tensor_t base[MAX_SLOTS];
  params_t p;
  ph_status_t (*call)(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p);
} fixture_t;

static int n_cases;

/* One case: |got| must be |want| and leave a message naming |fn| that
 * contains |needle| (when not NULL). */
static void expect(const char *fn, const char *what, ph_status_t got,
                   ph_status_t want, const char *needle) {
  const char *msg = ph_last_error();
  ++n_cases;
  OT_CHECK(got == want, "%s [%s]: got %s, want %s (%s)", fn, what,
           ph_status_string(got), ph_status_string(want), msg);
  OT_CHECK(msg[0] != '\0', "%s [%s]: empty ph_last_error()", fn, what);
  OT_CHECK(strstr(msg, fn) != NULL, "%s [%s]: message does not name the function: %s",
           fn, what, msg);
  if (needle)
    OT_CHECK(strstr(msg, needle) != NULL, "%s [%s]: message lacks \"%s\": %s", fn,
             what, needle, msg);
}

/* Runs |f| on copies |t| of its baseline (pointer array |pt|). */
typedef struct work {
  ph_tensor_t t[MAX_SLOTS];
  ph_tensor_t *pt[MAX_SLOTS];
  params_t p;
} work_t;

static void fresh(const fixture_t *f, work_t *w) {
  for (size_t i = 0; i < f->n; ++i) {
    w->t[i] = f->base[i].t;
    w->pt[i] = &w->t[i];
  }
  w->p = f->p;
}

static ph_status_t run(const fixture_t *f, work_t *w) {
  return f->call(ot_stream, w->pt, &w->p);
}

/* A dim with extent > 1, or -1. */
static int wide_dim(const ph_tensor_t *t) {
  for (uint32_t d = 0; d < t->rank; ++d)
    if (t->shape[d] > 1) return (int)d;
  return -1;
}

static void generic_cases(const fixture_t *f) {
  work_t w;
  char what[96];
  fresh(f, &w);
  ph_status_t st = run(f, &w);
  ++n_cases;
  OT_CHECK(st == PH_OK, "%s baseline: %s (%s)", f->fn, ph_status_string(st), ph_last_error());
  OT_CHECK(ph_last_error()[0] == '\0', "%s baseline left a message", f->fn);
  OT_CHECK(ph_stream_sync(ot_stream) == PH_OK, "%s baseline sync: %s", f->fn, ph_last_error());

  fresh(f, &w);
  expect(f->fn, "NULL stream", f->call(NULL, w.pt, &w.p), PH_ERROR_INVALID_ARGUMENT, "stream");

  for (size_t i = 0; i < f->n; ++i) {
    const char *s = f->slot[i];
    bool output = i == f->n - 1;
    if (!f->optional[i]) {
      fresh(f, &w);
      w.pt[i] = NULL;
      snprintf(what, sizeof what, "%s NULL", s);
      expect(f->fn, what, run(f, &w), PH_ERROR_INVALID_ARGUMENT, s);
    }
    fresh(f, &w);
    w.t[i].rank = PH_MAX_RANK + 1;
    snprintf(what, sizeof what, "%s rank 9", s);
    expect(f->fn, what, run(f, &w), PH_ERROR_INVALID_ARGUMENT, "rank");

    fresh(f, &w);
    w.t[i].dtype = 99;
    snprintf(what, sizeof what, "%s dtype 99", s);
    expect(f->fn, what, run(f, &w), PH_ERROR_INVALID_ARGUMENT, "dtype");

    fresh(f, &w);
    w.t[i].buffer = NULL;
    snprintf(what, sizeof what, "%s NULL buffer", s);
    expect(f->fn, what, run(f, &w), PH_ERROR_INVALID_ARGUMENT, "buffer");

    fresh(f, &w);
    w.t[i].offset = f->base[i].bytes;
    snprintf(what, sizeof what, "%s offset past the buffer", s);
    expect(f->fn, what, run(f, &w), PH_ERROR_OUT_OF_RANGE, NULL);

    int d = wide_dim(&w.t[i]);
    if (d >= 0) {
      fresh(f, &w);
      w.t[i].strides[d] = w.t[i].strides[d] * 2 + 1;
      snprintf(what, sizeof what, "%s strides beyond the buffer", s);
      expect(f->fn, what, run(f, &w), PH_ERROR_OUT_OF_RANGE, NULL);

      fresh(f, &w);
      w.t[i].strides[d] = -1;
      snprintf(what, sizeof what, "%s negative stride", s);
      expect(f->fn, what, run(f, &w), PH_ERROR_INVALID_ARGUMENT, NULL);
    }
    /* Column-major storage covers exactly the same bytes, so only the
     * dense-output rule can reject it. */
    int wide = 0;
    for (uint32_t k = 0; k < w.t[i].rank; ++k) wide += w.t[i].shape[k] > 1;
    if (output && wide >= 2) {
      fresh(f, &w);
      ot_colmajor(w.t[i].rank, w.t[i].shape, w.t[i].strides);
      snprintf(what, sizeof what, "%s not dense", s);
      expect(f->fn, what, run(f, &w), PH_ERROR_INVALID_ARGUMENT, "dense");
    }
  }
}

/*--- op calls with the uniform signature ----------------------------------*/

static ph_status_t call_matmul(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_matmul(s, t[0], t[1], t[2], t[3], t[4], p->mm);
}
static ph_status_t call_conv2d(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_conv2d(s, t[0], t[1], t[2], t[3], p->cv);
}
static ph_status_t call_pool2d(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_pool2d(s, t[0], t[1], p->pl);
}
static ph_status_t call_unary(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_unary(s, p->func, t[0], t[1]);
}
static ph_status_t call_binary(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_binary(s, p->func, t[0], t[1], t[2]);
}
static ph_status_t call_softmax(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_softmax(s, t[0], t[1], p->axis, p->log);
}
static ph_status_t call_layernorm(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_layernorm(s, t[0], t[1], t[2], t[3], p->axis, p->eps);
}
static ph_status_t call_rmsnorm(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_rmsnorm(s, t[0], t[1], t[2], p->axis, p->eps);
}
static ph_status_t call_reduce(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_reduce(s, p->func, t[0], t[1], p->axes, p->keepdims);
}
static ph_status_t call_transpose(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_transpose(s, t[0], t[1], p->perm);
}
static ph_status_t call_concat(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  const ph_tensor_t *xs[3] = {t[0], t[1], t[2]};
  return ph_op_concat(s, xs, 3, t[3], p->axis);
}
static ph_status_t call_gather(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_gather(s, t[0], t[1], t[2], p->axis);
}
static ph_status_t call_cast(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  (void)p;
  return ph_op_cast(s, t[0], t[1]);
}
static ph_status_t call_attention(ph_stream_t *s, ph_tensor_t *const *t, const params_t *p) {
  return ph_op_attention(s, t[0], t[1], t[2], t[3], t[4], p->scale, p->causal);
}

/*--- fixtures ----------------------------------------------------------------*/

typedef struct slot_spec {
  const char *name;
  uint32_t dtype;
  uint32_t rank;
  int64_t shape[PH_MAX_RANK];
  bool optional;
} slot_spec_t;

static bool build(fixture_t *f, const char *fn, size_t n, const slot_spec_t *spec) {
  memset(f->base, 0, sizeof f->base);
  f->fn = fn;
  f->n = n;
  for (size_t i = 0; i < n; ++i) {
    f->slot[i] = spec[i].name;
    f->optional[i] = spec[i].optional;
    if (!ot_make(&f->base[i], spec[i].dtype, spec[i].rank, spec[i].shape, NULL, NULL))
      return false;
  }
  return true;
}

static void release(fixture_t *f) {
  for (size_t i = 0; i < f->n; ++i) ot_free(&f->base[i]);
}

#define F32 PH_DTYPE_F32

static void v_matmul(void) {
  const slot_spec_t spec[] = {{"a", F32, 3, {2, 3, 4}, false}, {"b", F32, 2, {4, 5}, false},
                              {"bias", F32, 1, {5}, true}, {"c", F32, 3, {2, 3, 5}, true},
                              {"y", F32, 3, {2, 3, 5}, false}};
  fixture_t f = {0};
  ph_matmul_attrs_t at = ph_matmul_attrs_default();
  at.beta = 1.0f;
  f.p.mm = &at;
  f.call = call_matmul;
  if (!build(&f, "ph_op_matmul", 5, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.t[1].shape[0] = 7;
  expect(f.fn, "K mismatch", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "(7)");
  ph_matmul_attrs_t tb = at;
  tb.trans_b = 1;
  fresh(&f, &w); w.p.mm = &tb;
  expect(f.fn, "trans_b K mismatch", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, NULL);
  fresh(&f, &w); w.t[4].shape[2] = 6;
  expect(f.fn, "y N wrong", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[4].shape[0] = 1;
  expect(f.fn, "y batch wrong", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[1].rank = 3; w.t[1].shape[0] = 3; w.t[1].shape[1] = 4; w.t[1].shape[2] = 5;
  expect(f.fn, "batch does not broadcast", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "broadcast");
  fresh(&f, &w); w.t[2].shape[0] = 4;
  expect(f.fn, "bias shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "bias");
  fresh(&f, &w); w.t[3].shape[1] = 2;
  expect(f.fn, "c does not broadcast", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "c");
  fresh(&f, &w); w.t[0].rank = 1;
  expect(f.fn, "a rank 1", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "rank");
  fresh(&f, &w); w.t[1].dtype = PH_DTYPE_F16;
  expect(f.fn, "b f16 with a f32", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "f16");
  fresh(&f, &w); w.t[0].dtype = PH_DTYPE_I32; w.t[1].dtype = PH_DTYPE_I32;
  expect(f.fn, "i32 inputs", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i32");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = PH_DTYPE_I8; w.t[4].dtype = w.t[3].dtype = PH_DTYPE_F16;
  expect(f.fn, "i8 inputs with f16 y", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "f16");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = PH_DTYPE_I8; w.t[2].dtype = PH_DTYPE_I8;
  expect(f.fn, "i8 with i8 bias", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "bias");
  fresh(&f, &w); w.t[3].dtype = PH_DTYPE_BF16;
  expect(f.fn, "c dtype", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "bf16");
  ph_matmul_attrs_t bad = at;
  bad.activation = 9;
  fresh(&f, &w); w.p.mm = &bad;
  expect(f.fn, "activation 9", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "activation");
  fresh(&f, &w); w.pt[3] = NULL;
  expect(f.fn, "beta without c", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "beta");
  bad = at;
  bad.struct_size = 0;
  fresh(&f, &w); w.p.mm = &bad;
  expect(f.fn, "attrs struct_size 0", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "struct_size");
  release(&f);
}

static void v_conv2d(void) {
  const slot_spec_t spec[] = {{"x", F32, 4, {1, 4, 5, 5}, false}, {"w", F32, 4, {6, 2, 3, 3}, false},
                              {"bias", F32, 1, {6}, true}, {"y", F32, 4, {1, 6, 3, 3}, false}};
  fixture_t f = {0};
  ph_conv2d_attrs_t at = ph_conv2d_attrs_default();
  at.groups = 2;
  at.stride[0] = at.stride[1] = 2;
  at.pad[0] = at.pad[1] = at.pad[2] = at.pad[3] = 1;
  f.p.cv = &at;
  f.call = call_conv2d;
  if (!build(&f, "ph_op_conv2d", 4, spec)) return;
  generic_cases(&f);
  work_t w;
  ph_conv2d_attrs_t b;
  fresh(&f, &w); w.t[0].rank = 3;
  expect(f.fn, "x rank 3", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "rank");
  b = at; b.groups = 3;
  fresh(&f, &w); w.p.cv = &b;
  expect(f.fn, "C not divisible by groups", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "groups");
  fresh(&f, &w); w.t[1].shape[1] = 4;
  expect(f.fn, "w channels", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "w.shape[1]");
  b = at; b.stride[1] = 0;
  fresh(&f, &w); w.p.cv = &b;
  expect(f.fn, "stride 0", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "stride");
  b = at; b.dilation[0] = 0;
  fresh(&f, &w); w.p.cv = &b;
  expect(f.fn, "dilation 0", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "dilation");
  b = at; b.pad[2] = -1;
  fresh(&f, &w); w.p.cv = &b;
  expect(f.fn, "negative pad", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "pad");
  b = at; b.groups = 0;
  fresh(&f, &w); w.p.cv = &b;
  expect(f.fn, "groups 0", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "groups");
  b = at; b.activation = PH_ACT_GELU;
  fresh(&f, &w); w.p.cv = &b;
  expect(f.fn, "activation GELU", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "activation");
  b = at; b.layout = 7;
  fresh(&f, &w); w.p.cv = &b;
  expect(f.fn, "layout 7", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "layout");
  fresh(&f, &w); w.t[3].shape[2] = 2;
  expect(f.fn, "y shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[2].shape[0] = 5;
  expect(f.fn, "bias shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "bias");
  fresh(&f, &w); w.t[1].shape[2] = w.t[1].shape[3] = 9;
  expect(f.fn, "kernel larger than input", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "fit");
  fresh(&f, &w); w.t[1].dtype = PH_DTYPE_F16;
  expect(f.fn, "w f16", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "f16");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = PH_DTYPE_I8; w.t[3].dtype = PH_DTYPE_BF16;
  expect(f.fn, "i8 with bf16 y", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "bf16");
  release(&f);
}

static void v_pool2d(void) {
  const slot_spec_t spec[] = {{"x", F32, 4, {1, 2, 5, 5}, false}, {"y", F32, 4, {1, 2, 3, 3}, false}};
  fixture_t f = {0};
  ph_pool2d_attrs_t at = ph_pool2d_attrs_default(PH_POOL_AVG, 3, 3);
  at.stride[0] = at.stride[1] = 2;
  at.pad[0] = at.pad[1] = at.pad[2] = at.pad[3] = 1;
  f.p.pl = &at;
  f.call = call_pool2d;
  if (!build(&f, "ph_op_pool2d", 2, spec)) return;
  generic_cases(&f);
  work_t w;
  ph_pool2d_attrs_t b;
  fresh(&f, &w); w.p.pl = NULL;
  expect(f.fn, "attrs NULL", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "attrs");
  b = at; b.kernel[0] = 0;
  fresh(&f, &w); w.p.pl = &b;
  expect(f.fn, "kernel 0", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "kernel");
  b = at; b.stride[1] = 0;
  fresh(&f, &w); w.p.pl = &b;
  expect(f.fn, "stride 0", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "stride");
  b = at; b.pad[3] = 3;
  fresh(&f, &w); w.p.pl = &b;
  expect(f.fn, "pad >= kernel", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "pad");
  b = at; b.mode = 5;
  fresh(&f, &w); w.p.pl = &b;
  expect(f.fn, "mode 5", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "mode");
  b = at; b.kernel[0] = b.kernel[1] = 8;
  fresh(&f, &w); w.p.pl = &b;
  expect(f.fn, "window larger than input", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "fit");
  fresh(&f, &w); w.t[1].shape[3] = 4;
  expect(f.fn, "y shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = PH_DTYPE_I32;
  expect(f.fn, "i32", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i32");
  fresh(&f, &w); w.t[1].dtype = PH_DTYPE_F16;
  expect(f.fn, "y dtype", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "f16");
  release(&f);
}

static void v_unary(void) {
  const slot_spec_t spec[] = {{"x", F32, 2, {3, 4}, false}, {"y", F32, 2, {3, 4}, false}};
  fixture_t f = {0};
  f.p.func = PH_UNARY_RELU;
  f.call = call_unary;
  if (!build(&f, "ph_op_unary", 2, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.p.func = 99;
  expect(f.fn, "func 99", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "func");
  fresh(&f, &w); w.t[1].shape[1] = 3;
  expect(f.fn, "shape mismatch", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = PH_DTYPE_I8;
  expect(f.fn, "i8", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i8");
  fresh(&f, &w); w.t[1].dtype = PH_DTYPE_F16;
  expect(f.fn, "y f16", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "f16");
  release(&f);
}

static void v_binary(void) {
  const slot_spec_t spec[] = {{"a", F32, 2, {3, 4}, false}, {"b", F32, 1, {4}, false},
                              {"y", F32, 2, {3, 4}, false}};
  fixture_t f = {0};
  f.p.func = PH_BINARY_ADD;
  f.call = call_binary;
  if (!build(&f, "ph_op_binary", 3, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.p.func = 99;
  expect(f.fn, "func 99", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "func");
  fresh(&f, &w); w.t[1].shape[0] = 3;
  expect(f.fn, "no broadcast", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "broadcast");
  fresh(&f, &w); w.t[2].rank = 3; w.t[2].shape[0] = 2; w.t[2].shape[1] = 3; w.t[2].shape[2] = 4;
  expect(f.fn, "y not the broadcast shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[1].dtype = PH_DTYPE_BF16;
  expect(f.fn, "b bf16", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "bf16");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = w.t[2].dtype = PH_DTYPE_I32;
  expect(f.fn, "i32", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i32");
  release(&f);
}

static void v_softmax(void) {
  const slot_spec_t spec[] = {{"x", F32, 2, {3, 4}, false}, {"y", F32, 2, {3, 4}, false}};
  fixture_t f = {0};
  f.p.axis = -1;
  f.call = call_softmax;
  if (!build(&f, "ph_op_softmax", 2, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.p.axis = 2;
  expect(f.fn, "axis 2", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axis");
  fresh(&f, &w); w.p.axis = -3;
  expect(f.fn, "axis -3", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axis");
  fresh(&f, &w); w.t[0].rank = w.t[1].rank = 0;
  expect(f.fn, "rank 0", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axis");
  fresh(&f, &w); w.t[1].shape[0] = 4; w.t[1].shape[1] = 3;
  expect(f.fn, "shape mismatch", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = PH_DTYPE_I32;
  expect(f.fn, "i32", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i32");
  release(&f);
}

static void v_layernorm(void) {
  const slot_spec_t spec[] = {{"x", F32, 3, {2, 3, 4}, false}, {"scale", F32, 2, {3, 4}, true},
                              {"bias", F32, 2, {3, 4}, true}, {"y", F32, 3, {2, 3, 4}, false}};
  fixture_t f = {0};
  f.p.axis = -2;
  f.p.eps = 1e-5f;
  f.call = call_layernorm;
  if (!build(&f, "ph_op_layernorm", 4, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.p.axis = 3;
  expect(f.fn, "axis 3", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axis");
  fresh(&f, &w); w.t[1].rank = 1; w.t[1].shape[0] = 4;
  expect(f.fn, "scale shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "scale.shape");
  fresh(&f, &w); w.t[2].dtype = PH_DTYPE_F16;
  expect(f.fn, "bias f16", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "f16");
  fresh(&f, &w); w.p.eps = -1.0f;
  expect(f.fn, "negative epsilon", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "epsilon");
  fresh(&f, &w); w.p.eps = NAN;
  expect(f.fn, "NaN epsilon", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "epsilon");
  fresh(&f, &w); w.t[3].shape[0] = 3;
  expect(f.fn, "y shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  release(&f);
}

static void v_rmsnorm(void) {
  const slot_spec_t spec[] = {{"x", F32, 3, {2, 3, 4}, false}, {"scale", F32, 1, {4}, true},
                              {"y", F32, 3, {2, 3, 4}, false}};
  fixture_t f = {0};
  f.p.axis = -1;
  f.p.eps = 1e-6f;
  f.call = call_rmsnorm;
  if (!build(&f, "ph_op_rmsnorm", 3, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.p.axis = -4;
  expect(f.fn, "axis -4", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axis");
  fresh(&f, &w); w.p.axis = -2;
  expect(f.fn, "scale shape for axis -2", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "scale.shape");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = w.t[2].dtype = PH_DTYPE_I8;
  expect(f.fn, "i8", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i8");
  release(&f);
}

static void v_reduce(void) {
  const slot_spec_t spec[] = {{"x", F32, 3, {2, 3, 4}, false}, {"y", F32, 2, {2, 4}, false}};
  fixture_t f = {0};
  f.p.func = PH_REDUCE_SUM;
  f.p.axes = 1u << 1;
  f.call = call_reduce;
  if (!build(&f, "ph_op_reduce", 2, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.p.axes = 0;
  expect(f.fn, "empty mask", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axes");
  fresh(&f, &w); w.p.axes = (1u << 1) | (1u << 3);
  expect(f.fn, "axis 3 of rank 3", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axes");
  fresh(&f, &w); w.p.func = 9;
  expect(f.fn, "func 9", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "func");
  fresh(&f, &w); w.p.keepdims = 1;
  expect(f.fn, "keepdims with dropped y", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[1].shape[1] = 3;
  expect(f.fn, "y shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = PH_DTYPE_I32;
  expect(f.fn, "i32", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i32");
  release(&f);
}

static void v_transpose(void) {
  static const int32_t perm[3] = {2, 0, 1}, dup[3] = {2, 0, 2}, big[3] = {3, 0, 1};
  const slot_spec_t spec[] = {{"x", F32, 3, {2, 3, 4}, false}, {"y", F32, 3, {4, 2, 3}, false}};
  fixture_t f = {0};
  f.p.perm = perm;
  f.call = call_transpose;
  if (!build(&f, "ph_op_transpose", 2, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.p.perm = dup;
  expect(f.fn, "perm repeats an axis", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "perm");
  fresh(&f, &w); w.p.perm = big;
  expect(f.fn, "perm entry 3", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "perm");
  fresh(&f, &w); w.p.perm = NULL;
  expect(f.fn, "perm NULL", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "perm");
  fresh(&f, &w); w.t[1].shape[0] = 2; w.t[1].shape[1] = 4;
  expect(f.fn, "y shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[1].dtype = PH_DTYPE_I32;
  expect(f.fn, "y dtype", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i32");
  release(&f);
}

static void v_concat(void) {
  const slot_spec_t spec[] = {{"xs[0]", F32, 2, {2, 3}, false}, {"xs[1]", F32, 2, {2, 1}, false},
                              {"xs[2]", F32, 2, {2, 2}, false}, {"y", F32, 2, {2, 6}, false}};
  fixture_t f = {0};
  f.p.axis = 1;
  f.call = call_concat;
  if (!build(&f, "ph_op_concat", 4, spec)) return;
  generic_cases(&f);
  work_t w;
  const ph_tensor_t *xs[3] = {&f.base[0].t, &f.base[1].t, &f.base[2].t};
  expect(f.fn, "n 0", ph_op_concat(ot_stream, xs, 0, &f.base[3].t, 1),
         PH_ERROR_INVALID_ARGUMENT, "n");
  expect(f.fn, "xs NULL", ph_op_concat(ot_stream, NULL, 3, &f.base[3].t, 1),
         PH_ERROR_INVALID_ARGUMENT, "xs");
  fresh(&f, &w); w.p.axis = 2;
  expect(f.fn, "axis 2", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axis");
  fresh(&f, &w); w.t[1].shape[0] = 3;
  expect(f.fn, "off-axis extent", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "xs[1]");
  fresh(&f, &w); w.t[3].shape[1] = 7;
  expect(f.fn, "y axis extent", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[2].dtype = PH_DTYPE_BF16;
  expect(f.fn, "xs[2] dtype", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "bf16");
  fresh(&f, &w); w.t[0].rank = 3; w.t[0].shape[2] = 1;
  expect(f.fn, "xs[0] rank", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "rank");
  release(&f);
}

static void v_gather(void) {
  const slot_spec_t spec[] = {{"table", F32, 2, {5, 3}, false},
                              {"indices", PH_DTYPE_I32, 2, {2, 2}, false},
                              {"y", F32, 3, {2, 2, 3}, false}};
  fixture_t f = {0};
  f.p.axis = 0;
  f.call = call_gather;
  if (!build(&f, "ph_op_gather", 3, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.t[1].dtype = F32;
  expect(f.fn, "f32 indices", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "indices");
  fresh(&f, &w); w.p.axis = 2;
  expect(f.fn, "axis 2", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "axis");
  fresh(&f, &w); w.p.axis = -1;
  expect(f.fn, "y shape for axis -1", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[2].dtype = PH_DTYPE_F16;
  expect(f.fn, "y dtype", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "f16");
  fresh(&f, &w); w.t[0].rank = 8;
  for (int d = 2; d < 8; ++d) w.t[0].shape[d] = 1;
  expect(f.fn, "result rank 9", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "rank");
  release(&f);
}

static void v_cast(void) {
  const slot_spec_t spec[] = {{"x", F32, 2, {3, 4}, false}, {"y", PH_DTYPE_I8, 2, {3, 4}, false}};
  fixture_t f = {0};
  f.call = call_cast;
  if (!build(&f, "ph_op_cast", 2, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.t[1].shape[0] = 4; w.t[1].shape[1] = 3;
  expect(f.fn, "shape mismatch", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[1].rank = 1; w.t[1].shape[0] = 12;
  expect(f.fn, "rank mismatch", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  release(&f);
}

static void v_attention(void) {
  const slot_spec_t spec[] = {{"q", F32, 4, {1, 2, 3, 4}, false}, {"k", F32, 4, {1, 2, 5, 4}, false},
                              {"v", F32, 4, {1, 2, 5, 6}, false}, {"mask", F32, 2, {3, 5}, true},
                              {"y", F32, 4, {1, 2, 3, 6}, false}};
  fixture_t f = {0};
  f.p.scale = 0.5f;
  f.p.causal = 1;
  f.call = call_attention;
  if (!build(&f, "ph_op_attention", 5, spec)) return;
  generic_cases(&f);
  work_t w;
  fresh(&f, &w); w.t[0].rank = 3;
  expect(f.fn, "q rank 3", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "rank");
  fresh(&f, &w); w.t[1].shape[3] = 5;
  expect(f.fn, "k head dim", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "k.shape");
  fresh(&f, &w); w.t[2].shape[2] = 4;
  expect(f.fn, "v length", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "v.shape");
  fresh(&f, &w); w.t[4].shape[3] = 4;
  expect(f.fn, "y shape", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "y.shape");
  fresh(&f, &w); w.t[3].shape[0] = 4;
  expect(f.fn, "mask does not broadcast", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "mask");
  fresh(&f, &w); w.t[3].rank = 5; w.t[3].shape[2] = 1; w.t[3].shape[3] = 3; w.t[3].shape[4] = 5;
  w.t[3].shape[0] = w.t[3].shape[1] = 1;
  expect(f.fn, "mask rank 5", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "mask");
  fresh(&f, &w); w.t[3].dtype = PH_DTYPE_F16;
  expect(f.fn, "mask f16", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "f16");
  fresh(&f, &w); w.p.scale = NAN;
  expect(f.fn, "NaN scale", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "scale");
  fresh(&f, &w); w.t[0].dtype = w.t[1].dtype = w.t[2].dtype = w.t[3].dtype = w.t[4].dtype = PH_DTYPE_I8;
  expect(f.fn, "i8", run(&f, &w), PH_ERROR_INVALID_ARGUMENT, "i8");
  release(&f);
}

int main(void) {
  if (!ot_setup()) return ot_failures ? 1 : OT_EXIT_SKIP;
  v_matmul();
  v_conv2d();
  v_pool2d();
  v_unary();
  v_binary();
  v_softmax();
  v_layernorm();
  v_rmsnorm();
  v_reduce();
  v_transpose();
  v_concat();
  v_gather();
  v_cast();
  v_attention();
  ph_stream_destroy(ot_stream);
  printf("api_ops_validation: %d cases, %d checks, %d failed\n", n_cases, ot_checks,
         ot_failures);
  return ot_failures ? 1 : 0;
}
