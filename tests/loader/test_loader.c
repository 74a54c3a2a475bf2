/*
 * Loader tests against the test plugins (tests/plugins).
 *
 * The runtime initialises once per process, so each environment setting is
 * its own meson test running one mode of this program:
 *   scan   PH_PLUGIN_PATH names the test-plugin directory: every candidate
 *          is listed in name order with the right state and reason, and the
 *          working plugins' devices appear.
 *   exact  PH_PLUGINS names libph_test_valid.so (PH_PLUGIN_PATH is also
 *          set and must be ignored): only that file is a candidate.
 *   none   PH_PLUGIN_PATH names a missing directory: no candidates, no
 *          devices, clean errors.
 *   log    runs this program again (mode "child") with PH_LOG=warn and
 *          without PH_LOG, capturing stderr: each skip is printed only
 *          when asked.
 *   default BUILD_PLUGIN_DIR: runs this program again (mode "defaultchild")
 *          with neither PH_PLUGINS nor PH_PLUGIN_PATH: the library, running
 *          from the build tree, looks only at BUILD_PLUGIN_DIR/x/libph_*.so
 *          (and the install dir, and polyhal/plugins beside the library).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "polyhal/polyhal.h"

static int g_failures;
static int g_checks;

#define CHECK(cond, ...)                                    \
  do {                                                      \
    g_checks++;                                             \
    if (!(cond)) {                                          \
      g_failures++;                                         \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
      fprintf(stderr, __VA_ARGS__);                         \
      fputc('\n', stderr);                                  \
    }                                                       \
  } while (0)

static int contains(const char *hay, const char *needle) {
  return hay != NULL && needle != NULL && strstr(hay, needle) != NULL;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = s ? strlen(s) : 0, m = strlen(suffix);
  return s != NULL && n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *basename_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* One expected candidate: its file, whether it loads, and substrings its
 * reason must contain (NULL-terminated). */
typedef struct expected_candidate {
  const char *file;
  int loads;
  const char *reason_has[4];
} expected_candidate_t;

/* In name order, as the loader must list them. The reasons follow the
 * loader's contract: the file's name plus the cause. The text file's
 * dlerror text is computed in check_candidate, not written here. */
static const expected_candidate_t k_scan[] = {
  {"libph_test_initfail.so", 0, {"PH_ERROR_DEVICE", "no board found on bus 3", NULL}},
  {"libph_test_missingentry.so", 0, {"device_open", NULL}},
  {"libph_test_newmajor.so", 0, {"ABI 2.0", "1.0", NULL}},
  {"libph_test_newminor.so", 0, {"ABI 1.1", "1.0", NULL}},
  {"libph_test_noinit.so", 0, {"ph_plugin_init", NULL}},
  {"libph_test_oldminor.so", 1, {NULL}},
  {"libph_test_text.so", 0, {NULL}},
  {"libph_test_valid.so", 1, {NULL}},
};
#define SCAN_COUNT (sizeof(k_scan) / sizeof(k_scan[0]))

static int get_info(size_t i, ph_plugin_info_t *info) {
  memset(info, 0, sizeof(*info));
  info->struct_size = sizeof(*info);
  ph_status_t st = ph_plugin_get_info(i, info);
  CHECK(st == PH_OK, "ph_plugin_get_info(%zu) = %s (%s)", i, ph_status_string(st),
        ph_last_error());
  return st == PH_OK;
}

