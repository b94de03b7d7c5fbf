/* devices/uart.c: transmit-only UART (see uart.h). */
#include "devices/uart.h"

#include "abi/devregs.h"

void dev_uart_init(struct dev_uart *u, void (*sink)(void *ctx, uint8_t byte), void *ctx)
{
    u->sink = sink;
    u->ctx = ctx;
    u->bytes = 0;
}

/* Returns UART_STATUS_TX_READY for STATUS (the UART never stalls), else 0. */
static uint32_t uart_read(void *dev, uint64_t off)
{
    (void)dev;
    return off == UART_STATUS ? UART_STATUS_TX_READY : 0;
}

/* Sends the low byte of a DATA write to the sink; ignores other offsets. */
static void uart_write(void *dev, uint64_t off, uint32_t value)
{
    struct dev_uart *u = dev;
    if (off != UART_DATA)
        return;
    u->bytes++;
    if (u->sink)
        u->sink(u->ctx, (uint8_t)value);
}

const struct dev_ops dev_uart_ops = {"uart", uart_read, uart_write};
