/* Placeholder: the op_cast group has no cases yet. */
#include "conform.h"

void phc_register_op_cast(phc_suite_t *s) { (void)s; }
