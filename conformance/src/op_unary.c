/* Placeholder: the op_unary group has no cases yet. */
#include "conform.h"

void phc_register_op_unary(phc_suite_t *s) { (void)s; }
