/*
 * ph-clbundle: builds every OpenCL program of polyhal's opencl plugin for
 * one or more OpenCL devices and writes them into an offline bundle, for
 * devices that cannot compile at run time (FPGAs, locked-down drivers) or
 * for PH_OPENCL_BINARY_ONLY=1 deployments.
 *
 *   ph-clbundle [-o FILE] [-p PLATFORM -d DEVICE | -n NAME]
 *   ph-clbundle --list            the programs this build embeds
 *   ph-clbundle --devices         the OpenCL devices, with their indices
 *
 * Default: every device that has a compiler, into ./libph_opencl.bundle
 * (the plugin looks for that file beside itself, or at PH_OPENCL_BUNDLE).
 * Each program is built with default options, which is how the plugin's
 * launchers request them.
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: ph-clbundle [-o FILE] [-p PLATFORM -d DEVICE | -n NAME]\n"
          "       ph-clbundle --list | --devices | --help\n"
          "Builds every embedded OpenCL program for the chosen devices (default:\n"
          "all devices with a compiler) and writes an offline bundle (default\n"
          "./libph_opencl.bundle).\n"
          "  -p, --platform N  platform index (with -d)\n"
          "  -d, --device N    device index within the platform\n"
          "  -n, --name S      every device whose name contains S\n"
          "  -o, --output F    bundle file to write\n"
          "  --list            list the embedded programs and exit\n"
          "  --devices         list OpenCL platforms and devices and exit\n");
}

static const char *cl_name(cl_int code) {
  switch (code) {
    case CL_SUCCESS: return "CL_SUCCESS";
    case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
    case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
    case CL_COMPILER_NOT_AVAILABLE: return "CL_COMPILER_NOT_AVAILABLE";
    case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
    case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
    case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
    case CL_INVALID_DEVICE: return "CL_INVALID_DEVICE";
    case CL_INVALID_PLATFORM: return "CL_INVALID_PLATFORM";
    case CL_INVALID_BUILD_OPTIONS: return "CL_INVALID_BUILD_OPTIONS";
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
    default: return "CL error";
  }
}

/* A malloc'ed info string (platform or device); NULL on failure. */
static char *dev_str(cl_device_id d, cl_device_info what) {
  size_t n = 0;
  if (clGetDeviceInfo(d, what, 0, NULL, &n) != CL_SUCCESS) return NULL;
  char *s = malloc(n + 1);
  if (s == NULL || clGetDeviceInfo(d, what, n, s, NULL) != CL_SUCCESS) {
    free(s);
    return NULL;
  }
  s[n] = '\0';
  return s;
}

static char *plat_str(cl_platform_id p, cl_platform_info what) {
  size_t n = 0;
  if (clGetPlatformInfo(p, what, 0, NULL, &n) != CL_SUCCESS) return NULL;
  char *s = malloc(n + 1);
  if (s == NULL || clGetPlatformInfo(p, what, n, s, NULL) != CL_SUCCESS) {
    free(s);
    return NULL;
  }
  s[n] = '\0';
  return s;
}

/* Builds every program for |dev| into |out| (a zeroed section). Returns 0
 * on success; prints why on failure. */
