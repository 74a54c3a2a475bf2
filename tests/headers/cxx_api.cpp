// polyhal.h (and through it plugin.h) used from C++: the declarations must
// compile as C++ and link with C linkage.
#include "polyhal/polyhal.h"

#include <cstdio>
#include <cstring>

int main() {
  int failures = 0;
  const char *s = ph_status_string(PH_ERROR_INVALID_ARGUMENT);
  if (s == nullptr || std::strcmp(s, "PH_ERROR_INVALID_ARGUMENT") != 0) {
    std::fprintf(stderr, "FAIL ph_status_string(PH_ERROR_INVALID_ARGUMENT) = '%s'\n",
                 s ? s : "(null)");
    failures++;
  }
  // The struct-size helper must work on C++ types too.
  ph_matmul_attrs_t attrs = {};
  attrs.struct_size = sizeof(attrs);
  const ph_matmul_attrs_t *pa = &attrs;
  if (!PH_STRUCT_HAS(pa, ph_matmul_attrs_t, out_scale)) {
    std::fprintf(stderr, "FAIL PH_STRUCT_HAS on a full-size struct\n");
    failures++;
  }
  std::printf("cxx_api: 2 checks, %d failed\n", failures);
  return failures ? 1 : 0;
}
