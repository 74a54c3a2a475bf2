/* Run-time versions of the library and of the device ABI it speaks. */
#include "internal.h"

#define PH_STR2(x) #x
#define PH_STR(x) PH_STR2(x)

uint32_t ph_version(void) { return PH_VERSION; }

const char *ph_version_string(void) {
  return PH_STR(PH_VERSION_MAJOR) "." PH_STR(PH_VERSION_MINOR) "." PH_STR(PH_VERSION_PATCH);
}

uint32_t ph_abi_version(void) {
  return (uint32_t)((PH_PLUGIN_ABI_VERSION_MAJOR << 16) | PH_HAL_ABI_MINOR);
}
