/* abi/devregs.h: register layout of every device, as the guest sees it.
 * Shared by host devices and the guest kernel; all registers are 32 bits
 * wide at 4-byte aligned offsets (Unicorn splits 8-byte MMIO accesses). */
#ifndef IPCEMU_ABI_DEVREGS_H
#define IPCEMU_ABI_DEVREGS_H

#include <stdint.h>

/* UART: write a byte to DATA to print it; STATUS reads TX_READY always. */
#define UART_DATA 0x00
#define UART_STATUS 0x04
#define UART_STATUS_TX_READY 0x1u

/* Timer: NOW is the core's cycle clock; CMP a deadline in cycles. Writing
 * CMP_HI arms the timer; its irq line (INTC_LINE_TIMER) rises when NOW >=
 * CMP while armed and stays up until CTRL_ACK is written (which also
 * disarms). With several cores the timer is banked, as a core's private
 * timer is on hardware (the AArch64 generic timer, a RISC-V hart's
 * mtimecmp, the x86 local APIC timer): each core's accesses reach a timer
 * of its own (its own CMP and CTRL; NOW reads its own clock), whose line
 * is INTC_LINE_TIMER at its own controller target only. */
#define TIMER_NOW_LO 0x00
#define TIMER_NOW_HI 0x04
#define TIMER_CMP_LO 0x08
#define TIMER_CMP_HI 0x0c
#define TIMER_CTRL 0x10
#define TIMER_CTRL_ARMED 0x1u   /* read: armed */
#define TIMER_CTRL_PENDING 0x2u /* read: irq line up */
#define TIMER_CTRL_ACK 0x2u     /* write: lower the line and disarm */

/* Interrupt controller: INTC_NLINES level-triggered input lines, one
 * per device that interrupts (INTC_LINE_*). Global registers: PENDING
 * (read: bit n = line n is up, enabled or not), SERVICE (read: lines
 * claimed and not yet completed), NLINES (read: INTC_NLINES). Then one
 * block of registers per target core, INTC_TGT_STRIDE bytes apart from
 * INTC_TGT_BASE, one per core (target n is core n, INTC_MAX_TARGETS at
 * most):
 *   ENABLE   read/write: bit n lets line n interrupt the target (reset 0);
 *   CLAIM    read: the lowest line that is up, enabled and not in service,
 *            which goes into service; INTC_CLAIM_NONE when there is none;
 *   COMPLETE write a claimed line's number: its service ends (a line still
 *            up then requests an interrupt again).
 * The target's interrupt is requested while a line is up, enabled and not
 * in service: the acknowledge order is claim, lower the line at its device,
 * complete. */
#define INTC_NLINES 32
#define INTC_LINE_TIMER 0 /* the timer's irq line */
#define INTC_CLAIM_NONE 0xffffffffu
#define INTC_PENDING 0x00
#define INTC_SERVICE 0x04
#define INTC_NLINES_REG 0x08
#define INTC_TGT_BASE 0x100
#define INTC_TGT_STRIDE 0x10
#define INTC_TGT_ENABLE(t) (INTC_TGT_BASE + INTC_TGT_STRIDE * (t) + 0x0)
#define INTC_TGT_CLAIM(t) (INTC_TGT_BASE + INTC_TGT_STRIDE * (t) + 0x4)
#define INTC_TGT_COMPLETE(t) (INTC_TGT_BASE + INTC_TGT_STRIDE * (t) + 0x8)
/* Inter-processor interrupts (appended with SMP). Lines INTC_LINE_SOFT0 ..
 * INTC_NLINES - 1 are software lines, one set per target: no device drives
 * them. Writing INTC_IPI_VALUE(target, line) to INTC_IPI raises software
 * line `line` on target `target` only (a write naming no target or no
 * software line changes nothing); claiming a software line lowers it (the
 * claim is its acknowledge), COMPLETE ends its service as for any line.
 * INTC_NTARGETS reads the targets (= cores) there are. */
#define INTC_MAX_TARGETS 8
#define INTC_LINE_SOFT0 24
#define INTC_LINE_IPI INTC_LINE_SOFT0 /* the kernel's wake-up line */
#define INTC_SOFT_MASK (~0u << INTC_LINE_SOFT0)
#define INTC_IPI 0x0c
#define INTC_NTARGETS 0x10
#define INTC_IPI_VALUE(target, line) ((uint32_t)(target) | (uint32_t)(line) << 8)

/* x86_64, several cores: a local APIC per core at LAPIC_BASE (each core
 * sees its own, the architectural default of IA32_APIC_BASE), enough of
 * one for INIT/SIPI (Intel SDM vol. 3A 10.6.1, 8.4.4): ID reads the core's
 * APIC id << 24; write the destination's APIC id << 24 to ICR_HI, then
 * ICR_LO: delivery mode INIT (level assert) holds the destination for a
 * STARTUP, whose vector V starts it in real mode at CS = V << 8, IP = 0
 * (physical V << 12). X86_AP_LOW_BASE is the page of RAM below 1 MiB the
 * machine gives x86 with several cores for that real-mode start (SIPI
 * vector X86_AP_LOW_BASE >> 12). Other registers read 0 and ignore
 * writes. */
#define LAPIC_BASE 0xfee00000ULL
#define LAPIC_ID 0x20
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_ICR_MODE(v) (((v) >> 8) & 7u)
#define LAPIC_ICR_MODE_INIT 5u
#define LAPIC_ICR_MODE_STARTUP 6u
#define LAPIC_ICR_ASSERT (1u << 14)
#define LAPIC_ICR_SHORTHAND(v) (((v) >> 18) & 3u)
#define X86_AP_LOW_BASE 0x8000ULL
#define X86_AP_LOW_SIZE 0x1000ULL

/* Power: writing EXIT ends the run with the written exit code. */
#define POWER_EXIT 0x00

/* Trace port: fill TYPE, PID and ARG0..3 (as LO/HI halves), then write
 * COMMIT; the emulator stamps the record with the cycle clock. Or, one
 * device write per event: write the physical address of a struct
 * trace_rec in RAM to REC_LO/REC_HI once, then for each event fill the
 * record and write POST (any value): the port reads the record from RAM at
 * that write and stamps it the same way. */
#define TRACE_TYPE 0x00
#define TRACE_PID 0x04
#define TRACE_ARG_LO(i) (0x08 + 8 * (i))
#define TRACE_ARG_HI(i) (0x0c + 8 * (i))
#define TRACE_NARGS 4
#define TRACE_COMMIT 0x28
#define TRACE_REC_LO 0x2c
#define TRACE_REC_HI 0x30
#define TRACE_POST 0x34

/* The record TRACE_POST reads, little-endian as every supported core. */
struct trace_rec {
    uint32_t type;
    uint32_t pid;
    uint64_t arg[TRACE_NARGS];
};
_Static_assert(sizeof(struct trace_rec) == 40, "trace_rec is 40 bytes");

#endif
