/* Placeholder: the op_attention group has no cases yet. */
#include "conform.h"

void phc_register_op_attention(phc_suite_t *s) { (void)s; }
