/*
 * The on-disk program cache. One file per (device, driver, platform,
 * program, options, source): its name is the SHA-256 of a key text that
 * names all of these, and the file begins by repeating that key text in
 * full, then the binary's size and SHA-256, then the binary. A reader
 * trusts an entry only when the key text matches exactly and the binary's
 * checksum is right; anything else (truncated, corrupt, a hash collision,
 * another version's format) is rebuilt and replaced.
 *
 * Writers write a temporary file and rename() it over the entry, so
 * concurrent processes see the old entry or the new one, never a mix.
 * Every failure here degrades to compiling; none is an error.
 *
 * Directory: $PH_CACHE_DIR/opencl, else $XDG_CACHE_HOME/polyhal/opencl,
 * else $HOME/.cache/polyhal/opencl.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "ocl.h"

#define PH_CL_CACHE_MAGIC "polyhal opencl program cache v1\n"
/* A binary larger than this is not a program we built. */
#define PH_CL_CACHE_MAX_BYTES (256u << 20)

/* The cache directory (created if missing), or 0 when there is none. */
static int ph_cl_cache_dir(char *out, size_t size) {
  const char *base = getenv("PH_CACHE_DIR");
  int n;
  if (base != NULL && *base != '\0') n = snprintf(out, size, "%s/opencl", base);
  else if ((base = getenv("XDG_CACHE_HOME")) != NULL && *base != '\0')
    n = snprintf(out, size, "%s/polyhal/opencl", base);
  else if ((base = getenv("HOME")) != NULL && *base != '\0')
    n = snprintf(out, size, "%s/.cache/polyhal/opencl", base);
  else return 0;
  if (n < 0 || (size_t)n >= size) return 0;
  /* mkdir -p; EEXIST from a racing process is fine. */
  for (char *p = out + 1; *p != '\0'; ++p) {
    if (*p != '/') continue;
    *p = '\0';
    int rc = mkdir(out, 0755);
    *p = '/';
    if (rc != 0 && errno != EEXIST) return 0;
  }
  if (mkdir(out, 0755) != 0 && errno != EEXIST) {
    ph_cl_log(PH_LOG_DEBUG, "opencl cache: cannot create %s (%s); not caching", out,
              strerror(errno));
    return 0;
  }
  return 1;
}

/* The key text (malloc'ed) and the entry's path, or NULL. */
static char *ph_cl_cache_key(ph_cl_device_t *dev, const char *name, const char *options,
                             const char *source, size_t source_size, char *path,
                             size_t path_size) {
  char dir[1024];
  if (!ph_cl_cache_dir(dir, sizeof(dir))) return NULL;
  unsigned char sha[32];
  char src_hex[65], key_hex[65];
  ph_sha256(source, source_size, sha);
  ph_hex(sha, 32, src_hex);
  const char *fmt = PH_CL_CACHE_MAGIC
      "program=%s\ndevice=%s\ndriver=%s\nplatform=%s / %s\noptions=%s\nsource_sha256=%s\n";
  int n = snprintf(NULL, 0, fmt, name, dev->props.name, dev->props.driver_version,
                   dev->platform_name, dev->platform_version, options, src_hex);
  if (n < 0) return NULL;
  char *key = malloc((size_t)n + 1);
  if (key == NULL) return NULL;
  snprintf(key, (size_t)n + 1, fmt, name, dev->props.name, dev->props.driver_version,
           dev->platform_name, dev->platform_version, options, src_hex);
  ph_sha256(key, (size_t)n, sha);
  ph_hex(sha, 32, key_hex);
  n = snprintf(path, path_size, "%s/%s.bin", dir, key_hex);
  if (n < 0 || (size_t)n >= path_size) {
    free(key);
    return NULL;
  }
  return key;
}

/* The whole file, malloc'ed; NULL when it cannot be read (or is huge). */
static unsigned char *ph_cl_read_file(const char *path, size_t *out_size) {
  *out_size = 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  unsigned char *data = NULL;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && st.st_size > 0 &&
      (uint64_t)st.st_size <= PH_CL_CACHE_MAX_BYTES + 4096u) {
    size_t size = (size_t)st.st_size;
    data = malloc(size);
    if (data != NULL && fread(data, 1, size, f) == size) *out_size = size;
    else {
      free(data);
      data = NULL;
    }
  }
  fclose(f);
  return data;
}

/* Parses "binary_size=N\nbinary_sha256=<64 hex>\n" at |*p|, advancing it
 * to the binary. Byte by byte: the binary that follows may start with
 * anything, whitespace included. */
