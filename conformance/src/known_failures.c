/*
 * Known-failure lists. A plugin ships one beside its shared object
 * (libph_<name>.known-failures); each line is
 *     <test-glob> [device=<glob>] <reason>
 * '#' starts a comment. A known failure that passes is XPASS, which fails
 * the run, so a list cannot silently outlive the bug it describes.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

static char *phc_strdup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

static const char *phc_skip_ws(const char *p) {
  while (*p && isspace((unsigned char)*p)) ++p;
  return p;
}

static const char *phc_word_end(const char *p) {
  while (*p && !isspace((unsigned char)*p)) ++p;
  return p;
}

static bool phc_known_push(phc_known_list_t *list, phc_known_t *k) {
  if (list->count == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 16;
    phc_known_t *grown = realloc(list->items, cap * sizeof *grown);
    if (grown == NULL) return false;
    list->items = grown;
    list->cap = cap;
  }
  list->items[list->count++] = *k;
  return true;
}

static void phc_known_clear(phc_known_t *k) {
  free(k->test_glob);
  free(k->device_glob);
  free(k->reason);
  free(k->file);
}

bool phc_known_load(phc_known_list_t *list, const char *path, bool optional) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    if (!optional) fprintf(stderr, "ph-conform: cannot read known-failure list %s\n", path);
    return optional;
  }
  char line[1024];
  int lineno = 0;
  bool ok = true;
  while (fgets(line, sizeof line, f)) {
    ++lineno;
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    const char *p = phc_skip_ws(line);
    if (*p == '\0') continue;
    phc_known_t k;
    memset(&k, 0, sizeof k);
    const char *e = phc_word_end(p);
    k.test_glob = phc_strdup_n(p, (size_t)(e - p));
    p = phc_skip_ws(e);
    if (strncmp(p, "device=", 7) == 0) {
      const char *dv = p + 7;
      e = phc_word_end(dv);
      k.device_glob = phc_strdup_n(dv, (size_t)(e - dv));
      p = phc_skip_ws(e);
    }
    size_t len = strlen(p);
    while (len > 0 && isspace((unsigned char)p[len - 1])) --len;
    k.reason = phc_strdup_n(p, len);
    k.file = phc_strdup_n(path, strlen(path));
    k.line = lineno;
    if (len == 0) {
      fprintf(stderr, "ph-conform: %s:%d: a known failure needs a reason after the pattern\n",
              path, lineno);
      ok = false;
      phc_known_clear(&k);
      continue;
    }
    if (k.test_glob == NULL || k.reason == NULL || k.file == NULL || !phc_known_push(list, &k)) {
      phc_known_clear(&k);
      ok = false;
    }
  }
  fclose(f);
  return ok;
}

phc_known_t *phc_known_match(phc_known_list_t *list, const char *test, const char *device_id,
                             const char *device_name) {
  for (size_t i = 0; i < list->count; ++i) {
    phc_known_t *k = &list->items[i];
    if (fnmatch(k->test_glob, test, 0) != 0) continue;
    if (k->device_glob && fnmatch(k->device_glob, device_id, 0) != 0 &&
        fnmatch(k->device_glob, device_name, 0) != 0)
      continue;
    return k;
  }
  return NULL;
}

void phc_known_free(phc_known_list_t *list) {
  for (size_t i = 0; i < list->count; ++i) phc_known_clear(&list->items[i]);
  free(list->items);
  memset(list, 0, sizeof *list);
}