static void check_candidate(size_t i, const expected_candidate_t *e) {
  ph_plugin_info_t info;
  if (!get_info(i, &info)) return;
  const char *reason = info.reason ? info.reason : "(null)";
  printf("  [%zu] %s %s: %s\n", i, info.state == PH_PLUGIN_LOADED ? "LOADED " : "SKIPPED",
         info.path ? info.path : "(null)", reason);
  CHECK(info.path && ends_with(info.path, e->file) &&
            strcmp(basename_of(info.path), e->file) == 0,
        "candidate %zu is %s, expected %s", i, info.path ? info.path : "(null)", e->file);
  if (e->loads) {
    CHECK(info.state == PH_PLUGIN_LOADED, "%s: expected LOADED, got state %u (%s)", e->file,
          info.state, reason);
    CHECK(info.reason && info.reason[0] == '\0', "%s: loaded but reason '%s'", e->file, reason);
    char name[64];
    snprintf(name, sizeof(name), "test_%.*s", (int)(strlen(e->file) - strlen("libph_test_.so")),
             e->file + strlen("libph_test_"));
    CHECK(info.name && strcmp(info.name, name) == 0, "%s: name '%s', expected '%s'", e->file,
          info.name ? info.name : "(null)", name);
    CHECK(info.vendor && strcmp(info.vendor, "polyhal tests") == 0, "%s: vendor '%s'", e->file,
          info.vendor ? info.vendor : "(null)");
    CHECK(info.version && strcmp(info.version, "0.1-test") == 0, "%s: version '%s'", e->file,
          info.version ? info.version : "(null)");
    CHECK(info.abi_version == 0x10000u, "%s: abi_version 0x%x, expected 0x10000", e->file,
          info.abi_version);
    CHECK(info.device_count == 1, "%s: %zu devices, expected 1", e->file, info.device_count);
    return;
  }
  CHECK(info.state == PH_PLUGIN_SKIPPED, "%s: expected SKIPPED, got state %u", e->file,
        info.state);
  CHECK(info.device_count == 0, "%s: skipped but %zu devices", e->file, info.device_count);
  CHECK(contains(reason, e->file), "%s: reason does not name the file: '%s'", e->file, reason);
  for (size_t k = 0; e->reason_has[k] != NULL; k++)
    CHECK(contains(reason, e->reason_has[k]), "%s: reason lacks '%s': '%s'", e->file,
          e->reason_has[k], reason);
  if (strcmp(e->file, "libph_test_text.so") == 0 && info.path != NULL) {
    /* The reason must carry dlopen's own explanation for this file. */
    void *h = dlopen(info.path, RTLD_NOW | RTLD_LOCAL);
    const char *err = h ? NULL : dlerror();
    CHECK(h == NULL, "dlopen of the text file succeeded");
    if (h) dlclose(h);
    if (err) {
      const char *cause = strrchr(err, ':'); /* "path: cause" */
      cause = cause ? cause + 2 : err;
      CHECK(contains(reason, cause), "%s: reason lacks the dlerror text '%s': '%s'", e->file,
            cause, reason);
    }
  }
}

/* Host <-> device round trip through the HAL into the test plugin. */
static void check_round_trip(ph_device_t *dev) {
  ph_stream_t *s = NULL;
  ph_buffer_t *b = NULL;
  unsigned char in[256], out[256];
  for (int i = 0; i < 256; i++) in[i] = (unsigned char)(i * 7 + 3);
  ph_status_t st = ph_stream_create(dev, 0, &s);
  CHECK(st == PH_OK, "stream_create: %s (%s)", ph_status_string(st), ph_last_error());
  st = ph_buffer_alloc(dev, sizeof(in), 0, &b);
  CHECK(st == PH_OK, "buffer_alloc: %s (%s)", ph_status_string(st), ph_last_error());
  if (s && b) {
    memset(out, 0, sizeof(out));
    CHECK(ph_buffer_write(s, b, 0, in, sizeof(in)) == PH_OK, "buffer_write: %s", ph_last_error());
    CHECK(ph_buffer_fill(s, b, 16, 0xAB, 8) == PH_OK, "buffer_fill: %s", ph_last_error());
    CHECK(ph_buffer_read(s, out, b, 0, sizeof(out)) == PH_OK, "buffer_read: %s", ph_last_error());
    CHECK(ph_stream_sync(s) == PH_OK, "stream_sync: %s", ph_last_error());
    int bad = 0;
    for (int i = 0; i < 256; i++) {
      unsigned char want = (i >= 16 && i < 24) ? 0xAB : in[i];
      if (out[i] != want) bad++;
    }
    CHECK(bad == 0, "round trip: %d bytes differ", bad);
  }
  ph_buffer_free(b);
  ph_stream_destroy(s);
}

