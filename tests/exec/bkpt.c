/* tests/exec/bkpt.c: ends at the architecture's breakpoint instruction
 * (int3, brk, ebreak); what follows it never runs. */
#define UART_DATA 0x10000000UL

static void say(const char *s)
{
    while (*s)
        *(volatile unsigned *)UART_DATA = (unsigned char)*s++;
}

void _start(void);
__attribute__((section(".text.boot"))) void _start(void)
{
    say("before the breakpoint\n");
    __builtin_debugtrap();
    say("after the breakpoint\n");
    for (;;)
        ;
}
