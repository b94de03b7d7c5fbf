/* tests/integration/students/syntax-error.c: a student's program with a
 * syntax error (a missing semicolon): `ipcemu run syntax-error.json` must
 * print clang's message and exit with 2. */
/* clang-format off */
#include <ipcemu.h>

int main(void)
{
    long svc = ipcemu_cap("svc")
    return svc < 0;
}
