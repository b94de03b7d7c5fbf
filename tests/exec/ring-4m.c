/* tests/exec/ring-4m.c: a ring of 4m (ring.h). */
#define RING_BYTES 4194304UL
#include "ring.h"
