/* Placeholder: the device group has no cases yet. */
#include "conform.h"

void phc_register_device(phc_suite_t *s) { (void)s; }
