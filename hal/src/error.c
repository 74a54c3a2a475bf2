/* Thread-local error messages: ph_last_error() and ph_status_string(). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define PH_ERROR_MAX 1024

static _Thread_local char tls_message[PH_ERROR_MAX];
static _Thread_local bool tls_set;

ph_status_t ph__verror(ph_status_t code, const char *fmt, va_list ap) {
  vsnprintf(tls_message, sizeof tls_message, fmt, ap);
  tls_set = true;
  ph__log(PH_LOG_DEBUG, "error %s: %s", ph_status_string(code), tls_message);
  return code;
}

ph_status_t ph__error(ph_status_t code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ph__verror(code, fmt, ap);
  va_end(ap);
  return code;
}

void ph__clear_error(void) {
  tls_message[0] = '\0';
  tls_set = false;
}

bool ph__error_is_set(void) { return tls_set; }

void ph__error_prefix(const char *fn) {
  char tmp[PH_ERROR_MAX];
  snprintf(tmp, sizeof tmp, "%s: %s", fn, tls_message);
  memcpy(tls_message, tmp, sizeof tls_message);
}

const char *ph_last_error(void) { return tls_message; }

const char *ph_status_string(ph_status_t status) {
  switch (status) {
    case PH_OK: return "PH_OK";
    case PH_ERROR_INVALID_ARGUMENT: return "PH_ERROR_INVALID_ARGUMENT";
    case PH_ERROR_OUT_OF_MEMORY: return "PH_ERROR_OUT_OF_MEMORY";
    case PH_ERROR_UNSUPPORTED: return "PH_ERROR_UNSUPPORTED";
    case PH_ERROR_NOT_FOUND: return "PH_ERROR_NOT_FOUND";
    case PH_ERROR_NOT_READY: return "PH_ERROR_NOT_READY";
    case PH_ERROR_DEVICE: return "PH_ERROR_DEVICE";
    case PH_ERROR_INCOMPATIBLE: return "PH_ERROR_INCOMPATIBLE";
    case PH_ERROR_OUT_OF_RANGE: return "PH_ERROR_OUT_OF_RANGE";
    case PH_ERROR_INVALID_STATE: return "PH_ERROR_INVALID_STATE";
    case PH_ERROR_INTERNAL: return "PH_ERROR_INTERNAL";
  }
  return "PH_ERROR_UNKNOWN";
}
