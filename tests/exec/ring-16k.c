/* tests/exec/ring-16k.c: a ring of 16k (ring.h). */
#define RING_BYTES 16384UL
#include "ring.h"
