/* Placeholder: the op_binary group has no cases yet. */
#include "conform.h"

void phc_register_op_binary(phc_suite_t *s) { (void)s; }
