/* tests/ipc/cap_fixture.h: the capability-system fixture test_cap.c and
 * test_cap_cache.c share: two cores' caches, four spaces, a recording
 * observer, the derivation-tree invariant check and a deterministic PRNG. */
#ifndef IPCEMU_TESTS_IPC_CAP_FIXTURE_H
#define IPCEMU_TESTS_IPC_CAP_FIXTURE_H

#include <stdint.h>

#include "ipc/cap.h"

#define NCORES 2
#define NLINES 64
#define NSPACES 4
#define NSLOTS 32
#define NLOG 256

#define OK(x) assert_int_equal((x), IPC_OK)
#define FAILS(x, err) assert_int_equal((x), (err))

struct evrec {
    enum ipc_cap_event ev;
    unsigned core;
    uint16_t cspace;
    ipc_cap_t tok;
};

/* One capability system: two cores' caches, four spaces (ids 1..4) of
 * NSLOTS slots, and a recording observer. */
struct fx {
    struct ipc_capsys sys;
    struct ipc_capcache caches[NCORES];
    struct ipc_capcache_line lines[NCORES][NLINES];
    struct ipc_cspace cs[NSPACES];
    struct ipc_slot slots[NSPACES][NSLOTS];
    unsigned nev[4];
    unsigned nlog;
    struct evrec log[NLOG];
};

/* The observer fx_new installs: counts events by kind and records the
 * first NLOG in the fixture `ctx` (returns nothing). */
void on_event(void *ctx, enum ipc_cap_event ev, unsigned core, uint16_t cspace, ipc_cap_t tok,
              uint32_t obj);
/* Returns a fresh fixture (free() it) whose core caches have `l0` and `l1`
 * lines. */
struct fx *fx_new(uint32_t l0, uint32_t l1);
/* cmocka setup and teardown: *state is a fixture with NLINES lines per core. */
int setup(void **state);
int teardown(void **state);
/* Checks every slot of `cs` (cmocka assertions; returns nothing): empty
 * slots have no links; links of full slots name full slots of attached
 * spaces and agree with each other; `used` is right. */
void check_space(const struct ipc_capsys *sys, const struct ipc_cspace *cs);
/* Checks every attached space of `sys` with check_space (returns nothing). */
void check_trees(const struct ipc_capsys *sys);
/* Returns a new root capability of `cs` (a port to object `obj`). */
ipc_cap_t mkroot(struct fx *f, struct ipc_cspace *cs, uint32_t obj, unsigned rights);
/* The deterministic PRNG of the tests (splitmix64): its state (set it to
 * seed), the next number, and one below n. */
extern uint64_t rng_state;
uint64_t rng(void);
unsigned rng_below(unsigned n);

#endif
