/*
 * Programs: each (device, program, options) is built once and kept for the
 * device's lifetime. A build comes from, in order: the disk cache, the
 * compiler (then stored in the cache); or, on a binary-only device, from
 * the offline bundle alone. Builds hold the device's program lock, so two
 * threads asking for the same program build it once.
 *
 * PH_LOG=debug says for each program which way it came, one line each:
 * "compiled program", "loaded program ... from cache", "loaded program ...
 * from bundle" (tests count these).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "ocl.h"

struct ph_cl_program {
  ph_cl_program_t *next;
  char *name;
  char *options;
  cl_program program;
};

/* The offline bundle, read once per process on first need. */
static pthread_mutex_t ph_cl_bundle_lock = PTHREAD_MUTEX_INITIALIZER;
static ph_cl_bundle_t *ph_cl_the_bundle;
static int ph_cl_bundle_tried;
static char ph_cl_bundle_path[1024];
static char ph_cl_bundle_err[512];

static double ph_cl_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static char *ph_cl_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

/* The build log, malloc'ed ("" when there is none); NULL on no memory. */
static char *ph_cl_build_log(cl_program prog, cl_device_id id) {
  size_t size = 0;
  if (clGetProgramBuildInfo(prog, id, CL_PROGRAM_BUILD_LOG, 0, NULL, &size) != CL_SUCCESS)
    size = 0;
  char *log = malloc(size + 1);
  if (log == NULL) return NULL;
  if (size == 0 ||
      clGetProgramBuildInfo(prog, id, CL_PROGRAM_BUILD_LOG, size, log, NULL) != CL_SUCCESS)
    size = 0;
  log[size] = '\0';
  return log;
}

cl_program ph_cl_program_from_binary(ph_cl_device_t *dev, const unsigned char *binary,
                                     size_t size, const char *options, char *err,
                                     size_t err_size) {
  cl_int rc = CL_SUCCESS, bin_status = CL_SUCCESS;
  cl_program prog = clCreateProgramWithBinary(dev->context, 1, &dev->id, &size, &binary,
                                              &bin_status, &rc);
  if (prog == NULL || rc != CL_SUCCESS || bin_status != CL_SUCCESS) {
    snprintf(err, err_size, "clCreateProgramWithBinary failed (%s, binary status %s)",
             ph_cl_code_name(rc), ph_cl_code_name(bin_status));
    if (prog != NULL) clReleaseProgram(prog);
    return NULL;
  }
  rc = clBuildProgram(prog, 1, &dev->id, options, NULL, NULL);
  if (rc != CL_SUCCESS) {
    char *log = ph_cl_build_log(prog, dev->id);
    snprintf(err, err_size, "clBuildProgram of a binary failed (%s): %.300s",
             ph_cl_code_name(rc), log != NULL ? log : "");
    free(log);
    clReleaseProgram(prog);
    return NULL;
  }
  return prog;
}

unsigned char *ph_cl_program_binary(cl_program program, size_t *out_size, char *err,
                                    size_t err_size) {
  *out_size = 0;
  cl_uint ndev = 0;
  cl_int rc = clGetProgramInfo(program, CL_PROGRAM_NUM_DEVICES, sizeof(ndev), &ndev, NULL);
  if (rc != CL_SUCCESS || ndev != 1) {
    snprintf(err, err_size, "CL_PROGRAM_NUM_DEVICES: %s, %u devices", ph_cl_code_name(rc),
             (unsigned)ndev);
    return NULL;
  }
  size_t size = 0;
  rc = clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, NULL);
  if (rc != CL_SUCCESS || size == 0) {
    snprintf(err, err_size, "CL_PROGRAM_BINARY_SIZES: %s, size %zu", ph_cl_code_name(rc), size);
    return NULL;
  }
  unsigned char *bin = malloc(size);
  if (bin == NULL) {
    snprintf(err, err_size, "out of host memory for a %zu-byte binary", size);
    return NULL;
  }
  rc = clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof(bin), &bin, NULL);
  if (rc != CL_SUCCESS) {
    snprintf(err, err_size, "CL_PROGRAM_BINARIES: %s", ph_cl_code_name(rc));
    free(bin);
    return NULL;
  }
  *out_size = size;
  return bin;
}

