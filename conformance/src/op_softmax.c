/* Placeholder: the op_softmax group has no cases yet. */
#include "conform.h"

void phc_register_op_softmax(phc_suite_t *s) { (void)s; }
