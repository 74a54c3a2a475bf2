/* Placeholder: the abi group has no cases yet. */
#include "conform.h"

void phc_register_abi(phc_suite_t *s) { (void)s; }