static int build_device(cl_platform_id plat, cl_device_id dev, ph_cl_bundle_device_t *out) {
  char name[128], driver[64], platform[256];
  char *raw = dev_str(dev, CL_DEVICE_NAME);
  char *rdrv = dev_str(dev, CL_DRIVER_VERSION);
  char *pn = plat_str(plat, CL_PLATFORM_NAME);
  char *pv = plat_str(plat, CL_PLATFORM_VERSION);
  /* Exactly as the plugin keeps them in device props: bundles match by name. */
  ph_cl_trim_copy(raw != NULL ? raw : "", name, sizeof(name));
  ph_cl_trim_copy(rdrv != NULL ? rdrv : "", driver, sizeof(driver));
  snprintf(platform, sizeof(platform), "%s / %s", pn != NULL ? pn : "", pv != NULL ? pv : "");
  free(raw);
  free(rdrv);
  free(pn);
  free(pv);
  out->name = strdup(name);
  out->driver_version = strdup(driver);
  out->platform = strdup(platform);
  out->entries = calloc(ph_cl_num_sources ? ph_cl_num_sources : 1, sizeof(*out->entries));
  if (out->name == NULL || out->driver_version == NULL || out->platform == NULL ||
      out->entries == NULL) {
    fprintf(stderr, "ph-clbundle: out of memory\n");
    return 1;
  }
  cl_int rc = CL_SUCCESS;
  char base_options[64];
  ph_cl_base_options(dev, base_options, sizeof base_options);
  cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &rc);
  if (ctx == NULL || rc != CL_SUCCESS) {
    fprintf(stderr, "ph-clbundle: clCreateContext for \"%s\" failed (%s)\n", name, cl_name(rc));
    return 1;
  }
  int failed = 0;
  for (size_t i = 0; i < ph_cl_num_sources && !failed; ++i) {
    const ph_cl_source_t *src = &ph_cl_sources[i];
    const char *text = src->text;
    size_t size = src->size;
    cl_program prog = clCreateProgramWithSource(ctx, 1, &text, &size, &rc);
    if (prog == NULL || rc != CL_SUCCESS) {
      fprintf(stderr, "ph-clbundle: clCreateProgramWithSource(%s) failed (%s)\n", src->name,
              cl_name(rc));
      failed = 1;
      break;
    }
    fprintf(stderr, "ph-clbundle: building %s for \"%s\"...\n", src->name, name);
    rc = clBuildProgram(prog, 1, &dev, base_options, NULL, NULL);
    if (rc != CL_SUCCESS) {
      size_t n = 0;
      clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 0, NULL, &n);
      char *log = malloc(n + 1);
      if (log != NULL && clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, n, log, NULL) ==
                             CL_SUCCESS)
        log[n] = '\0';
      else if (log != NULL) log[0] = '\0';
      fprintf(stderr, "ph-clbundle: building %s for \"%s\" failed (%s):\n%s\n", src->name, name,
              cl_name(rc), log != NULL ? log : "");
      free(log);
      clReleaseProgram(prog);
      failed = 1;
      break;
    }
    size_t bsize = 0;
    rc = clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof(bsize), &bsize, NULL);
    unsigned char *bin = rc == CL_SUCCESS && bsize > 0 ? malloc(bsize) : NULL;
    if (bin != NULL) rc = clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof(bin), &bin, NULL);
    clReleaseProgram(prog);
    if (bin == NULL || rc != CL_SUCCESS) {
      fprintf(stderr, "ph-clbundle: \"%s\" gives no binary for %s (%s, %zu bytes)\n", name,
              src->name, cl_name(rc), bsize);
      free(bin);
      failed = 1;
      break;
    }
    ph_cl_bundle_entry_t *e = &out->entries[out->num_entries++];
    e->program = strdup(src->name);
    e->options = strdup("");
    ph_sha256(src->text, src->size, e->source_sha);
    e->binary = bin;
    e->size = bsize;
    if (e->program == NULL || e->options == NULL) {
      fprintf(stderr, "ph-clbundle: out of memory\n");
      failed = 1;
    }
  }
  clReleaseContext(ctx);
  return failed;
}