static void check_valid_device(void) {
  ph_device_t *dev = NULL;
  ph_status_t st = ph_device_find("test_valid", &dev);
  CHECK(st == PH_OK && dev != NULL, "ph_device_find(test_valid) = %s (%s)", ph_status_string(st),
        ph_last_error());
  if (dev == NULL) return;
  ph_device_t *dev0 = NULL;
  CHECK(ph_device_find("test_valid:0", &dev0) == PH_OK && dev0 == dev,
        "test_valid:0 is not the device test_valid names");
  ph_device_props_t p;
  memset(&p, 0, sizeof(p));
  p.struct_size = sizeof(p);
  st = ph_device_get_props(dev, &p);
  CHECK(st == PH_OK, "get_props: %s (%s)", ph_status_string(st), ph_last_error());
  /* The values valid.c declares. */
  CHECK(strcmp(p.id, "test_valid:0") == 0, "id '%s'", p.id);
  CHECK(strcmp(p.plugin, "test_valid") == 0, "plugin '%s'", p.plugin);
  CHECK(strcmp(p.name, "polyhal test device (test_valid)") == 0, "name '%s'", p.name);
  CHECK(strcmp(p.vendor, "polyhal tests") == 0, "vendor '%s'", p.vendor);
  CHECK(strcmp(p.driver_version, "0.0-test") == 0, "driver '%s'", p.driver_version);
  CHECK(p.kind == PH_DEVICE_KIND_OTHER, "kind %u", p.kind);
  CHECK(p.compute_units == 1, "compute units %u", p.compute_units);
  CHECK(p.memory_bytes == (1ull << 30), "memory %llu", (unsigned long long)p.memory_bytes);
  CHECK(p.max_alloc_bytes == (1ull << 28), "max alloc %llu",
        (unsigned long long)p.max_alloc_bytes);
  CHECK(p.mem_kinds == PH_MEM_DEVICE, "mem kinds 0x%x", p.mem_kinds);
  CHECK(p.flags == PH_DEVICE_HOST_MEMORY, "flags 0x%x", p.flags);
  CHECK(p.dtypes == ((1u << PH_DTYPE_F32) | (1u << PH_DTYPE_I32)), "dtypes 0x%x", p.dtypes);
  CHECK(p.min_alignment == 64, "alignment %u", p.min_alignment);

  uint32_t caps = 99;
  CHECK(ph_device_op_caps(dev, PH_OP_UNARY, PH_DTYPE_F32, &caps) == PH_OK &&
            caps == PH_OP_CAP_SUPPORTED, "unary f32 caps 0x%x", caps);
  caps = 99;
  CHECK(ph_device_op_caps(dev, PH_OP_UNARY, PH_DTYPE_F16, &caps) == PH_OK && caps == 0,
        "unary f16 caps 0x%x", caps);
  caps = 99;
  CHECK(ph_device_op_caps(dev, PH_OP_MATMUL, PH_DTYPE_F32, &caps) == PH_OK && caps == 0,
        "matmul f32 caps 0x%x", caps);
  check_round_trip(dev);
}

static void mode_scan(void) {
  size_t n = 0;
  ph_status_t st = ph_plugin_count(&n);
  CHECK(st == PH_OK, "ph_plugin_count = %s", ph_status_string(st));
  CHECK(n == SCAN_COUNT, "%zu candidates, expected %zu", n, SCAN_COUNT);
  for (size_t i = 0; i < n && i < SCAN_COUNT; i++) check_candidate(i, &k_scan[i]);

  ph_plugin_info_t info;
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  CHECK(ph_plugin_get_info(n, &info) != PH_OK, "get_info(count) succeeded");
  CHECK(ph_plugin_get_info(0, NULL) != PH_OK, "get_info(0, NULL) succeeded");

  size_t nd = 0;
  CHECK(ph_device_count(&nd) == PH_OK && nd == 2, "%zu devices, expected 2 (valid, oldminor)",
        nd);
  check_valid_device();
  ph_device_t *dev = NULL;
  CHECK(ph_device_find("test_oldminor", &dev) == PH_OK, "test_oldminor not found");
  static const char *const refused[] = {"test_initfail", "test_missingentry", "test_newmajor",
                                        "test_newminor", "test_noinit"};
  for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
    dev = NULL;
    CHECK(ph_device_find(refused[i], &dev) != PH_OK && dev == NULL,
          "a device of refused plugin %s was found", refused[i]);
  }
}

