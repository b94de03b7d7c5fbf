/* tests/exec/chain-add8.c: 8 dependent adds per iteration (chain.h). */
#define LINKS 8
#define LOAD_CHAIN 0
#define LINK_X86 "add %2, %0"
#define LINK_A64 "add %0, %0, %2"
#define LINK_RV "add %0, %0, %2"
#include "chain.h"