/* Caller holds ph_cl_bundle_lock. */
static const ph_cl_bundle_t *ph_cl_bundle_get(void) {
  if (ph_cl_bundle_tried) return ph_cl_the_bundle;
  ph_cl_bundle_tried = 1;
  const char *env = getenv("PH_OPENCL_BUNDLE");
  if (env != NULL && *env != '\0') snprintf(ph_cl_bundle_path, sizeof(ph_cl_bundle_path), "%s", env);
  else ph_cl_default_bundle_path(ph_cl_bundle_path, sizeof(ph_cl_bundle_path));
  if (ph_cl_bundle_path[0] == '\0') {
    snprintf(ph_cl_bundle_err, sizeof(ph_cl_bundle_err),
             "PH_OPENCL_BUNDLE is unset and the plugin's directory is unknown");
    return NULL;
  }
  ph_status_t st = ph_cl_bundle_read(ph_cl_bundle_path, &ph_cl_the_bundle, ph_cl_bundle_err,
                                     sizeof(ph_cl_bundle_err));
  if (st != PH_OK) {
    ph_cl_log(PH_LOG_WARN, "opencl: no offline bundle: %s", ph_cl_bundle_err);
    return NULL;
  }
  ph_cl_log(PH_LOG_INFO, "opencl: read offline bundle %s (%zu device section(s))",
            ph_cl_bundle_path, ph_cl_the_bundle->num_devices);
  return ph_cl_the_bundle;
}

void ph_cl_programs_shutdown(void) {
  pthread_mutex_lock(&ph_cl_bundle_lock);
  ph_cl_bundle_free(ph_cl_the_bundle);
  ph_cl_the_bundle = NULL;
  ph_cl_bundle_tried = 0;
  pthread_mutex_unlock(&ph_cl_bundle_lock);
}

/* A binary-only device: the bundle or nothing. */
static ph_status_t ph_cl_build_from_bundle(ph_cl_device_t *dev, const ph_cl_source_t *src,
                                           const char *options, cl_program *out) {
  unsigned char sha[32];
  ph_sha256(src->text, src->size, sha);
  char err[512];
  pthread_mutex_lock(&ph_cl_bundle_lock);
  const ph_cl_bundle_t *b = ph_cl_bundle_get();
  ph_status_t st = PH_OK;
  if (b == NULL) {
    st = ph_cl_error(PH_ERROR_UNSUPPORTED,
                     "opencl: \"%s\" is binary-only and no offline bundle is available (%s); "
                     "program '%s' cannot be built (make one with ph-clbundle)",
                     dev->props.name, ph_cl_bundle_err, src->name);
    goto done;
  }
  const ph_cl_bundle_entry_t *e = ph_cl_bundle_find(b, dev->props.name, src->name, options);
  const char *used = options;
  if (e == NULL && options[0] != '\0') {
    /* Tunable variants fall back to the default build the bundle holds. */
    e = ph_cl_bundle_find(b, dev->props.name, src->name, "");
    used = "";
    if (e != NULL)
      ph_cl_log(PH_LOG_INFO, "opencl: bundle lacks '%s' with options \"%s\"; using its default build",
                src->name, options);
  }
  if (e == NULL) {
    st = ph_cl_error(PH_ERROR_UNSUPPORTED,
                     "opencl: program '%s' for \"%s\" is not in the offline bundle %s "
                     "(binary-only device)",
                     src->name, dev->props.name, ph_cl_bundle_path);
    goto done;
  }
  if (memcmp(e->source_sha, sha, sizeof(sha)) != 0) {
    st = ph_cl_error(PH_ERROR_UNSUPPORTED,
                     "opencl: the offline bundle %s holds program '%s' built from other "
                     "source (a stale bundle); rebuild it with ph-clbundle",
                     ph_cl_bundle_path, src->name);
    goto done;
  }
  double t0 = ph_cl_now_ms();
  cl_program prog = ph_cl_program_from_binary(dev, e->binary, (size_t)e->size, used, err,
                                              sizeof(err));
  if (prog == NULL) {
    st = ph_cl_error(PH_ERROR_UNSUPPORTED,
                     "opencl: program '%s' from the offline bundle %s does not load on \"%s\": %s",
                     src->name, ph_cl_bundle_path, dev->props.name, err);
    goto done;
  }
  ph_cl_log(PH_LOG_DEBUG, "opencl: loaded program '%s' from bundle for \"%s\" (options \"%s\") in %.1f ms",
            src->name, dev->props.name, used, ph_cl_now_ms() - t0);
  *out = prog;
done:
  pthread_mutex_unlock(&ph_cl_bundle_lock);
  return st;
}

