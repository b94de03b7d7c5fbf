/* devices/uart.h: a transmit-only UART. Each byte written to UART_DATA goes
 * to the sink callback (the machine sends it to the console and the trace). */
#ifndef IPCEMU_DEVICES_UART_H
#define IPCEMU_DEVICES_UART_H

#include <stdint.h>

#include "devices/device.h"

struct dev_uart {
    void (*sink)(void *ctx, uint8_t byte); /* may be NULL: bytes are dropped */
    void *ctx;
    uint64_t bytes; /* bytes written so far */
};

extern const struct dev_ops dev_uart_ops;

/* Initialises `u` to send bytes to `sink(ctx, byte)`. */
void dev_uart_init(struct dev_uart *u, void (*sink)(void *ctx, uint8_t byte), void *ctx);

#endif
