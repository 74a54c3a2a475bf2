/*
 * ABI compatibility, end to end: which of the files PH_PLUGINS names load
 * into the library this program is linked against.
 *
 *   test_abi_compat HAL_ABI WHAT:PLUGIN_ABI:load|skip ...
 *
 * HAL_ABI ("1.3") is the ABI the library must report; this proves the test
 * runs against the intended build (tests/loader builds a copy of the
 * library with -DPH_HAL_ABI_MINOR=3). Each further argument is one
 * candidate, in PH_PLUGINS order: libph_test_WHAT.so, the ABI it claims,
 * and whether it must load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "polyhal/polyhal.h"

static int g_failures;

static void fail(const char *fmt, const char *a, const char *b) {
  g_failures++;
  fprintf(stderr, "FAIL ");
  fprintf(stderr, fmt, a, b);
  fputc('\n', stderr);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s HAL_ABI WHAT:PLUGIN_ABI:load|skip ...\n", argv[0]);
    return 2;
  }
  char hal[32];
  uint32_t v = ph_abi_version();
  snprintf(hal, sizeof(hal), "%u.%u", (unsigned)PH_ABI_MAJOR(v), (unsigned)PH_ABI_MINOR(v));
  if (strcmp(hal, argv[1]) != 0) fail("library reports ABI %s, expected %s", hal, argv[1]);

  size_t n = 0;
  if (ph_plugin_count(&n) != PH_OK || n != (size_t)(argc - 2))
    fail("%s candidates counted, %s expected", n == 0 ? "0" : "a different number of",
         "one per argument");
  for (int i = 2; i < argc && (size_t)(i - 2) < n; i++) {
    char what[64], abi[16], expect[16];
    if (sscanf(argv[i], "%63[^:]:%15[^:]:%15s", what, abi, expect) != 3) {
      fail("bad argument '%s'%s", argv[i], "");
      continue;
    }
    char file[96], abi_s[32];
    snprintf(file, sizeof(file), "libph_test_%s.so", what);
    snprintf(abi_s, sizeof(abi_s), "ABI %s", abi);
    ph_plugin_info_t info;
    memset(&info, 0, sizeof(info));
    info.struct_size = sizeof(info);
    if (ph_plugin_get_info((size_t)(i - 2), &info) != PH_OK) {
      fail("no info for %s%s", file, "");
      continue;
    }
    const char *reason = info.reason ? info.reason : "(null)";
    const char *base = info.path ? strrchr(info.path, '/') : NULL;
    base = base ? base + 1 : (info.path ? info.path : "(null)");
    printf("  %s %s (claims ABI %s): %s\n", info.state == PH_PLUGIN_LOADED ? "LOADED " : "SKIPPED",
           base, abi, reason);
    if (strcmp(base, file) != 0) fail("candidate %s, expected %s", base, file);
    if (strcmp(expect, "load") == 0) {
      if (info.state != PH_PLUGIN_LOADED) fail("%s must load into HAL %s", file, hal);
      char dev[80];
      snprintf(dev, sizeof(dev), "test_%s", what);
      ph_device_t *d = NULL;
      if (ph_device_find(dev, &d) != PH_OK) fail("no device %s (%s)", dev, ph_last_error());
    } else {
      if (info.state != PH_PLUGIN_SKIPPED) fail("%s must be refused by HAL %s", file, hal);
      if (!strstr(reason, abi_s) || !strstr(reason, hal) || !strstr(reason, file))
        fail("reason does not name the file, %s and the HAL version: %s", abi_s, reason);
    }
  }
  printf("test_abi_compat (HAL ABI %s): %d candidates, %d failures\n", hal, argc - 2, g_failures);
  return g_failures ? 1 : 0;
}
