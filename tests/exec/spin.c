/* tests/exec/spin.c: never ends; --max-cycles stops it. */
void _start(void);
__attribute__((section(".text.boot"))) void _start(void)
{
    for (volatile unsigned long i = 0;; i++)
        ;
}
