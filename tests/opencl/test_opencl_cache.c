/*
 * The program cache and the binary-only path, by running cache_probe (one
 * unary op) as a child with PH_LOG=debug and counting the plugin's
 * one-line-per-program log ("compiled program", "from cache", "from
 * bundle").
 *
 *   test_opencl_cache cache PROBE WORKDIR
 *   test_opencl_cache binary-only PROBE PH-CLBUNDLE WORKDIR
 *
 * cache: a fresh PH_CACHE_DIR; run 1 compiles, run 2 compiles nothing;
 * then every entry is corrupted and run 3 must recompile and still be
 * right; run 4 is a cache hit again (the bad entry was replaced).
 * binary-only: ph-clbundle writes a bundle; with PH_OPENCL_BINARY_ONLY=1
 * and that bundle the probe is right and compiles nothing; without a
 * bundle the op fails cleanly (status UNSUPPORTED naming the program).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int g_checks, g_failures;
#define CHECK(cond, ...)                                  \
  do {                                                    \
    ++g_checks;                                           \
    if (!(cond)) {                                        \
      ++g_failures;                                       \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                       \
      fputc('\n', stderr);                                \
    }                                                     \
  } while (0)

static char g_out[1 << 20];

/* Runs argv with extra NAME=VALUE settings (NAME= alone unsets), stdout and
 * stderr into g_out; returns the exit status, or -1. */
static int run(char *const argv[], const char *const *env) {
  char path[] = "/tmp/ph_cl_cache_outXXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  unlink(path);
  pid_t pid = fork();
  if (pid == 0) {
    for (const char *const *e = env; *e != NULL; ++e) {
      const char *eq = strchr(*e, '=');
      char name[128];
      snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
      if (eq[1] == '\0') unsetenv(name);
      else setenv(name, eq + 1, 1);
    }
    dup2(fd, 1);
    dup2(fd, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  int status = -1;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) {
    close(fd);
    return -1;
  }
  ssize_t n = pread(fd, g_out, sizeof(g_out) - 1, 0);
  g_out[n > 0 ? n : 0] = '\0';
  close(fd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int count(const char *needle) {
  int n = 0;
  for (const char *p = g_out; (p = strstr(p, needle)) != NULL; p += strlen(needle)) ++n;
  return n;
}

/* Flips bytes in the middle and at the end of every cache entry. */
static int corrupt_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strstr(e->d_name, ".bin") == NULL) continue;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    int fd = open(path, O_RDWR);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 2) {
      if (fd >= 0) close(fd);
      continue;
    }
    off_t where[2] = {st.st_size / 2, st.st_size - 1};
    for (int i = 0; i < 2; ++i) {
      unsigned char b;
      if (pread(fd, &b, 1, where[i]) == 1) {
        b ^= 0xa5;
        if (pwrite(fd, &b, 1, where[i]) == 1 && i == 1) ++n;
      }
    }
    close(fd);
  }
  closedir(d);
  return n;
}

/* Removes every file in |dir| (a previous run's cache entries). */
static void empty_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
}

static int test_cache(char *probe, const char *work) {
  char cache[4096], entries[4200], env_cache[4200];
  snprintf(cache, sizeof(cache), "%s/cache", work);
  snprintf(entries, sizeof(entries), "%s/opencl", cache);
  snprintf(env_cache, sizeof(env_cache), "PH_CACHE_DIR=%s", cache);
  const char *env[] = {env_cache, "PH_LOG=debug", "PH_OPENCL_BINARY_ONLY=", NULL};
  char *argv[] = {probe, NULL};
  empty_dir(entries); /* fresh: run 1 must compile */

  int rc = run(argv, env);
  if (rc == 77) {
    printf("SKIP: no OpenCL device\n");
    return 77;
  }
  CHECK(rc == 0, "run 1 exit %d:\n%s", rc, g_out);
  CHECK(count("opencl: compiled program") >= 1, "run 1 compiled nothing:\n%s", g_out);
  int first = count("opencl: compiled program");

  rc = run(argv, env);
  CHECK(rc == 0, "run 2 exit %d:\n%s", rc, g_out);
  CHECK(count("opencl: compiled program") == 0, "run 2 compiled %d programs:\n%s",
        count("opencl: compiled program"), g_out);
  CHECK(count("from cache") == first, "run 2: %d cache loads, run 1 compiled %d",
        count("from cache"), first);

  int corrupted = corrupt_dir(entries);
  CHECK(corrupted >= 1, "no cache entries to corrupt in %s", entries);
  rc = run(argv, env);
  CHECK(rc == 0, "run 3 (corrupt cache) exit %d:\n%s", rc, g_out);
  CHECK(count("opencl: compiled program") == first,
        "run 3 (corrupt cache): %d compiles, expected %d:\n%s",
        count("opencl: compiled program"), first, g_out);

  rc = run(argv, env);
  CHECK(rc == 0 && count("opencl: compiled program") == 0,
        "run 4: exit %d, %d compiles (the rebuilt entry was not stored?)", rc,
        count("opencl: compiled program"));
  return 0;
}