static ph_status_t ph_cl_compile(ph_cl_device_t *dev, const ph_cl_source_t *src,
                                 const char *options, cl_program *out) {
  double t0 = ph_cl_now_ms();
  cl_int rc = CL_SUCCESS;
  const char *text = src->text;
  size_t size = src->size;
  cl_program prog = clCreateProgramWithSource(dev->context, 1, &text, &size, &rc);
  if (prog == NULL || rc != CL_SUCCESS)
    return ph_cl_error(rc == CL_OUT_OF_HOST_MEMORY ? PH_ERROR_OUT_OF_MEMORY : PH_ERROR_DEVICE,
                       "opencl: clCreateProgramWithSource('%s') failed (%s)", src->name,
                       ph_cl_code_name(rc));
  rc = clBuildProgram(prog, 1, &dev->id, options, NULL, NULL);
  if (rc != CL_SUCCESS) {
    char *log = ph_cl_build_log(prog, dev->id);
    ph_cl_log(PH_LOG_ERROR, "opencl: build log of program '%s' (options \"%s\") for \"%s\":\n%s",
              src->name, options, dev->props.name, log != NULL ? log : "(no memory)");
    ph_status_t st = ph_cl_error(
        rc == CL_OUT_OF_HOST_MEMORY ? PH_ERROR_OUT_OF_MEMORY : PH_ERROR_DEVICE,
        "opencl: building program '%s' (options \"%s\") for \"%s\" failed (%s): %.1500s",
        src->name, options, dev->props.name, ph_cl_code_name(rc), log != NULL ? log : "");
    free(log);
    clReleaseProgram(prog);
    return st;
  }
  ph_cl_log(PH_LOG_DEBUG, "opencl: compiled program '%s' for \"%s\" (options \"%s\") in %.1f ms",
            src->name, dev->props.name, options, ph_cl_now_ms() - t0);
  ph_cl_cache_store(dev, src->name, options, src->text, src->size, prog);
  *out = prog;
  return PH_OK;
}

/* Caller holds dev->program_lock. */
static ph_status_t ph_cl_build(ph_cl_device_t *dev, const char *name, const char *options,
                               cl_program *out) {
  *out = NULL;
  const ph_cl_source_t *src = ph_cl_source_find(name);
  if (src == NULL)
    return ph_cl_error(PH_ERROR_NOT_FOUND, "opencl: no program '%s' in this build", name);
  if (dev->binary_only) return ph_cl_build_from_bundle(dev, src, options, out);
  /* What the compiler sees, and so what the cache is keyed by. */
  char full[512];
  snprintf(full, sizeof full, "%s%s%s", dev->base_options,
           dev->base_options[0] && options[0] ? " " : "", options);
  options = full;
  double t0 = ph_cl_now_ms();
  cl_program prog = ph_cl_cache_load(dev, src->name, options, src->text, src->size);
  if (prog != NULL) {
    ph_cl_log(PH_LOG_DEBUG, "opencl: loaded program '%s' from cache for \"%s\" (options \"%s\") in %.1f ms",
              src->name, dev->props.name, options, ph_cl_now_ms() - t0);
    *out = prog;
    return PH_OK;
  }
  return ph_cl_compile(dev, src, options, out);
}

ph_status_t ph_cl_kernel(ph_cl_device_t *dev, const char *program, const char *options,
                         const char *kernel, cl_kernel *out_kernel) {
  if (out_kernel != NULL) *out_kernel = NULL;
  if (dev == NULL || program == NULL || kernel == NULL || out_kernel == NULL)
    return ph_cl_error(PH_ERROR_INVALID_ARGUMENT, "opencl: ph_cl_kernel: NULL argument");
  const char *opts = options != NULL ? options : "";
  pthread_mutex_lock(&dev->program_lock);
  ph_cl_program_t *p = dev->programs;
  while (p != NULL && (strcmp(p->name, program) != 0 || strcmp(p->options, opts) != 0))
    p = p->next;
  ph_status_t st = PH_OK;
  if (p == NULL) {
    cl_program prog = NULL;
    st = ph_cl_build(dev, program, opts, &prog);
    if (st == PH_OK) {
      p = calloc(1, sizeof(*p));
      if (p != NULL) {
        p->name = ph_cl_strdup(program);
        p->options = ph_cl_strdup(opts);
      }
      if (p == NULL || p->name == NULL || p->options == NULL) {
        if (p != NULL) {
          free(p->name);
          free(p->options);
          free(p);
        }
        clReleaseProgram(prog);
        p = NULL;
        st = ph_cl_error(PH_ERROR_OUT_OF_MEMORY, "opencl: out of host memory");
      } else {
        p->program = prog;
        p->next = dev->programs;
        dev->programs = p;
      }
    }
  }
  cl_program prog = p != NULL ? p->program : NULL;
  pthread_mutex_unlock(&dev->program_lock);
  if (st != PH_OK) return st;
  /* Programs live until device_close, so |prog| outlives this call. */
  cl_int rc = CL_SUCCESS;
  cl_kernel k = clCreateKernel(prog, kernel, &rc);
  if (k == NULL || rc != CL_SUCCESS)
    return ph_cl_error(rc == CL_INVALID_KERNEL_NAME ? PH_ERROR_NOT_FOUND : PH_ERROR_DEVICE,
                       "opencl: clCreateKernel('%s' in program '%s') failed (%s)", kernel,
                       program, ph_cl_code_name(rc));
  *out_kernel = k;
  return PH_OK;
}

void ph_cl_programs_release(ph_cl_device_t *dev) {
  ph_cl_program_t *p = dev->programs;
  while (p != NULL) {
    ph_cl_program_t *next = p->next;
    clReleaseProgram(p->program);
    free(p->name);
    free(p->options);
    free(p);
    p = next;
  }
  dev->programs = NULL;
}
