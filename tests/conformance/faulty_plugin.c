/*
 * A deliberately wrong plugin, to prove the conformance suite catches
 * wrong devices. It wraps the real cpu plugin (dlopened from
 * PH_FAULTY_INNER, else PH_FAULTY_INNER_DEFAULT), copies its table and
 * replaces one or two entries to plant exactly one fault, chosen at build
 * time with -DPH_FAULT=<n>:
 *
 *   0 faultnone   none: the control, which must pass
 *   1 faultbeta   matmul ignores beta (drops c from the descriptor)
 *   2 faultevent  event_record captures nothing: the event stays
 *                 "completed", so waits on it wait for nothing
 *   3 faultcast   float -> i8/i32 casts truncate instead of rounding
 *   4 faultmemset memset writes one byte short
 *   5 faultcaps   softmax is declared supported but op_launch refuses it
 *   6 faultcopy   device-to-host copies of odd sizes drop the last byte
 *   7 faultcrash  transpose aborts the process (a driver assertion)
 *   8 faulthang   gather never returns (a driver deadlock)
 *
 * Everything else is the cpu plugin unchanged, so a failure the suite
 * reports can only come from the planted fault.
 */
#include <dlfcn.h>
#include <unistd.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "polyhal/plugin.h"

#ifndef PH_FAULT
#define PH_FAULT 0
#endif
#ifndef PH_FAULTY_INNER_DEFAULT
#define PH_FAULTY_INNER_DEFAULT "libph_cpu.so"
#endif

enum {
  PH_FAULT_NONE = 0,
  PH_FAULT_BETA = 1,
  PH_FAULT_EVENT = 2,
  PH_FAULT_CAST = 3,
  PH_FAULT_MEMSET = 4,
  PH_FAULT_CAPS = 5,
  PH_FAULT_COPY = 6,
  PH_FAULT_CRASH = 7,
  PH_FAULT_HANG = 8
};

#if PH_FAULT < 0 || PH_FAULT > 8
#error "PH_FAULT must be 0..8"
#endif

/* Selector names: lower-case letters only, one per fault. */
static const char *const ph_fault_names[] = {"faultnone",   "faultbeta", "faultevent",
                                             "faultcast",   "faultmemset", "faultcaps",
                                             "faultcopy",   "faultcrash",
                                             "faulthang"};

static const ph_host_api_t *ph_fault_host;
static const ph_plugin_api_t *ph_fault_inner;
static ph_plugin_api_t ph_fault_api;
/* The cpu plugin has one device; mem_map (used by the cast fault) needs it
 * and op_launch is only given a stream. */
static ph_plugin_device_t *ph_fault_device;

static ph_status_t ph_fault_device_open(size_t index, ph_plugin_device_t **out_device) {
  ph_status_t s = ph_fault_inner->device_open(index, out_device);
  if (s == PH_OK && out_device != NULL) ph_fault_device = *out_device;
  return s;
}

/*--- fault 1: matmul ignores beta ------------------------------------------*/

static ph_status_t ph_fault_matmul_no_beta(ph_plugin_stream_t *stream,
                                           const ph_plugin_op_desc_t *desc) {
  const ph_matmul_attrs_t *in = desc->attrs;
  if (in == NULL || !PH_STRUCT_HAS(in, ph_matmul_attrs_t, has_c) || !in->has_c ||
      desc->num_inputs < 3)
    return ph_fault_inner->op_launch(stream, desc);
  ph_matmul_attrs_t attrs;
  memset(&attrs, 0, sizeof attrs);
  memcpy(&attrs, in, in->struct_size < sizeof attrs ? in->struct_size : sizeof attrs);
  attrs.beta = 0.0f;
  attrs.has_c = 0;
  ph_plugin_op_desc_t d = *desc;
  d.num_inputs -= 1; /* c is the last input */
  d.attrs = &attrs;
  return ph_fault_inner->op_launch(stream, &d);
}

/*--- fault 3: casts truncate -----------------------------------------------*/

static size_t ph_fault_dtype_size(uint32_t dtype) {
  switch (dtype) {
    case PH_DTYPE_F32: case PH_DTYPE_I32: return 4;
    case PH_DTYPE_F16: case PH_DTYPE_BF16: return 2;
    case PH_DTYPE_I8: return 1;
    default: return 0;
  }
}

static double ph_fault_half_to_double(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  double v;
  if (exp == 0) v = ldexp((double)man, -24);
  else if (exp == 31) v = man ? NAN : INFINITY;
  else v = ldexp((double)(man | 0x400), exp - 25);
  return sign ? -v : v;
}

