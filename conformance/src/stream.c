/* Placeholder: the stream group has no cases yet. */
#include "conform.h"

void phc_register_stream(phc_suite_t *s) { (void)s; }