static void mode_exact(void) {
  size_t n = 0;
  CHECK(ph_plugin_count(&n) == PH_OK && n == 1, "%zu candidates, expected exactly 1", n);
  ph_plugin_info_t info;
  if (n >= 1 && get_info(0, &info)) {
    CHECK(info.path && strcmp(basename_of(info.path), "libph_test_valid.so") == 0,
          "candidate is %s", info.path ? info.path : "(null)");
    CHECK(info.state == PH_PLUGIN_LOADED, "not loaded: %s", info.reason ? info.reason : "");
  }
  size_t nd = 0;
  CHECK(ph_device_count(&nd) == PH_OK && nd == 1, "%zu devices, expected 1", nd);
  check_valid_device();
  ph_device_t *dev = NULL;
  CHECK(ph_device_find("test_oldminor", &dev) != PH_OK,
        "a plugin outside PH_PLUGINS was loaded");
}

static void mode_none(void) {
  size_t n = 99, nd = 99;
  CHECK(ph_plugin_count(&n) == PH_OK && n == 0, "%zu candidates, expected 0", n);
  CHECK(ph_device_count(&nd) == PH_OK && nd == 0, "%zu devices, expected 0", nd);
  ph_device_t *dev = (ph_device_t *)&n;
  ph_status_t st = ph_device_find("test_valid", &dev);
  CHECK(st != PH_OK && dev == NULL, "find(test_valid) with no plugins: %s", ph_status_string(st));
  CHECK(ph_last_error()[0] != '\0', "failed find left no message");
  dev = (ph_device_t *)&n;
  CHECK(ph_device_get(0, &dev) != PH_OK && dev == NULL, "device_get(0) with no devices");
  ph_plugin_info_t info;
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  CHECK(ph_plugin_get_info(0, &info) != PH_OK, "get_info(0) with no candidates");
}

/* Runs this program in mode |mode| (with |arg|) with PH_LOG set to |log|
 * (NULL: unset) and returns its stderr (malloc'd), or NULL. With
 * |no_discovery_env| the child gets no PH_PLUGINS / PH_PLUGIN_PATH. */
