/* The terminal summary: per device, a matrix of op (or group) x dtype
 * whose cells say pass / FAIL / skip, then the totals. */
#include <stdio.h>
#include <string.h>

#include "suite.h"

enum { PHC_ROW_GROUPS = 5, PHC_COLS = PH_DTYPE_COUNT_ };

typedef struct phc_cell {
  size_t pass, fail, skip, xfail;
} phc_cell_t;

static const char *const phc_groups[PHC_ROW_GROUPS] = {"abi", "device", "memory", "stream",
                                                        "negative"};

/* Row of a result: its op, else its group prefix; -1 if neither. */
static int phc_row(const phc_result_t *r) {
  if (r->test->op > 0 && r->test->op < PH_OP_COUNT_ && strncmp(r->test->name, "op.", 3) == 0)
    return PHC_ROW_GROUPS + (int)r->test->op - 1;
  for (int g = 0; g < PHC_ROW_GROUPS; ++g) {
    size_t n = strlen(phc_groups[g]);
    if (strncmp(r->test->name, phc_groups[g], n) == 0 && r->test->name[n] == '.') return g;
  }
  return -1;
}

static void phc_cell_text(const phc_cell_t *c, char *buf, size_t n) {
  size_t total = c->pass + c->fail + c->skip + c->xfail;
  if (total == 0)
    snprintf(buf, n, ".");
  else if (c->fail)
    snprintf(buf, n, "FAIL %zu/%zu", c->fail, total);
  else if (c->pass)
    snprintf(buf, n, "ok %zu%s", c->pass, c->xfail ? "x" : "");
  else if (c->xfail)
    snprintf(buf, n, "xfail %zu", c->xfail);
  else
    snprintf(buf, n, "skip");
}

void phc_report_summary(const phc_run_t *run, FILE *out) {
  enum { ROWS = PHC_ROW_GROUPS + PH_OP_COUNT_ - 1 };
  for (size_t d = 0; d < run->device_count; ++d) {
    phc_cell_t cells[ROWS][PHC_COLS];
    memset(cells, 0, sizeof cells);
    size_t counts[PHC_STATUS_COUNT_] = {0};
    for (size_t i = 0; i < run->result_count; ++i) {
      const phc_result_t *r = &run->results[i];
      if (r->device != d) continue;
      ++counts[r->status];
      int row = phc_row(r);
      uint32_t col = r->test->dtype < PHC_COLS ? r->test->dtype : 0;
      if (row < 0) continue;
      phc_cell_t *c = &cells[row][col];
      switch (r->status) {
        case PHC_PASS: ++c->pass; break;
        case PHC_SKIP: ++c->skip; break;
        case PHC_XFAIL: ++c->xfail; break;
        default: ++c->fail; break;
      }
    }
    const phc_device_info_t *dev = &run->devices[d];
    fprintf(out, "\n%s  %s (plugin %s %s)\n", dev->props.id, dev->props.name, dev->plugin_name,
            dev->plugin_version);
    fprintf(out, "  %-10s %-11s", "", "-");
    for (uint32_t dt = 1; dt < PHC_COLS; ++dt) fprintf(out, " %-11s", ph_dtype_name(dt));
    fputc('\n', out);
    for (int row = 0; row < ROWS; ++row) {
      size_t any = 0;
      for (int col = 0; col < PHC_COLS; ++col) {
        const phc_cell_t *c = &cells[row][col];
        any += c->pass + c->fail + c->skip + c->xfail;
      }
      if (!any) continue;
      const char *label = row < PHC_ROW_GROUPS ? phc_groups[row]
                                               : ph_op_name((uint32_t)(row - PHC_ROW_GROUPS + 1));
      fprintf(out, "  %-10s", label);
      for (int col = 0; col < PHC_COLS; ++col) {
        char text[32];
        phc_cell_text(&cells[row][col], text, sizeof text);
        fprintf(out, " %-11s", text);
      }
      fputc('\n', out);
    }
    fprintf(out, "  totals:");
    for (int s = 0; s < PHC_STATUS_COUNT_; ++s)
      if (counts[s]) fprintf(out, " %zu %s", counts[s], phc_status_name((phc_status_t)s));
    fputc('\n', out);
  }
}
