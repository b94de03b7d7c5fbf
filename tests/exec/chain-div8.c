/* tests/exec/chain-div8.c: 8 dependent divides per iteration
 * (chain.h; on x86 each link is xor edx, edx then div). */
#define LINKS 8
#define LOAD_CHAIN 0
#define LINK_X86 "xor %%edx, %%edx\ndiv %2"
#define LINK_A64 "udiv %0, %0, %2"
#define LINK_RV "divu %0, %0, %2"
#include "chain.h"
