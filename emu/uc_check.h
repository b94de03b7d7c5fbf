/* emu/uc_check.h: the one way host code calls Unicorn.
 *
 * Every Unicorn call whose failure is an error goes through EMU_UC (or one
 * of the checked wrappers of emu/cpu.h, which use the same recorder): a
 * failed call is recorded on the core with its call site ("file:line: the
 * call") and Unicorn's uc_strerror, the core stops (emu_core_run then
 * returns EMU_STOP_ERROR; the machine ends the run with outcome "fault"
 * and that message), and control jumps to the caller's cleanup label. A
 * successful call costs one predictable branch, so the macro is fit for
 * hooks that run per block.
 *
 * The few calls whose failure is an answer, not an error, are spelled out
 * where they are made, with a comment (uc_emu_start: the guest's outcome;
 * uc_mem_map in the unmapped-memory hook: UC_ERR_MAP; uc_close,
 * uc_context_free and uc_hook_del while tearing down). */
#ifndef IPCEMU_EMU_UC_CHECK_H
#define IPCEMU_EMU_UC_CHECK_H

#include <unicorn/unicorn.h>

struct emu_core;

#define EMU_UC_STR2(x) #x
#define EMU_UC_STR(x) EMU_UC_STR2(x)
/* "emu/core.c:123": where a call is made (the build maps the source
 * directory away, see -fmacro-prefix-map in CMakeLists.txt). */
#define EMU_UC_SITE __FILE__ ":" EMU_UC_STR(__LINE__)

#if defined(__GNUC__)
#define EMU_UC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define EMU_UC_UNLIKELY(x) (x)
#endif

/* Records that the Unicorn call `call` (its text) made at `site` failed
 * with `err` on core c: the first failure is kept (c->host_error,
 * c->host_error_why reads "site: call failed: uc_strerror") and the core
 * is asked to stop. Returns nothing. */
void emu_core_uc_failed(struct emu_core *c, uc_err err, const char *site, const char *call);

/* EMU_UC(core, call, label): makes the Unicorn call `call`; when it returns
 * anything but UC_ERR_OK, records the failure on `core` with this call site
 * (emu_core_uc_failed) and jumps to `label`. */
#define EMU_UC(core, call, label)                                                                  \
    do {                                                                                           \
        uc_err emu_uc_err_ = (call);                                                               \
        if (EMU_UC_UNLIKELY(emu_uc_err_ != UC_ERR_OK)) {                                           \
            emu_core_uc_failed((core), emu_uc_err_, EMU_UC_SITE, #call);                           \
            goto label;                                                                            \
        }                                                                                          \
    } while (0)

#endif
