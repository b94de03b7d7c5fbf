/* tests/emu/small_profile.h: the small hand-made profile of the cache and
 * coherence tests (test_uarch.c, test_coherence.c).
 *
 * L1I and L1D: 256 bytes, 2 ways, 64-byte lines (2 sets: line number & 1),
 * latency 4. L2: 1 KiB, 4 ways, 64-byte lines (4 sets), latency 12.
 * Memory: 100. So an L1 miss costs 12 - 4 = 8 when L2 hits, 100 - 4 = 96
 * when it misses. TLB: 4 entries, 2 ways, walk 30. Predictor: 16
 * counters, no history, 8 BTB entries, a return stack of 2, mispredict
 * 15. Address-space switch 50 (flushing), 5 (tagged). Several cores: a
 * transfer 40 (36 beyond the L1D's 4), the L2 per core. */
#ifndef IPCEMU_TESTS_EMU_SMALL_PROFILE_H
#define IPCEMU_TESTS_EMU_SMALL_PROFILE_H

#include <string.h>

#include "emu/timing.h"

/* Fills *p with the small profile. Returns nothing. */
static inline void small_profile(struct tm_profile *p)
{
    memset(p, 0, sizeof *p);
    strcpy(p->name, "test-small");
    p->l1i = p->l1d = (struct tm_cache_geom){.size = 256, .ways = 2, .line = 64, .latency = 4};
    p->l2 = (struct tm_cache_geom){.size = 1024, .ways = 4, .line = 64, .latency = 12};
    p->mem_latency = 100;
    p->tlb_entries = 4;
    p->tlb_ways = 2;
    p->tlb_walk = 30;
    p->bp_entries = 16;
    p->bp_history = 0;
    p->btb_entries = 8;
    p->ras_depth = 2;
    p->mispredict = 15;
    p->as_switch = 50;
    p->as_switch_asid = 5;
    p->asid = true;
    p->core_transfer = 40;
}

#endif
