/* Placeholder: the negative group has no cases yet. */
#include "conform.h"

void phc_register_negative(phc_suite_t *s) { (void)s; }
