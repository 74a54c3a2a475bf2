/* Placeholder: the memory group has no cases yet. */
#include "conform.h"

void phc_register_memory(phc_suite_t *s) { (void)s; }
