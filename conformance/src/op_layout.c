/* Placeholder: the op_layout group has no cases yet. */
#include "conform.h"

void phc_register_op_layout(phc_suite_t *s) { (void)s; }
