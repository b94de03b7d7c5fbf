/* tests/exec/branch-random.c: branches on pseudo-random bytes (branch.h). */
#define MASK 1
#include "branch.h"
