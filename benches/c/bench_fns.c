/* C functions called by the hotcall benchmarks (see benches/benches/). */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Does nothing: the pure cost of a call. */
void bench_nop(void) {}

uint32_t bench_add_u32(uint32_t a, uint32_t b) { return a + b; }

double bench_add_f64(double a, double b) { return a + b; }

/* Ten mixed arguments: six integers and four floats, so that on SysV x86_64
 * every argument of the C call is in a register, while the fast-call form
 * (receiver and options added) needs the stack. */
double bench_mix10(int32_t a, double b, uint32_t c, float d, int64_t e,
                   double f, uint8_t g, uint64_t h, float i, int16_t j) {
    return (double)a + b + (double)c + (double)d + (double)e + f + (double)g +
           (double)h + (double)i + (double)j;
}

/* A multiply-xor hash over 8-byte words (then any tail bytes): cheap
 * enough that the call overhead stays visible for a 64-byte buffer. */
uint32_t bench_hash64(const uint8_t *buf, size_t len) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
    }
    for (; i < len; i++) {
        h = (h ^ buf[i]) * 0xc4ceb9fe1a85ec53ull;
    }
    h ^= h >> 29;
    return (uint32_t)(h ^ (h >> 32));
}

typedef int32_t (*bench_cb_t)(int32_t, int32_t);

/* Calls the callback once: the C side of a callback round trip. */
int32_t bench_call_cb(bench_cb_t cb, int32_t x) { return cb(x, 7); }

/* The same work as a callback handler, in C: the baseline for the
 * callback benchmarks. */
int32_t bench_c_cb(int32_t a, int32_t b) { return a + b; }
