/* Diagnostics to stderr, only at the level PH_LOG asks for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static pthread_once_t level_once = PTHREAD_ONCE_INIT;
static int log_level; /* 0: silent (the default) */

static void read_level(void) {
  const char *s = getenv("PH_LOG");
  if (!s) return;
  if (!strcmp(s, "error")) log_level = PH_LOG_ERROR;
  else if (!strcmp(s, "warn")) log_level = PH_LOG_WARN;
  else if (!strcmp(s, "info")) log_level = PH_LOG_INFO;
  else if (!strcmp(s, "debug")) log_level = PH_LOG_DEBUG;
}

bool ph__log_enabled(ph_log_level_t level) {
  pthread_once(&level_once, read_level);
  return (int)level <= log_level;
}

void ph__vlog(ph_log_level_t level, const char *fmt, va_list ap) {
  static const char *const names[] = {"", "error", "warn", "info", "debug"};
  if (!ph__log_enabled(level)) return;
  char line[1200];
  vsnprintf(line, sizeof line, fmt, ap);
  /* One fprintf per line so concurrent threads do not interleave mid-line. */
  fprintf(stderr, "polyhal[%s]: %s\n", names[level], line);
}

void ph__log(ph_log_level_t level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ph__vlog(level, fmt, ap);
  va_end(ap);
}
