/* tests/exec/chain-load16.c: 16 dependent loads per iteration
 * (chain.h): load-use, each address is the value the previous load returned. */
#define LINKS 16
#define LOAD_CHAIN 1
#define LINK_X86 "mov (%0), %0"
#define LINK_A64 "ldr %0, [%0]"
#define LINK_RV "ld %0, 0(%0)"
#include "chain.h"
