/* Placeholder: the op_matmul group has no cases yet. */
#include "conform.h"

void phc_register_op_matmul(phc_suite_t *s) { (void)s; }