int main(int argc, char **argv) {
  const char *output = "libph_opencl.bundle", *name = NULL;
  long plat_index = -1, dev_index = -1;
  int list = 0, list_devices = 0;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    int has_val = i + 1 < argc;
    if (!strcmp(a, "--list")) list = 1;
    else if (!strcmp(a, "--devices")) list_devices = 1;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_val) output = argv[++i];
    else if ((!strcmp(a, "-n") || !strcmp(a, "--name")) && has_val) name = argv[++i];
    else if ((!strcmp(a, "-p") || !strcmp(a, "--platform")) && has_val)
      plat_index = strtol(argv[++i], NULL, 10);
    else if ((!strcmp(a, "-d") || !strcmp(a, "--device")) && has_val)
      dev_index = strtol(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "ph-clbundle: unknown or incomplete option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  if (list) {
    for (size_t i = 0; i < ph_cl_num_sources; ++i)
      printf("%-16s %zu bytes of source\n", ph_cl_sources[i].name, ph_cl_sources[i].size);
    return 0;
  }
  if ((plat_index >= 0) != (dev_index >= 0) || (name != NULL && plat_index >= 0)) {
    fprintf(stderr, "ph-clbundle: give -p and -d together, or -n, or neither\n");
    return 2;
  }

  cl_uint np = 0;
  cl_int rc = clGetPlatformIDs(0, NULL, &np);
  if (rc != CL_SUCCESS || np == 0) {
    fprintf(stderr, "ph-clbundle: no OpenCL platform found (%s)\n", cl_name(rc));
    return 1;
  }
  cl_platform_id *plats = calloc(np, sizeof(*plats));
  if (plats == NULL || clGetPlatformIDs(np, plats, NULL) != CL_SUCCESS) {
    fprintf(stderr, "ph-clbundle: clGetPlatformIDs failed\n");
    free(plats);
    return 1;
  }
  ph_cl_bundle_t bundle = {NULL, 0};
  int status = 0, matched = 0;
  for (cl_uint p = 0; p < np && status == 0; ++p) {
    cl_uint nd = 0;
    if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 0, NULL, &nd) != CL_SUCCESS || nd == 0)
      continue;
    cl_device_id *ids = calloc(nd, sizeof(*ids));
    if (ids == NULL || clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, nd, ids, NULL) != CL_SUCCESS) {
      free(ids);
      continue;
    }
    for (cl_uint d = 0; d < nd && status == 0; ++d) {
      char *dn = dev_str(ids[d], CL_DEVICE_NAME);
      cl_bool compiler = CL_FALSE;
      clGetDeviceInfo(ids[d], CL_DEVICE_COMPILER_AVAILABLE, sizeof(compiler), &compiler, NULL);
      if (list_devices) {
        printf("platform %u device %u: %s%s\n", (unsigned)p, (unsigned)d, dn ? dn : "?",
               compiler ? "" : " (no compiler)");
      } else {
        int chosen = plat_index >= 0 ? (p == plat_index && d == dev_index)
                     : name != NULL  ? (dn != NULL && strstr(dn, name) != NULL)
                                     : 1;
        if (chosen && !compiler) {
          fprintf(stderr, "ph-clbundle: skipping \"%s\": it has no compiler\n", dn ? dn : "?");
          if (plat_index >= 0) status = 1;
        } else if (chosen) {
          ph_cl_bundle_device_t *grown =
              realloc(bundle.devices, (bundle.num_devices + 1) * sizeof(*grown));
          if (grown == NULL) {
            status = 1;
          } else {
            bundle.devices = grown;
            memset(&grown[bundle.num_devices], 0, sizeof(*grown));
            status = build_device(plats[p], ids[d], &grown[bundle.num_devices++]);
            ++matched;
          }
        }
      }
      free(dn);
    }
    free(ids);
  }
  free(plats);
  if (list_devices) return 0;
  if (status == 0 && matched == 0) {
    fprintf(stderr, "ph-clbundle: no device matched%s%s (try --devices)\n",
            name ? " name " : "", name ? name : "");
    status = 1;
  }
  if (status == 0) {
    char err[512];
    if (ph_cl_bundle_write(output, &bundle, err, sizeof(err)) != PH_OK) {
      fprintf(stderr, "ph-clbundle: %s\n", err);
      status = 1;
    } else {
      printf("ph-clbundle: wrote %s: %zu device(s) x %zu programs\n", output, bundle.num_devices,
             ph_cl_num_sources);
    }
  }
  ph_cl_bundle_clear(&bundle);
  return status;
}
