/*
 * bench_lib.c: the C side of hotcall's JS-level FFI benchmarks
 * (benches/js/). Built by run.sh with `cc -O2 -shared -fPIC`.
 *
 * Every function is tiny on purpose: the benchmarks measure the cost of
 * getting from JS into C and back, not the work done in C.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default"))) __attribute__((noinline))

/* ---- per-call cases --------------------------------------------------- */

EXPORT void nop(void) {}

EXPORT uint32_t add_u32(uint32_t a, uint32_t b) { return a + b; }

EXPORT double add_f64(double a, double b) { return a + b; }

EXPORT uint64_t add_u64(uint64_t a, uint64_t b) { return a + b; }

/* Ten mixed arguments: six go in integer registers, four in SSE registers,
 * none on the stack on SysV x86_64 (ints: a c e g h j; floats: b d f i). */
EXPORT double mix10(int32_t a, double b, uint32_t c, float d, int64_t e,
                    double f, uint8_t g, uint64_t h, float i, int16_t j) {
    return (double)a + b + (double)c + (double)d + (double)e + f + (double)g +
           (double)h + (double)i + (double)j;
}

/* Multiply-xor hash over whole 8-byte words plus a byte tail. */
EXPORT uint32_t hash64(const uint8_t *p, size_t len) {
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)len;
    size_t n = 0;
    for (; n + 8 <= len; n += 8) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++) w |= (uint64_t)p[n + k] << (8 * k);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    for (; n < len; n++) h = (h ^ p[n]) * 0x100000001b3ull;
    return (uint32_t)(h ^ (h >> 32));
}

/* Calls cb(0), cb(1), ..., cb(n - 1) and returns the wrapping sum of the
 * results: one callback round trip per iteration. */
typedef int32_t (*cb_i32)(int32_t);
EXPORT int32_t call_cb(cb_i32 cb, int32_t n) {
    uint32_t sum = 0;
    for (int32_t i = 0; i < n; i++) sum += (uint32_t)cb(i);
    return (int32_t)sum;
}

/* ---- nonblocking cases ------------------------------------------------ */

/* Trivial work: the nonblocking benchmarks measure dispatch to the worker
 * pool and back to the event loop, not the call itself. */
EXPORT uint32_t nb_add(uint32_t a, uint32_t b) { return a + b; }

/* Sleeps `us` microseconds (for manual experiments with real blocking). */
EXPORT uint32_t sleep_us(uint32_t us) {
    usleep(us);
    return us;
}

/* ---- 25 mixed signatures for the dlopen benchmark --------------------- */
/* The bodies only make each function non-trivial enough to exist; nothing
 * calls them in the benchmark. Signatures in Deno FFI type names. */

EXPORT void s01(void) {}                                                  /* () -> void */
EXPORT uint8_t s02(uint8_t a) { return a + 1; }                           /* (u8) -> u8 */
EXPORT int32_t s03(int8_t a, int16_t b) { return a + b; }                 /* (i8, i16) -> i32 */
EXPORT uint32_t s04(uint16_t a, uint32_t b) { return a + b; }             /* (u16, u32) -> u32 */
EXPORT int32_t s05(int32_t a, int32_t b, int32_t c) { return a + b + c; } /* (i32, i32, i32) -> i32 */
EXPORT uint64_t s06(uint64_t a) { return a * 3; }                         /* (u64) -> u64 */
EXPORT int64_t s07(int64_t a, int64_t b) { return a - b; }                /* (i64, i64) -> i64 */
EXPORT float s08(float a) { return a * 2.0f; }                            /* (f32) -> f32 */
EXPORT double s09(double a, double b, double c) { return a * b + c; }     /* (f64, f64, f64) -> f64 */
EXPORT double s10(float a, double b) { return (double)a + b; }            /* (f32, f64) -> f64 */
EXPORT void *s11(void *p) { return p; }                                   /* (pointer) -> pointer */
EXPORT uint32_t s12(const uint8_t *p, uint32_t n) {                       /* (buffer, u32) -> u32 */
    return n ? p[0] + n : 0;
}
EXPORT bool s13(bool b) { return !b; }                                    /* (bool) -> bool */
EXPORT void s14(void *p, uint64_t v) { (void)p; (void)v; }               /* (pointer, u64) -> void */
EXPORT int32_t s15(void (*f)(void)) { return f != NULL; }                 /* (function) -> i32 */
EXPORT uint64_t s16(uint8_t a, uint16_t b, uint32_t c, uint64_t d) {      /* (u8, u16, u32, u64) -> u64 */
    return a + b + c + d;
}
EXPORT int64_t s17(int8_t a, int16_t b, int32_t c, int64_t d) {          /* (i8, i16, i32, i64) -> i64 */
    return a + b + c + d;
}
EXPORT double s18(double a, int32_t b, double c, int32_t d) {             /* (f64, i32, f64, i32) -> f64 */
    return a * b + c * d;
}
EXPORT uint32_t s19(uint32_t a, uint32_t b, uint32_t c, uint32_t d,       /* (u32 x 6) -> u32 */
                    uint32_t e, uint32_t f) {
    return a ^ b ^ c ^ d ^ e ^ f;
}
EXPORT double s20(double a, double b, double c, double d, double e,       /* (f64 x 8) -> f64 */
                  double f, double g, double h) {
    return a + b + c + d + e + f + g + h;
}
EXPORT int32_t s21(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, /* (i32 x 8) -> i32, 2 on the stack */
                   int32_t f, int32_t g, int32_t h) {
    return a + b + c + d + e + f + g + h;
}
EXPORT int32_t s22(void *a, void *b, uint32_t n) {                        /* (pointer, pointer, u32) -> i32 */
    return a == b ? (int32_t)n : -1;
}
EXPORT void s23(const uint8_t *a, const uint8_t *b) { (void)a; (void)b; } /* (buffer, buffer) -> void */
EXPORT double s24(uint32_t a, float b, uint8_t c, double d, int64_t e,    /* 10 mixed -> f64 */
                  bool f, void *g, int16_t h, uint64_t i, float j) {
    return a + b + c + d + (double)e + f + (g != NULL) + h + (double)i + j;
}
static int s25_anchor;
EXPORT void *s25(void) { return &s25_anchor; }                            /* () -> pointer */
