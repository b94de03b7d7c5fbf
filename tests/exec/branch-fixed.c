/* tests/exec/branch-fixed.c: branches on bytes that are all zero (branch.h). */
#define MASK 0
#include "branch.h"
