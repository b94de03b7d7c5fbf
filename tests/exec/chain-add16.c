/* tests/exec/chain-add16.c: 16 dependent adds per iteration (chain.h). */
#define LINKS 16
#define LOAD_CHAIN 0
#define LINK_X86 "add %2, %0"
#define LINK_A64 "add %0, %0, %2"
#define LINK_RV "add %0, %0, %2"
#include "chain.h"
