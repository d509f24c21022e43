/* Helpers shared by the hand-written fixtures and the generated corpus.
 *
 * The checksum: h starts at HC_INIT and every value is mixed in as a
 * canonical 64-bit word (signed ints sign-extended, unsigned ints and bool
 * zero-extended, floats as their zero-extended IEEE bits, pointers as their
 * address) with hc_mix. The Rust reference lives in src/checksum.rs. */
#ifndef HC_COMMON_H
#define HC_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef HC_FREESTANDING
/* No C library headers: the Apple arm64 cross build compiles for macOS
 * without its SDK (jit-tests/src/cross/). The builtins need none. */
#define memcpy __builtin_memcpy
#define memset __builtin_memset
#else
#include <string.h>
#endif

#define HC_INIT UINT64_C(0xcbf29ce484222325)

typedef void (*hc_fn)(void);

static inline uint64_t hc_mix(uint64_t h, uint64_t v) {
    h = (h ^ v) * UINT64_C(0x9e3779b97f4a7c15);
    return h ^ (h >> 29);
}

static inline uint64_t hc_bits_f32(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline uint64_t hc_bits_f64(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static inline float hc_f32(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline double hc_f64(uint64_t u) {
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* The first eight bytes of a buffer, little-endian. */
static inline uint64_t hc_load8(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Result values derived from a checksum (exactly representable). */
static inline float hc_derive_f32(uint64_t h) {
    float f = (float)(uint32_t)(h >> 40) * 0.25f;
    return (h & 1) ? -f : f;
}

static inline double hc_derive_f64(uint64_t h) {
    double d = (double)(h >> 11) * 0.5;
    return (h & 1) ? -d : d;
}

/* The checksum recorded by the last fixture / corpus call on this thread.
 * Cross builds (jit-tests/src/cross/) define HC_NO_TLS: their drivers are
 * single-threaded, and Mach-O thread-local access (the Apple arm64 corpus
 * is compiled for macOS, then run on Linux) cannot be converted to ELF. */
#ifdef HC_NO_TLS
#define HC_THREAD_LOCAL
#else
#define HC_THREAD_LOCAL _Thread_local
#endif
extern HC_THREAD_LOCAL uint64_t hc_last;

#endif
