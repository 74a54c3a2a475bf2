/* The case list: registration by the groups, and the duplicate check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

phc_case_t *phc_name(phc_case_t *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->name, sizeof c->name, fmt, ap);
  va_end(ap);
  return c;
}

void phc_add(phc_suite_t *s, const phc_case_t *c) {
  if (s->count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 256;
    phc_case_t *grown = realloc(s->cases, cap * sizeof *grown);
    if (grown == NULL) {
      s->oom = 1;
      return;
    }
    s->cases = grown;
    s->cap = cap;
  }
  s->cases[s->count++] = *c;
}

void phc_add_quick(phc_suite_t *s, const char *name, phc_run_fn run, uint32_t op, int64_t p0) {
  phc_case_t c;
  memset(&c, 0, sizeof c);
  phc_name(&c, "%s", name);
  c.profile = PHC_QUICK;
  c.run = run;
  c.op = op;
  c.p[0] = p0;
  phc_add(s, &c);
}

static int phc_case_cmp(const void *a, const void *b) {
  return strcmp(((const phc_case_t *)a)->name, ((const phc_case_t *)b)->name);
}

bool phc_suite_build(phc_suite_t *s) {
  memset(s, 0, sizeof *s);
  void (*const groups[])(phc_suite_t *) = {
      phc_register_abi,          phc_register_device,       phc_register_memory,
      phc_register_stream,       phc_register_negative,     phc_register_op_matmul,
      phc_register_op_conv2d,    phc_register_op_pool2d,    phc_register_op_unary,
      phc_register_op_binary,    phc_register_op_softmax,   phc_register_op_norm,
      phc_register_op_reduce,    phc_register_op_layout,    phc_register_op_cast,
      phc_register_op_attention,
  };
  for (size_t i = 0; i < sizeof groups / sizeof groups[0]; ++i) groups[i](s);
  if (s->oom) {
    fprintf(stderr, "ph-conform: out of memory while registering cases\n");
    return false;
  }
  /* Sorted by name: a stable order for reports, and duplicates adjacent. */
  qsort(s->cases, s->count, sizeof *s->cases, phc_case_cmp);
  bool ok = true;
  for (size_t i = 1; i < s->count; ++i) {
    if (strcmp(s->cases[i - 1].name, s->cases[i].name) == 0) {
      fprintf(stderr, "ph-conform: suite bug: case name registered twice: %s\n",
              s->cases[i].name);
      ok = false;
    }
  }
  for (size_t i = 0; i < s->count; ++i) {
    if (s->cases[i].run == NULL || s->cases[i].name[0] == '\0') {
      fprintf(stderr, "ph-conform: suite bug: case %zu (%s) has no name or run function\n", i,
              s->cases[i].name);
      ok = false;
    }
  }
  return ok;
}

void phc_suite_free(phc_suite_t *s) {
  free(s->cases);
  memset(s, 0, sizeof *s);
}
