/* Placeholder: the op_norm group has no cases yet. */
#include "conform.h"

void phc_register_op_norm(phc_suite_t *s) { (void)s; }
