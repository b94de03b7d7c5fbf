/* tests/exec/chain-mul8.c: 8 dependent muls per iteration (chain.h). */
#define LINKS 8
#define LOAD_CHAIN 0
#define LINK_X86 "imul %2, %0"
#define LINK_A64 "mul %0, %0, %2"
#define LINK_RV "mul %0, %0, %2"
#include "chain.h"
