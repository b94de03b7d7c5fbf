/* tests/exec/chain-add16.c: 16 dependent adds per iteration (chain.h). */
#define LINKS 16
#define OP_X86 "add"
#define OP_A64 "add"
#define OP_RV "add"
#include "chain.h"