static int ph_cl_parse_header(const char **p, const char *end, unsigned long long *size,
                              char hex[65]) {
  static const char k1[] = "binary_size=", k2[] = "binary_sha256=";
  const char *q = *p;
  if ((size_t)(end - q) < sizeof(k1) - 1 || memcmp(q, k1, sizeof(k1) - 1) != 0) return 0;
  q += sizeof(k1) - 1;
  unsigned long long v = 0;
  int digits = 0;
  for (; q < end && *q >= '0' && *q <= '9' && digits < 19; ++q, ++digits)
    v = v * 10 + (unsigned long long)(*q - '0');
  if (digits == 0 || q >= end || *q++ != '\n') return 0;
  if ((size_t)(end - q) < sizeof(k2) - 1 + 65 || memcmp(q, k2, sizeof(k2) - 1) != 0) return 0;
  q += sizeof(k2) - 1;
  for (int i = 0; i < 64; ++i, ++q) {
    if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f'))) return 0;
    hex[i] = *q;
  }
  hex[64] = '\0';
  if (*q++ != '\n') return 0;
  *size = v;
  *p = q;
  return 1;
}

cl_program ph_cl_cache_load(ph_cl_device_t *dev, const char *name, const char *options,
                            const char *source, size_t source_size) {
  char path[1200];
  char *key = ph_cl_cache_key(dev, name, options, source, source_size, path, sizeof(path));
  if (key == NULL) return NULL;
  size_t size = 0;
  unsigned char *data = ph_cl_read_file(path, &size);
  const char *why = NULL;
  cl_program prog = NULL;
  size_t klen = strlen(key);
  if (data == NULL) {
    ph_cl_log(PH_LOG_DEBUG, "opencl cache: no entry %s for program '%s'", path, name);
    goto done;
  }
  if (size < klen || memcmp(data, key, klen) != 0) {
    why = "its key does not match";
    goto done;
  }
  /* "binary_size=N\nbinary_sha256=HEX\n" then the binary. */
  const char *p = (const char *)data + klen;
  const char *end = (const char *)data + size;
  unsigned long long bsize = 0;
  char hex[65];
  if (!ph_cl_parse_header(&p, end, &bsize, hex)) {
    why = "its header is malformed";
    goto done;
  }
  if ((uint64_t)(end - p) != bsize || bsize == 0) {
    why = "its binary has the wrong length";
    goto done;
  }
  unsigned char sha[32];
  char got[65];
  ph_sha256(p, (size_t)bsize, sha);
  ph_hex(sha, 32, got);
  if (strcmp(got, hex) != 0) {
    why = "its binary fails its checksum";
    goto done;
  }
  char err[512];
  prog = ph_cl_program_from_binary(dev, (const unsigned char *)p, (size_t)bsize, options, err,
                                   sizeof(err));
  if (prog == NULL) why = err[0] != '\0' ? "the driver refused its binary" : "load failed";
  if (prog == NULL) ph_cl_log(PH_LOG_DEBUG, "opencl cache: %s: %s", path, err);
done:
  if (why != NULL)
    ph_cl_log(PH_LOG_INFO, "opencl cache: entry %s for program '%s' is unusable (%s); rebuilding",
              path, name, why);
  free(data);
  free(key);
  return prog;
}

static int ph_cl_write_all(int fd, const void *data, size_t size) {
  const unsigned char *p = data;
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    p += n;
    size -= (size_t)n;
  }
  return 1;
}

void ph_cl_cache_store(ph_cl_device_t *dev, const char *name, const char *options,
                       const char *source, size_t source_size, cl_program program) {
  char path[1200], tmp[1300];
  char *key = ph_cl_cache_key(dev, name, options, source, source_size, path, sizeof(path));
  if (key == NULL) return;
  char err[256] = "";
  size_t bsize = 0;
  unsigned char *bin = ph_cl_program_binary(program, &bsize, err, sizeof(err));
  if (bin == NULL || bsize > PH_CL_CACHE_MAX_BYTES) {
    ph_cl_log(PH_LOG_DEBUG, "opencl cache: not caching '%s': no binary (%s)", name, err);
    free(bin);
    free(key);
    return;
  }
  unsigned char sha[32];
  char hex[65], hdr[160];
  ph_sha256(bin, bsize, sha);
  ph_hex(sha, 32, hex);
  int hlen = snprintf(hdr, sizeof(hdr), "binary_size=%zu\nbinary_sha256=%s\n", bsize, hex);
  /* Unique per process and call: pid plus an address-free counter. */
  static unsigned long counter;
  unsigned long c = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
  snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%lu", path, (long)getpid(), c);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  int ok = fd >= 0 && ph_cl_write_all(fd, key, strlen(key)) &&
           ph_cl_write_all(fd, hdr, (size_t)hlen) && ph_cl_write_all(fd, bin, bsize);
  if (fd >= 0 && close(fd) != 0) ok = 0;
  if (ok && rename(tmp, path) != 0) ok = 0;
  if (!ok) {
    ph_cl_log(PH_LOG_DEBUG, "opencl cache: could not write %s (%s); not cached", path,
              strerror(errno));
    if (fd >= 0) unlink(tmp);
  } else {
    ph_cl_log(PH_LOG_DEBUG, "opencl cache: stored program '%s' (%zu bytes) in %s", name, bsize,
              path);
  }
  free(bin);
  free(key);
}
