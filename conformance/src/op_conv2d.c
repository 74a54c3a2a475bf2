/* Placeholder: the op_conv2d group has no cases yet. */
#include "conform.h"

void phc_register_op_conv2d(phc_suite_t *s) { (void)s; }
