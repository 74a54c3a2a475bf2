/* The ABI version policy and the plugin table check. */
#include <stdio.h>

#include "internal.h"

ph_status_t ph__abi_check(uint32_t hal_abi, uint32_t plugin_abi, char *reason,
                          size_t reason_size) {
  uint32_t hmaj = PH_ABI_MAJOR(hal_abi), hmin = PH_ABI_MINOR(hal_abi);
  uint32_t pmaj = PH_ABI_MAJOR(plugin_abi), pmin = PH_ABI_MINOR(plugin_abi);
  if (pmaj == hmaj && pmin <= hmin) return PH_OK;
  const char *why = (pmaj > hmaj || (pmaj == hmaj && pmin > hmin)) ? "newer" : "older";
  snprintf(reason, reason_size,
           "plugin ABI %u.%u is %s than this HAL (ABI %u.%u); a plugin loads "
           "when its major equals the HAL's and its minor is not newer",
           pmaj, pmin, why, hmaj, hmin);
  return PH_ERROR_INCOMPATIBLE;
}

/* A required entry is present only if the table is long enough to hold it
 * and it is non-NULL. */
#define REQUIRE(field)                                                        \
  do {                                                                        \
    if (!PH_STRUCT_HAS(api, ph_plugin_api_t, field) || api->field == NULL) {  \
      snprintf(reason, reason_size, "required entry '%s' is missing", #field); \
      return PH_ERROR_INCOMPATIBLE;                                           \
    }                                                                         \
  } while (0)

ph_status_t ph__api_table_check(const ph_plugin_api_t *api, char *reason,
                                size_t reason_size) {
  REQUIRE(name);
  REQUIRE(vendor);
  REQUIRE(version);
  REQUIRE(device_count);
  REQUIRE(device_open);
  REQUIRE(device_close);
  REQUIRE(device_props);
  REQUIRE(op_capability);
  REQUIRE(mem_alloc);
  REQUIRE(mem_free);
  REQUIRE(stream_create);
  REQUIRE(stream_destroy);
  REQUIRE(stream_sync);
  REQUIRE(stream_query);
  REQUIRE(event_create);
  REQUIRE(event_destroy);
  REQUIRE(event_record);
  REQUIRE(stream_wait_event);
  REQUIRE(event_sync);
  REQUIRE(event_query);
  REQUIRE(copy_h2d);
  REQUIRE(copy_d2h);
  REQUIRE(copy_d2d);
  REQUIRE(memset);
  REQUIRE(op_launch);
  if ((PH_STRUCT_HAS(api, ph_plugin_api_t, mem_map) && api->mem_map) !=
      (PH_STRUCT_HAS(api, ph_plugin_api_t, mem_unmap) && api->mem_unmap)) {
    snprintf(reason, reason_size, "mem_map and mem_unmap must be set together");
    return PH_ERROR_INCOMPATIBLE;
  }
  return PH_OK;
}
