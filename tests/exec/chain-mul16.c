/* tests/exec/chain-mul16.c: 16 dependent muls per iteration (chain.h). */
#define LINKS 16
#define LOAD_CHAIN 0
#define LINK_X86 "imul %2, %0"
#define LINK_A64 "mul %0, %0, %2"
#define LINK_RV "mul %0, %0, %2"
#include "chain.h"
