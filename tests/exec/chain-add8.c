/* tests/exec/chain-add8.c: 8 dependent adds per iteration (chain.h). */
#define LINKS 8
#define OP_X86 "add"
#define OP_A64 "add"
#define OP_RV "add"
#include "chain.h"
