/* tests/integration/students/idle.c: a student's program that does
 * nothing (runs-other-arch.json only needs one that compiles). */
#include <ipcemu.h>

int main(void)
{
    return 0;
}
