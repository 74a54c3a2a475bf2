/* Placeholder: the op_reduce group has no cases yet. */
#include "conform.h"

void phc_register_op_reduce(phc_suite_t *s) { (void)s; }