static double ph_fault_load_float(uint32_t dtype, const unsigned char *p) {
  if (dtype == PH_DTYPE_F32) {
    float f;
    memcpy(&f, p, sizeof f);
    return f;
  }
  uint16_t h;
  memcpy(&h, p, sizeof h);
  if (dtype == PH_DTYPE_F16) return ph_fault_half_to_double(h);
  uint32_t bits = (uint32_t)h << 16; /* bf16 is the top half of an f32 */
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/* Byte offset of the element with row-major linear index |lin|. */
static uint64_t ph_fault_elem_offset(const ph_plugin_tensor_t *t, int64_t lin) {
  int64_t elems = 0;
  for (int d = (int)t->rank - 1; d >= 0; --d) {
    int64_t i = lin % t->shape[d];
    lin /= t->shape[d];
    elems += i * t->strides[d];
  }
  return t->offset + (uint64_t)elems * ph_fault_dtype_size(t->dtype);
}

/* Rewrites y as trunc(x) (saturating, NaN to 0): the real cast rounds to
 * nearest even. Runs after the real cast so the op stays well formed. */
static ph_status_t ph_fault_truncate(const ph_plugin_tensor_t *x, const ph_plugin_tensor_t *y) {
  void *xp = NULL, *yp = NULL;
  ph_status_t s = ph_fault_inner->mem_map(ph_fault_device, x->mem, &xp);
  if (s != PH_OK) return s;
  s = ph_fault_inner->mem_map(ph_fault_device, y->mem, &yp);
  if (s != PH_OK) {
    ph_fault_inner->mem_unmap(ph_fault_device, x->mem);
    return s;
  }
  int64_t n = 1;
  for (uint32_t d = 0; d < x->rank; ++d) n *= x->shape[d];
  for (int64_t i = 0; i < n; ++i) {
    double v = ph_fault_load_float(x->dtype, (const unsigned char *)xp + ph_fault_elem_offset(x, i));
    v = isnan(v) ? 0.0 : trunc(v);
    unsigned char *dst = (unsigned char *)yp + ph_fault_elem_offset(y, i);
    if (y->dtype == PH_DTYPE_I8) {
      int8_t q = (int8_t)(v < -128.0 ? -128.0 : v > 127.0 ? 127.0 : v);
      memcpy(dst, &q, sizeof q);
    } else {
      int32_t q = (int32_t)(v < -2147483648.0 ? -2147483648.0 : v > 2147483647.0 ? 2147483647.0 : v);
      memcpy(dst, &q, sizeof q);
    }
  }
  ph_fault_inner->mem_unmap(ph_fault_device, y->mem);
  ph_fault_inner->mem_unmap(ph_fault_device, x->mem);
  return PH_OK;
}

static ph_status_t ph_fault_cast_truncating(ph_plugin_stream_t *stream,
                                            const ph_plugin_op_desc_t *desc) {
  ph_status_t s = ph_fault_inner->op_launch(stream, desc);
  if (s != PH_OK || desc->num_inputs != 1 || desc->num_outputs != 1) return s;
  const ph_plugin_tensor_t *x = desc->inputs[0], *y = desc->outputs[0];
  int from_float = x->dtype == PH_DTYPE_F32 || x->dtype == PH_DTYPE_F16 || x->dtype == PH_DTYPE_BF16;
  int to_int = y->dtype == PH_DTYPE_I8 || y->dtype == PH_DTYPE_I32;
  if (!from_float || !to_int || ph_fault_device == NULL || ph_fault_inner->mem_map == NULL ||
      ph_fault_inner->mem_unmap == NULL)
    return PH_OK;
  /* The stream is in order: once it is idle the real result is there to
   * overwrite, and nothing later on it can have run yet. */
  s = ph_fault_inner->stream_sync(stream);
  if (s != PH_OK) return s;
  return ph_fault_truncate(x, y);
}

/*--- the other faults ------------------------------------------------------*/

static ph_status_t ph_fault_op_launch(ph_plugin_stream_t *stream,
                                      const ph_plugin_op_desc_t *desc) {
  if (desc == NULL) return ph_fault_inner->op_launch(stream, desc);
  if (PH_FAULT == PH_FAULT_BETA && desc->op == PH_OP_MATMUL)
    return ph_fault_matmul_no_beta(stream, desc);
  if (PH_FAULT == PH_FAULT_CAST && desc->op == PH_OP_CAST)
    return ph_fault_cast_truncating(stream, desc);
  if (PH_FAULT == PH_FAULT_CAPS && desc->op == PH_OP_SOFTMAX) {
    /* op_capability (the cpu plugin's) still says SUPPORTED. */
    ph_fault_host->set_error(PH_ERROR_UNSUPPORTED, "%s: softmax refused at launch (planted fault)",
                             ph_fault_names[PH_FAULT]);
    return PH_ERROR_UNSUPPORTED;
  }
  /* abort(), not a wild pointer: a clean SIGABRT under AddressSanitizer. */
  if (PH_FAULT == PH_FAULT_CRASH && desc->op == PH_OP_TRANSPOSE) abort();
  if (PH_FAULT == PH_FAULT_HANG && desc->op == PH_OP_GATHER)
    for (;;) pause(); /* until the suite's timeout kills the process */
  return ph_fault_inner->op_launch(stream, desc);
}

/* Fault 2: claims success and captures nothing. */
static ph_status_t ph_fault_event_record(ph_plugin_event_t *event, ph_plugin_stream_t *stream) {
  if (event == NULL || stream == NULL) return ph_fault_inner->event_record(event, stream);
  return PH_OK;
}

/* Fault 4. */
static ph_status_t ph_fault_memset(ph_plugin_stream_t *stream, ph_plugin_mem_t *dst,
                                   uint64_t offset, uint8_t value, uint64_t size) {
  return ph_fault_inner->memset(stream, dst, offset, value, size > 1 ? size - 1 : size);
}

/* Fault 6. */
static ph_status_t ph_fault_copy_d2h(ph_plugin_stream_t *stream, void *dst, ph_plugin_mem_t *src,
                                     uint64_t src_offset, uint64_t size) {
  if (size > 1 && size % 2 == 1) --size;
  return ph_fault_inner->copy_d2h(stream, dst, src, src_offset, size);
}

PH_PLUGIN_EXPORT ph_status_t ph_plugin_init(const ph_host_api_t *host,
                                            const ph_plugin_api_t **out_api) {
  if (out_api != NULL) *out_api = NULL;
  if (host == NULL || out_api == NULL || !PH_STRUCT_HAS(host, ph_host_api_t, log) ||
      host->set_error == NULL)
    return PH_ERROR_INVALID_ARGUMENT;
  const char *path = getenv("PH_FAULTY_INNER");
  if (path == NULL || *path == '\0') path = PH_FAULTY_INNER_DEFAULT;
  /* Never dlclosed: the inner plugin's worker threads may outlive us. */
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    host->set_error(PH_ERROR_NOT_FOUND, "%s: cannot load the wrapped plugin %s: %s",
                    ph_fault_names[PH_FAULT], path, dlerror());
    return PH_ERROR_NOT_FOUND;
  }
  ph_plugin_init_fn init;
  void *sym = dlsym(lib, PH_PLUGIN_INIT_SYMBOL);
  memcpy(&init, &sym, sizeof init); /* object to function pointer, as dlsym needs */
  if (init == NULL) {
    host->set_error(PH_ERROR_NOT_FOUND, "%s: %s exports no %s", ph_fault_names[PH_FAULT],
                    path, PH_PLUGIN_INIT_SYMBOL);
    return PH_ERROR_NOT_FOUND;
  }
  const ph_plugin_api_t *inner = NULL;
  ph_status_t s = init(host, &inner);
  if (s != PH_OK) return s;
  if (inner == NULL || inner->struct_size < sizeof(ph_plugin_api_t)) {
    host->set_error(PH_ERROR_INCOMPATIBLE, "%s: %s has an older plugin table than this wrapper",
                    ph_fault_names[PH_FAULT], path);
    return PH_ERROR_INCOMPATIBLE;
  }
  ph_fault_host = host;
  ph_fault_inner = inner;
  ph_fault_api = *inner;
  ph_fault_api.name = ph_fault_names[PH_FAULT];
  ph_fault_api.vendor = "polyhal conformance self-test";
  ph_fault_api.device_open = ph_fault_device_open;
  ph_fault_api.op_launch = ph_fault_op_launch;
  if (PH_FAULT == PH_FAULT_EVENT) ph_fault_api.event_record = ph_fault_event_record;
  if (PH_FAULT == PH_FAULT_MEMSET) ph_fault_api.memset = ph_fault_memset;
  if (PH_FAULT == PH_FAULT_COPY) ph_fault_api.copy_d2h = ph_fault_copy_d2h;
  *out_api = &ph_fault_api;
  return PH_OK;
}
