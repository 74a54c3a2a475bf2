/*
 * Reading and writing offline bundles (format in bundle.h). A reader
 * checks the trailing SHA-256 before it parses anything, and bounds every
 * length against the bytes left, so a truncated or hostile file is
 * refused, never over-read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"

/* A bundle larger than this is not one ph-clbundle wrote. */
#define PH_CL_BUNDLE_MAX_BYTES (1ull << 30)

typedef struct ph_cl_reader {
  const unsigned char *p, *end;
} ph_cl_reader_t;

static int ph_cl_rd_u32(ph_cl_reader_t *r, uint32_t *v) {
  if (r->end - r->p < 4) return 0;
  *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
       (uint32_t)r->p[3] << 24;
  r->p += 4;
  return 1;
}

static int ph_cl_rd_u64(ph_cl_reader_t *r, uint64_t *v) {
  uint32_t lo, hi;
  if (!ph_cl_rd_u32(r, &lo) || !ph_cl_rd_u32(r, &hi)) return 0;
  *v = (uint64_t)hi << 32 | lo;
  return 1;
}

/* A NUL-terminated copy of a length-prefixed string; NULL when short. */
static char *ph_cl_rd_str(ph_cl_reader_t *r) {
  uint32_t n;
  if (!ph_cl_rd_u32(r, &n) || (uint64_t)(r->end - r->p) < n) return NULL;
  char *s = malloc((size_t)n + 1);
  if (s == NULL) return NULL;
  memcpy(s, r->p, n);
  s[n] = '\0';
  r->p += n;
  return s;
}

void ph_cl_bundle_clear(ph_cl_bundle_t *b) {
  if (b == NULL) return;
  for (size_t d = 0; d < b->num_devices; ++d) {
    ph_cl_bundle_device_t *dev = &b->devices[d];
    for (size_t i = 0; i < dev->num_entries; ++i) {
      free(dev->entries[i].program);
      free(dev->entries[i].options);
      free(dev->entries[i].binary);
    }
    free(dev->entries);
    free(dev->name);
    free(dev->driver_version);
    free(dev->platform);
  }
  free(b->devices);
  b->devices = NULL;
  b->num_devices = 0;
}

void ph_cl_bundle_free(ph_cl_bundle_t *b) {
  ph_cl_bundle_clear(b);
  free(b);
}

static ph_status_t ph_cl_bundle_parse(ph_cl_reader_t *r, ph_cl_bundle_t *b, char *err,
                                      size_t err_size) {
  uint32_t version = 0, ndev = 0;
  if ((size_t)(r->end - r->p) < 8 || memcmp(r->p, PH_CL_BUNDLE_MAGIC, 8) != 0) {
    snprintf(err, err_size, "not a polyhal OpenCL bundle (bad magic)");
    return PH_ERROR_INVALID_ARGUMENT;
  }
  r->p += 8;
  if (!ph_cl_rd_u32(r, &version) || version != PH_CL_BUNDLE_VERSION) {
    snprintf(err, err_size, "bundle format version %u, this plugin reads %u", (unsigned)version,
             PH_CL_BUNDLE_VERSION);
    return PH_ERROR_INVALID_ARGUMENT;
  }
  if (!ph_cl_rd_u32(r, &ndev) || ndev > 4096) goto truncated;
  b->devices = calloc(ndev ? ndev : 1, sizeof(*b->devices));
  if (b->devices == NULL) goto oom;
  for (uint32_t d = 0; d < ndev; ++d) {
    ph_cl_bundle_device_t *dev = &b->devices[d];
    b->num_devices = d + 1; /* so free() sees what was filled */
    uint32_t nent;
    if ((dev->name = ph_cl_rd_str(r)) == NULL || (dev->driver_version = ph_cl_rd_str(r)) == NULL ||
        (dev->platform = ph_cl_rd_str(r)) == NULL || !ph_cl_rd_u32(r, &nent) || nent > 65536)
      goto truncated;
    dev->entries = calloc(nent ? nent : 1, sizeof(*dev->entries));
    if (dev->entries == NULL) goto oom;
    for (uint32_t i = 0; i < nent; ++i) {
      ph_cl_bundle_entry_t *e = &dev->entries[i];
      dev->num_entries = i + 1;
      if ((e->program = ph_cl_rd_str(r)) == NULL || (e->options = ph_cl_rd_str(r)) == NULL ||
          r->end - r->p < 32)
        goto truncated;
      memcpy(e->source_sha, r->p, 32);
      r->p += 32;
      if (!ph_cl_rd_u64(r, &e->size) || e->size == 0 || (uint64_t)(r->end - r->p) < e->size)
        goto truncated;
      e->binary = malloc((size_t)e->size);
      if (e->binary == NULL) goto oom;
      memcpy(e->binary, r->p, (size_t)e->size);
      r->p += e->size;
    }
  }
  if (r->p != r->end) {
    snprintf(err, err_size, "%zu stray bytes after the last entry", (size_t)(r->end - r->p));
    return PH_ERROR_INVALID_ARGUMENT;
  }
  return PH_OK;
truncated:
  snprintf(err, err_size, "truncated or malformed bundle");
  return PH_ERROR_INVALID_ARGUMENT;
oom:
  snprintf(err, err_size, "out of host memory reading the bundle");
  return PH_ERROR_OUT_OF_MEMORY;
}

