/* A rendezvous for ffi_nonblocking.ts: proof that nonblocking calls really
 * run at the same time. Each rv_meet call announces itself, then waits
 * until `parties` calls have arrived or `timeout_ms` have passed. Calls run
 * one after the other can never all meet: the first times out alone. */

#include <stdint.h>
#include <time.h>

static int32_t rv_arrived;

void rv_reset(void) { __atomic_store_n(&rv_arrived, 0, __ATOMIC_SEQ_CST); }

/* 1 if all `parties` met within the timeout, else 0. */
int32_t rv_meet(int32_t parties, uint32_t timeout_ms) {
    __atomic_add_fetch(&rv_arrived, 1, __ATOMIC_SEQ_CST);
    for (uint32_t waited = 0;; waited++) {
        if (__atomic_load_n(&rv_arrived, __ATOMIC_SEQ_CST) >= parties) return 1;
        if (waited >= timeout_ms) return 0;
        struct timespec ms = { 0, 1000000L };
        nanosleep(&ms, NULL);
    }
}
