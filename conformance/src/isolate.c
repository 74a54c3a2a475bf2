/* Worker processes for ph-conform (see isolate.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "isolate.h"

/* What crosses the pipe: the same executable on both ends, so the struct
 * layout agrees; the pointers in it are set again by the supervisor. */
typedef struct phc_wire {
  uint64_t job;
  phc_result_t result;
} phc_wire_t;

static bool phc_write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w;
    n -= (size_t)w;
  }
  return true;
}

int phc_worker_run(const phc_job_t *jobs, size_t njobs, size_t from, int fd,
                   ph_device_t *const *devs, uint64_t seed, uint32_t profile) {
  for (size_t j = from; j < njobs; ++j) {
    ph_device_props_t props;
    memset(&props, 0, sizeof props);
    props.struct_size = sizeof props;
    ph_device_get_props(devs[jobs[j].device], &props);
    phc_wire_t w;
    memset(&w, 0, sizeof w);
    w.job = j;
    phc_run_case(jobs[j].test, devs[jobs[j].device], &props, seed, profile, &w.result);
    w.result.test = NULL;
    if (!phc_write_all(fd, &w, sizeof w)) return 3; /* the supervisor is gone */
  }
  close(fd);
  return 0;
}

static double phc_mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads one record within |timeout_s|: 1 read, 0 end of stream, -1 timed
 * out. */
static int phc_read_record(int fd, phc_wire_t *w, double timeout_s) {
  char *p = (char *)w;
  size_t got = 0;
  double deadline = phc_mono_s() + timeout_s;
  while (got < sizeof *w) {
    double left = deadline - phc_mono_s();
    if (left <= 0) return -1;
    struct pollfd pfd = {fd, POLLIN, 0};
    int pr = poll(&pfd, 1, (int)(left * 1000) + 1);
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) return -1;
    ssize_t r = read(fd, p + got, sizeof *w - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0; /* a partial record is a worker that died */
    got += (size_t)r;
  }
  return 1;
}

static void phc_fail_job(phc_done_fn done, void *user, size_t job, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void phc_fail_job(phc_done_fn done, void *user, size_t job, const char *fmt, ...) {
  phc_result_t r;
  memset(&r, 0, sizeof r);
  r.status = PHC_FAIL;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r.message, sizeof r.message, fmt, ap);
  va_end(ap);
  done(user, job, &r);
}

/* The environment as the user gave it (phc_isolate_save_env). */
static char **phc_start_env;

static void phc_isolate_free_env_copy(char **env) {
  for (size_t i = 0; env[i] != NULL; ++i) free(env[i]);
  free(env);
}

void phc_isolate_save_env(void) {
  size_t n = 0;
  while (environ[n] != NULL) ++n;
  char **copy = calloc(n + 1, sizeof *copy);
  if (copy == NULL) return; /* workers then get the current environment */
  for (size_t i = 0; i < n; ++i) {
    copy[i] = strdup(environ[i]);
    if (copy[i] == NULL) {
      phc_isolate_free_env_copy(copy); /* calloc'd: NULL-terminated so far */
      return;
    }
  }
  phc_start_env = copy;
}

void phc_isolate_free_env(void) {
  if (phc_start_env != NULL) phc_isolate_free_env_copy(phc_start_env);
  phc_start_env = NULL;
}

/* Starts a worker at job |from|; returns its pid and the read end. */
static pid_t phc_spawn(int argc, char **argv, size_t from, int *out_fd) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    /* The worker keeps stdin/stdout/stderr and the pipe (as fd 3) only:
     * the descriptors the supervisor's drivers opened are not its own. */
    int keep = 3;
    if (fds[1] != keep && dup2(fds[1], keep) < 0) _exit(127);
    if (close_range(keep + 1, ~0u, 0) != 0)
      for (int fd = keep + 1; fd < 1024; ++fd) close(fd);
    char fd_text[16], from_text[32];
    snprintf(fd_text, sizeof fd_text, "%d", keep);
    snprintf(from_text, sizeof from_text, "%zu", from);
    char **args = calloc((size_t)argc + 4, sizeof *args);
    if (args == NULL) _exit(127);
    for (int i = 0; i < argc; ++i) args[i] = argv[i];
    args[argc] = (char *)"--worker";
    args[argc + 1] = fd_text;
    args[argc + 2] = from_text;
    /* The worker prints nothing of its own; its stdout is not the run's. */
    if (freopen("/dev/null", "w", stdout) == NULL) _exit(127);
    execve("/proc/self/exe", args, phc_start_env != NULL ? phc_start_env : environ);
    _exit(127);
  }
  close(fds[1]);
  *out_fd = fds[0];
  return pid;
}

static void phc_describe_exit(int status, char *buf, size_t n) {
  if (WIFSIGNALED(status))
    snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else if (WIFEXITED(status))
    snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
  else
    snprintf(buf, n, "ended (wait status %d)", status);
}

bool phc_supervise(int argc, char **argv, size_t njobs, double timeout_s, phc_start_fn start,
                   phc_done_fn done, void *user) {
  size_t next = 0;
  while (next < njobs) {
    int fd = -1;
    pid_t pid = phc_spawn(argc, argv, next, &fd);
    if (pid < 0) {
      fprintf(stderr, "ph-conform: cannot start a worker process: %s\n", strerror(errno));
      return false;
    }
    size_t first = next;
    int outcome = 1;
    while (next < njobs) {
      start(user, next);
      phc_wire_t w;
      outcome = phc_read_record(fd, &w, timeout_s);
      if (outcome != 1) break;
      if (w.job != next) { /* cannot happen with one worker; never trust it */
        outcome = 0;
        break;
      }
      done(user, next, &w.result);
      ++next;
    }
    if (outcome == -1) kill(pid, SIGKILL);
    close(fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (next >= njobs) break;
    char why[96];
    phc_describe_exit(status, why, sizeof why);
    if (outcome == -1) {
      phc_fail_job(done, user, next, "timed out after %.0f s (the worker was killed)", timeout_s);
    } else if (next == first && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      fprintf(stderr, "ph-conform: the worker process could not start (%s)\n", why);
      return false;
    } else {
      phc_fail_job(done, user, next,
                   "the process running this case %s; the plugin crashed or exited "
                   "(rerun with --no-isolate under a debugger)",
                   why);
    }
    ++next;
  }
  return true;
}