static int test_binary_only(char *probe, char *clbundle, const char *work) {
  char bundle[4096], env_bundle[4200], env_cache[4200];
  snprintf(bundle, sizeof(bundle), "%s/test.bundle", work);
  snprintf(env_bundle, sizeof(env_bundle), "PH_OPENCL_BUNDLE=%s", bundle);
  /* An empty cache dir, so a "loaded from cache" could not hide a compile. */
  snprintf(env_cache, sizeof(env_cache), "PH_CACHE_DIR=%s/nocache", work);
  char *probe_argv[] = {probe, NULL};

  /* Without any bundle: a clean refusal naming the program. */
  char env_missing[4200];
  snprintf(env_missing, sizeof(env_missing), "PH_OPENCL_BUNDLE=%s/missing.bundle", work);
  const char *env_none[] = {env_missing, env_cache, "PH_LOG=debug", "PH_OPENCL_BINARY_ONLY=1",
                            NULL};
  int rc = run(probe_argv, env_none);
  if (rc == 77) {
    printf("SKIP: no OpenCL device\n");
    return 77;
  }
  CHECK(rc == 3, "no bundle: exit %d (want 3, the op refused):\n%s", rc, g_out);
  CHECK(strstr(g_out, "UNSUPPORTED") != NULL || strstr(g_out, "unsupported") != NULL,
        "no bundle: status is not UNSUPPORTED:\n%s", g_out);
  CHECK(strstr(g_out, "'unary'") != NULL, "no bundle: message does not name 'unary':\n%s",
        g_out);
  CHECK(count("opencl: compiled program") == 0, "binary-only compiled:\n%s", g_out);

  char *tool_argv[] = {clbundle, "-o", bundle, NULL};
  const char *env_tool[] = {NULL};
  rc = run(tool_argv, env_tool);
  CHECK(rc == 0, "ph-clbundle exit %d:\n%s", rc, g_out);
  if (rc != 0) return 0;

  const char *env_ok[] = {env_bundle, env_cache, "PH_LOG=debug", "PH_OPENCL_BINARY_ONLY=1",
                          NULL};
  rc = run(probe_argv, env_ok);
  CHECK(rc == 0, "binary-only with bundle: exit %d:\n%s", rc, g_out);
  CHECK(count("opencl: compiled program") == 0, "binary-only compiled %d programs:\n%s",
        count("opencl: compiled program"), g_out);
  CHECK(count("from bundle") >= 1, "binary-only loaded nothing from the bundle:\n%s", g_out);

  /* A corrupt bundle is refused as a whole, cleanly. */
  int fd = open(bundle, O_RDWR);
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 100) {
    unsigned char b;
    if (pread(fd, &b, 1, st.st_size / 2) == 1) {
      b ^= 0xff;
      if (pwrite(fd, &b, 1, st.st_size / 2) != 1) b = 0;
    }
  }
  if (fd >= 0) close(fd);
  rc = run(probe_argv, env_ok);
  CHECK(rc == 3 && strstr(g_out, "checksum") != NULL,
        "corrupt bundle: exit %d, want a clean refusal mentioning the checksum:\n%s", rc, g_out);
  return 0;
}

int main(int argc, char **argv) {
  int rc = 2;
  if (argc == 4 && strcmp(argv[1], "cache") == 0) {
    mkdir(argv[3], 0755);
    rc = test_cache(argv[2], argv[3]);
  } else if (argc == 5 && strcmp(argv[1], "binary-only") == 0) {
    mkdir(argv[4], 0755);
    rc = test_binary_only(argv[2], argv[3], argv[4]);
  } else {
    fprintf(stderr, "usage: test_opencl_cache cache PROBE WORKDIR\n"
                    "       test_opencl_cache binary-only PROBE PH-CLBUNDLE WORKDIR\n");
    return 2;
  }
  if (rc == 77) return 77;
  printf("opencl_cache %s: %d checks, %d failed\n", argv[1], g_checks, g_failures);
  return g_failures != 0;
}
