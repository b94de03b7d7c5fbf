/* tests/exec/ring-64k.c: a ring of 64k (ring.h). */
#define RING_BYTES 65536UL
#include "ring.h"