static char *run_child(const char *mode, const char *arg, const char *log,
                       int no_discovery_env) {
  int fd[2];
  if (pipe(fd) != 0) return NULL;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return NULL;
  if (pid == 0) {
    close(fd[0]);
    dup2(fd[1], 2);
    close(fd[1]);
    if (log) setenv("PH_LOG", log, 1);
    else unsetenv("PH_LOG");
    if (no_discovery_env) {
      unsetenv("PH_PLUGINS");
      unsetenv("PH_PLUGIN_PATH");
    }
    execl("/proc/self/exe", "test_loader", mode, arg, (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (buf == NULL) break;
    if (len + 1 >= cap) {
      char *grown = realloc(buf, cap * 2);
      if (grown == NULL) { free(buf); buf = NULL; break; }
      buf = grown;
      cap *= 2;
    }
    ssize_t r = read(fd[0], buf + len, cap - len - 1);
    if (r <= 0) break;
    len += (size_t)r;
  }
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child (PH_LOG=%s) exited with 0x%x",
        log ? log : "unset", status);
  if (buf) buf[len] = '\0';
  return buf;
}

static void mode_log(void) {
  char *warn = run_child("child", NULL, "warn", 0);
  char *quiet = run_child("child", NULL, NULL, 0);
  CHECK(warn != NULL && quiet != NULL, "could not run the child");
  if (warn && quiet) {
    printf("--- stderr with PH_LOG=warn ---\n%s--- stderr without PH_LOG: %zu bytes ---\n", warn,
           strlen(quiet));
    for (size_t i = 0; i < SCAN_COUNT; i++)
      if (!k_scan[i].loads)
        CHECK(contains(warn, k_scan[i].file), "PH_LOG=warn did not report skipping %s",
              k_scan[i].file);
    CHECK(quiet[0] == '\0', "without PH_LOG the library printed: %s", quiet);
  }
  free(warn);
  free(quiet);
}

/* The child only makes the library initialise, and says on stdout whether
 * it saw every candidate (so the parent knows the scan ran). */
static int mode_child(void) {
  size_t n = 0, nd = 0;
  if (ph_plugin_count(&n) != PH_OK || ph_device_count(&nd) != PH_OK) return 1;
  printf("child: %zu candidates, %zu devices\n", n, nd);
  return n == SCAN_COUNT ? 0 : 1;
}

/* Default discovery from the build tree: every candidate is
 * |build_plugins|/<folder>/libph_*.so (the test plugins elsewhere in the
 * build tree are not picked up). Runs in a child without the env vars. */
static int mode_default_child(const char *build_plugins) {
  size_t n = 0, len = strlen(build_plugins);
  if (ph_plugin_count(&n) != PH_OK) return 1;
  for (size_t i = 0; i < n; i++) {
    ph_plugin_info_t info;
    if (!get_info(i, &info) || info.path == NULL) continue;
    const char *rest = info.path + len;
    const char *base = basename_of(info.path);
    printf("  default candidate: %s (%s)\n", info.path,
           info.state == PH_PLUGIN_LOADED ? "loaded" : (info.reason ? info.reason : ""));
    /* An install dir on this machine could also hold plugins; allow it. */
    /* BUILD_PLUGIN_DIR/<folder>/libph_*.so (a file directly in
     * BUILD_PLUGIN_DIR is tolerated too). */
    const char *sub = rest[0] == '/' ? strchr(rest + 1, '/') : NULL;
    int in_build = strncmp(info.path, build_plugins, len) == 0 && rest[0] == '/' &&
                   (sub == NULL || sub == base - 1);
    int in_install = strstr(info.path, "/polyhal/plugins/") != NULL;
    CHECK(in_build || in_install, "default discovery picked up %s", info.path);
    CHECK(strncmp(base, "libph_", 6) == 0 && ends_with(base, ".so"),
          "default discovery picked up a file not named libph_*.so: %s", info.path);
    CHECK(strncmp(base, "libph_test_", 11) != 0, "a test plugin was found by default: %s",
          info.path);
  }
  printf("test_loader default: %zu candidates, %d checks, %d failed\n", n, g_checks,
         g_failures);
  return g_failures ? 1 : 0;
}

static void mode_default(const char *build_plugins) {
  char *err = run_child("defaultchild", build_plugins, NULL, 1);
  CHECK(err != NULL, "could not run the child");
  if (err && err[0]) fprintf(stderr, "%s", err);
  free(err);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "child") == 0) return mode_child();
  if (strcmp(mode, "defaultchild") == 0 && argc > 2) return mode_default_child(argv[2]);
  if (strcmp(mode, "default") == 0 && argc > 2) mode_default(argv[2]);
  else if (strcmp(mode, "scan") == 0) mode_scan();
  else if (strcmp(mode, "exact") == 0) mode_exact();
  else if (strcmp(mode, "none") == 0) mode_none();
  else if (strcmp(mode, "log") == 0) mode_log();
  else {
    fprintf(stderr, "usage: %s scan|exact|none|log|default BUILD_PLUGIN_DIR\n", argv[0]);
    return 2;
  }
  printf("test_loader %s: %d checks, %d failed\n", mode, g_checks, g_failures);
  return g_failures ? 1 : 0;
}
