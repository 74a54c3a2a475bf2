/* PH_DEVICES: a comma-separated list of terms ("opencl:0,cpu") that orders
 * and filters devices. A term is a plugin name (all its devices) or
 * name:index (one device). Devices no term names are left out. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool ph__selector_match(const char *term, size_t len, const ph_device_t *device) {
  const char *name = device->plugin->api->name;
  size_t nlen = strlen(name);
  if (len == nlen) return !strncmp(term, name, len);
  if (len > nlen + 1 && !strncmp(term, name, nlen) && term[nlen] == ':') {
    char *end = NULL;
    char digits[32];
    size_t dlen = len - nlen - 1;
    if (dlen >= sizeof digits) return false;
    memcpy(digits, term + nlen + 1, dlen);
    digits[dlen] = '\0';
    unsigned long idx = strtoul(digits, &end, 10);
    return end && *end == '\0' && end != digits && idx == device->plugin_index;
  }
  return false;
}

size_t ph__selector_apply(const char *sel, ph_device_t **devices, size_t n) {
  if (!sel || !*sel) return n;
  ph_device_t **picked = calloc(n ? n : 1, sizeof *picked);
  bool *used = calloc(n ? n : 1, sizeof *used);
  if (!picked || !used) {
    free(picked);
    free(used);
    ph__log(PH_LOG_WARN, "PH_DEVICES ignored: out of memory");
    return n;
  }
  size_t count = 0;
  const char *p = sel;
  while (*p) {
    size_t len = strcspn(p, ",");
    bool matched = false;
    for (size_t i = 0; len && i < n; ++i) {
      if (ph__selector_match(p, len, devices[i])) {
        matched = true;
        if (!used[i]) {
          used[i] = true;
          picked[count++] = devices[i];
        }
      }
    }
    if (len && !matched)
      ph__log(PH_LOG_WARN, "PH_DEVICES term '%.*s' matches no device", (int)len, p);
    p += len;
    if (*p == ',') ++p;
  }
  /* Unselected devices stay open (and listed by ph-info) but are not
   * enumerated; they are placed after the selected ones. */
  size_t k = count;
  for (size_t i = 0; i < n; ++i)
    if (!used[i]) picked[k++] = devices[i];
  memcpy(devices, picked, n * sizeof *devices);
  free(picked);
  free(used);
  return count;
}
