/* tests/exec/chain-mul8.c: 8 dependent muls per iteration (chain.h). */
#define LINKS 8
#define OP_X86 "imul"
#define OP_A64 "mul"
#define OP_RV "mul"
#include "chain.h"