ph_status_t ph_cl_bundle_read(const char *path, ph_cl_bundle_t **out_bundle, char *err,
                              size_t err_size) {
  *out_bundle = NULL;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
    return PH_ERROR_NOT_FOUND;
  }
  struct stat st;
  unsigned char *data = NULL;
  size_t size = 0;
  ph_status_t status = PH_OK;
  if (fstat(fileno(f), &st) != 0 || st.st_size < 8 + 8 + 32 ||
      (uint64_t)st.st_size > PH_CL_BUNDLE_MAX_BYTES) {
    snprintf(err, err_size, "%s: not a bundle (size %lld)", path, (long long)st.st_size);
    status = PH_ERROR_INVALID_ARGUMENT;
  } else if ((data = malloc((size_t)st.st_size)) == NULL) {
    snprintf(err, err_size, "%s: out of host memory", path);
    status = PH_ERROR_OUT_OF_MEMORY;
  } else if (fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
    snprintf(err, err_size, "%s: read failed", path);
    status = PH_ERROR_INVALID_ARGUMENT;
  } else {
    size = (size_t)st.st_size;
  }
  fclose(f);
  if (status != PH_OK) {
    free(data);
    return status;
  }
  unsigned char sha[32];
  ph_sha256(data, size - 32, sha);
  if (memcmp(sha, data + size - 32, 32) != 0) {
    free(data);
    snprintf(err, err_size, "%s: checksum mismatch (corrupt or truncated bundle)", path);
    return PH_ERROR_INVALID_ARGUMENT;
  }
  ph_cl_bundle_t *b = calloc(1, sizeof(*b));
  if (b == NULL) {
    free(data);
    snprintf(err, err_size, "%s: out of host memory", path);
    return PH_ERROR_OUT_OF_MEMORY;
  }
  ph_cl_reader_t r = {data, data + size - 32};
  char why[256];
  status = ph_cl_bundle_parse(&r, b, why, sizeof(why));
  free(data);
  if (status != PH_OK) {
    snprintf(err, err_size, "%s: %s", path, why);
    ph_cl_bundle_free(b);
    return status;
  }
  *out_bundle = b;
  return PH_OK;
}

/* Writing: every byte also goes through the running checksum. */
typedef struct ph_cl_writer {
  FILE *f;
  ph_sha256_t sha;
  int ok;
} ph_cl_writer_t;

static void ph_cl_wr(ph_cl_writer_t *w, const void *data, size_t size) {
  if (!w->ok || size == 0) return;
  ph_sha256_update(&w->sha, data, size);
  if (fwrite(data, 1, size, w->f) != size) w->ok = 0;
}

static void ph_cl_wr_u32(ph_cl_writer_t *w, uint32_t v) {
  unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                        (unsigned char)(v >> 24)};
  ph_cl_wr(w, b, 4);
}

static void ph_cl_wr_u64(ph_cl_writer_t *w, uint64_t v) {
  ph_cl_wr_u32(w, (uint32_t)v);
  ph_cl_wr_u32(w, (uint32_t)(v >> 32));
}

static void ph_cl_wr_str(ph_cl_writer_t *w, const char *s) {
  size_t n = s != NULL ? strlen(s) : 0;
  ph_cl_wr_u32(w, (uint32_t)n);
  ph_cl_wr(w, s, n);
}

ph_status_t ph_cl_bundle_write(const char *path, const ph_cl_bundle_t *b, char *err,
                               size_t err_size) {
  char tmp[4200];
  int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof(tmp)) {
    snprintf(err, err_size, "path too long: %s", path);
    return PH_ERROR_INVALID_ARGUMENT;
  }
  ph_cl_writer_t w = {fopen(tmp, "wb"), {{0}, 0, {0}, 0}, 1};
  if (w.f == NULL) {
    snprintf(err, err_size, "cannot create %s: %s", tmp, strerror(errno));
    return PH_ERROR_NOT_FOUND;
  }
  ph_sha256_init(&w.sha);
  ph_cl_wr(&w, PH_CL_BUNDLE_MAGIC, 8);
  ph_cl_wr_u32(&w, PH_CL_BUNDLE_VERSION);
  ph_cl_wr_u32(&w, (uint32_t)b->num_devices);
  for (size_t d = 0; d < b->num_devices; ++d) {
    const ph_cl_bundle_device_t *dev = &b->devices[d];
    ph_cl_wr_str(&w, dev->name);
    ph_cl_wr_str(&w, dev->driver_version);
    ph_cl_wr_str(&w, dev->platform);
    ph_cl_wr_u32(&w, (uint32_t)dev->num_entries);
    for (size_t i = 0; i < dev->num_entries; ++i) {
      const ph_cl_bundle_entry_t *e = &dev->entries[i];
      ph_cl_wr_str(&w, e->program);
      ph_cl_wr_str(&w, e->options);
      ph_cl_wr(&w, e->source_sha, 32);
      ph_cl_wr_u64(&w, e->size);
      ph_cl_wr(&w, e->binary, (size_t)e->size);
    }
  }
  unsigned char sha[32];
  ph_sha256_final(&w.sha, sha);
  if (w.ok && fwrite(sha, 1, 32, w.f) != 32) w.ok = 0;
  if (fclose(w.f) != 0) w.ok = 0;
  if (!w.ok || rename(tmp, path) != 0) {
    snprintf(err, err_size, "writing %s failed: %s", path, strerror(errno));
    unlink(tmp);
    return PH_ERROR_DEVICE;
  }
  return PH_OK;
}

const ph_cl_bundle_entry_t *ph_cl_bundle_find(const ph_cl_bundle_t *b, const char *device,
                                              const char *program, const char *options) {
  if (b == NULL) return NULL;
  const char *opts = options != NULL ? options : "";
  for (size_t d = 0; d < b->num_devices; ++d) {
    const ph_cl_bundle_device_t *dev = &b->devices[d];
    if (strcmp(dev->name, device) != 0) continue;
    for (size_t i = 0; i < dev->num_entries; ++i)
      if (strcmp(dev->entries[i].program, program) == 0 &&
          strcmp(dev->entries[i].options, opts) == 0)
        return &dev->entries[i];
  }
  return NULL;
}
