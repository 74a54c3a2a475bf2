/* JUnit XML, the format CI systems read: one testsuite per device. */
#include <stdio.h>

#include "suite.h"

static void phc_xml(FILE *f, const char *s) {
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; ++p) {
    switch (*p) {
      case '<': fputs("&lt;", f); break;
      case '>': fputs("&gt;", f); break;
      case '&': fputs("&amp;", f); break;
      case '"': fputs("&quot;", f); break;
      case '\'': fputs("&apos;", f); break;
      default:
        if (*p >= 0x20 || *p == '\n' || *p == '\t') fputc(*p, f);
    }
  }
}

bool phc_report_junit(const phc_run_t *run, const char *path) {
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "ph-conform: cannot write %s\n", path);
    return false;
  }
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"polyhal conformance "
        PHC_SUITE_VERSION "\">\n",
        f);
  for (size_t d = 0; d < run->device_count; ++d) {
    size_t tests = 0, failures = 0, skipped = 0;
    double secs = 0;
    for (size_t i = 0; i < run->result_count; ++i) {
      const phc_result_t *r = &run->results[i];
      if (r->device != d) continue;
      ++tests;
      secs += r->time_ms / 1e3;
      if (r->status == PHC_FAIL || r->status == PHC_XPASS || r->status == PHC_UNTRUSTED)
        ++failures;
      if (r->status == PHC_SKIP || r->status == PHC_XFAIL) ++skipped;
    }
    fputs("  <testsuite name=\"", f);
    phc_xml(f, run->devices[d].props.id);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
            tests, failures, skipped, secs);
    fputs("    <properties><property name=\"device\" value=\"", f);
    phc_xml(f, run->devices[d].props.name);
    fputs("\"/><property name=\"plugin_sha256\" value=\"", f);
    phc_xml(f, run->devices[d].sha256);
    fprintf(f, "\"/><property name=\"seed\" value=\"%llu\"/></properties>\n",
            (unsigned long long)run->base_seed);
    for (size_t i = 0; i < run->result_count; ++i) {
      const phc_result_t *r = &run->results[i];
      if (r->device != d) continue;
      const char *dot = r->test->name;
      /* classname = everything before the last dot, as JUnit viewers group. */
      const char *last = dot;
      for (const char *p = dot; *p; ++p)
        if (*p == '.') last = p;
      fputs("    <testcase classname=\"", f);
      phc_xml(f, run->devices[d].props.id);
      fputc('.', f);
      for (const char *p = dot; p < last; ++p) fputc(*p, f);
      fputs("\" name=\"", f);
      phc_xml(f, last == dot ? dot : last + 1);
      fprintf(f, "\" time=\"%.3f\"", r->time_ms / 1e3);
      switch (r->status) {
        case PHC_FAIL:
        case PHC_XPASS:
        case PHC_UNTRUSTED:
          fprintf(f, ">\n      <failure type=\"%s\" message=\"", phc_status_name(r->status));
          phc_xml(f, r->status == PHC_XPASS ? "known failure passed; remove it from the list"
                                            : r->message);
          fprintf(f, "\">seed %llu; tolerance ", (unsigned long long)r->seed);
          phc_xml(f, r->tolerance);
          fputs("</failure>\n    </testcase>\n", f);
          break;
        case PHC_SKIP:
        case PHC_XFAIL:
          fputs(">\n      <skipped message=\"", f);
          phc_xml(f, r->status == PHC_XFAIL ? r->known_reason : r->message);
          fputs("\"/>\n    </testcase>\n", f);
          break;
        default:
          fputs("/>\n", f);
      }
    }
    fputs("  </testsuite>\n", f);
  }
  fputs("</testsuites>\n", f);
  bool ok = !ferror(f);
  if (fclose(f) != 0) ok = false;
  if (!ok) fprintf(stderr, "ph-conform: error writing %s\n", path);
  return ok;
}
