/* tests/exec/chain-mul16.c: 16 dependent muls per iteration (chain.h). */
#define LINKS 16
#define OP_X86 "imul"
#define OP_A64 "mul"
#define OP_RV "mul"
#include "chain.h"
