/* Hand-written C fixtures: every FFI type as parameter and result, narrow
 * integer edges, many arguments, buffers, pointers, structs by value of
 * several shapes, and functions that call a function pointer. */
#include "hc_common.h"

#include <stdalign.h>

HC_THREAD_LOCAL uint64_t hc_last;

uint64_t hc_last_checksum(void) { return hc_last; }

/* ---- every scalar type as parameter and result ---- */

bool hc_not(bool x) { return !x; }
uint8_t hc_u8_inc(uint8_t x) { return (uint8_t)(x + 1); }
int8_t hc_i8_neg(int8_t x) { return (int8_t)-x; }
uint16_t hc_u16_inc(uint16_t x) { return (uint16_t)(x + 1); }
int16_t hc_i16_neg(int16_t x) { return (int16_t)-x; }
uint32_t hc_u32_inc(uint32_t x) { return x + 1; }
int32_t hc_i32_neg(int32_t x) { return (int32_t)(0u - (uint32_t)x); }
uint64_t hc_u64_inc(uint64_t x) { return x + 1; }
int64_t hc_i64_neg(int64_t x) { return (int64_t)(0u - (uint64_t)x); }
size_t hc_usize_inc(size_t x) { return x + 1; }
intptr_t hc_isize_neg(intptr_t x) { return (intptr_t)(0u - (uintptr_t)x); }
float hc_f32_half(float x) { return x * 0.5f; }
double hc_f64_half(double x) { return x * 0.5; }
void *hc_ptr_add(void *p, size_t n) { return (char *)p + n; }
const uint8_t *hc_buf_at(const uint8_t *p, size_t i) { return p + i; }
hc_fn hc_fn_id(hc_fn f) { return f; }

/* ---- narrow integers: what the callee sees, what the caller gets ---- */

int32_t hc_i8_to_i32(int8_t x) { return x; }
uint32_t hc_u8_to_u32(uint8_t x) { return x; }
int32_t hc_i16_to_i32(int16_t x) { return x; }
uint32_t hc_u16_to_u32(uint16_t x) { return x; }
int32_t hc_bool_to_i32(bool x) { return x ? 1 : 0; }
int8_t hc_i32_to_i8(int32_t x) { return (int8_t)x; }
uint8_t hc_u32_to_u8(uint32_t x) { return (uint8_t)x; }
int16_t hc_i32_to_i16(int32_t x) { return (int16_t)x; }
uint16_t hc_u32_to_u16(uint32_t x) { return (uint16_t)x; }
bool hc_u32_to_bool(uint32_t x) { return x != 0; }

/* ---- 0 to 22 arguments ---- */

int32_t hc_answer(void) { return 42; }
void hc_record(int64_t v) { hc_last = (uint64_t)v; }

/* Checksum of 22 arguments mixing every class: more ints than the 6
 * integer registers and more floats than the 8 SSE registers. */
uint64_t hc_many(int8_t a0, double a1, uint16_t a2, float a3, int32_t a4, int64_t a5,
                 double a6, bool a7, float a8, uint8_t a9, double a10, int16_t a11,
                 float a12, uint64_t a13, double a14, uint32_t a15, float a16,
                 void *a17, double a18, int8_t a19, float a20, double a21) {
    uint64_t h = HC_INIT;
    h = hc_mix(h, (uint64_t)(int64_t)a0);
    h = hc_mix(h, hc_bits_f64(a1));
    h = hc_mix(h, a2);
    h = hc_mix(h, hc_bits_f32(a3));
    h = hc_mix(h, (uint64_t)(int64_t)a4);
    h = hc_mix(h, (uint64_t)a5);
    h = hc_mix(h, hc_bits_f64(a6));
    h = hc_mix(h, a7);
    h = hc_mix(h, hc_bits_f32(a8));
    h = hc_mix(h, a9);
    h = hc_mix(h, hc_bits_f64(a10));
    h = hc_mix(h, (uint64_t)(int64_t)a11);
    h = hc_mix(h, hc_bits_f32(a12));
    h = hc_mix(h, a13);
    h = hc_mix(h, hc_bits_f64(a14));
    h = hc_mix(h, a15);
    h = hc_mix(h, hc_bits_f32(a16));
    h = hc_mix(h, (uint64_t)(uintptr_t)a17);
    h = hc_mix(h, hc_bits_f64(a18));
    h = hc_mix(h, (uint64_t)(int64_t)a19);
    h = hc_mix(h, hc_bits_f32(a20));
    h = hc_mix(h, hc_bits_f64(a21));
    hc_last = h;
    return h;
}

/* sum of (i + 1) * a_i over 20 doubles: exact for small integer inputs. */
double hc_weighted20(double a0, double a1, double a2, double a3, double a4, double a5,
                     double a6, double a7, double a8, double a9, double a10, double a11,
                     double a12, double a13, double a14, double a15, double a16,
                     double a17, double a18, double a19) {
    double a[20] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9,
                    a10, a11, a12, a13, a14, a15, a16, a17, a18, a19};
    double s = 0;
    for (int i = 0; i < 20; i++) s += (i + 1) * a[i];
    return s;
}

/* ---- buffers and pointers ---- */

/* A 64-byte hash of buf: eight lanes, lane k seeded with k, each byte mixed
 * in as hc_mix(lane, byte + 256 * k). */
void hc_hash64(const uint8_t *buf, size_t len, uint8_t *out) {
    for (int k = 0; k < 8; k++) {
        uint64_t lane = hc_mix(HC_INIT, (uint64_t)k);
        for (size_t i = 0; i < len; i++) lane = hc_mix(lane, buf[i] + 256u * (uint64_t)k);
        memcpy(out + 8 * k, &lane, 8);
    }
}

uint32_t hc_buf_sum(const uint8_t *buf, size_t len) {
    uint32_t s = 0;
    for (size_t i = 0; i < len; i++) s += buf[i];
    return s;
}

void hc_buf_fill(uint8_t *buf, size_t len, uint8_t v) { memset(buf, v, len); }
int64_t hc_ptr_read_i64(const int64_t *p) { return *p; }
void hc_ptr_write_i64(int64_t *p, int64_t v) { *p = v; }
const char *hc_greeting(void) { return "hello from C"; }

/* ---- structs by value ---- */

typedef struct { uint8_t a, b; uint16_t c; } S_u8u8u16;
typedef struct { uint8_t a, b, c; } S_u8x3;
typedef struct { double x, y; } S_d2;
typedef struct { float x, y; } S_f2;
typedef struct { float x, y, z; } S_f3;
typedef struct { int32_t i; float f; } S_if;
typedef struct { uint8_t a; double b; int32_t c; } S_udi;
typedef struct { int64_t a, b, c; double d; } S_big;
typedef struct { S_f2 p; int32_t k; } S_nest;
typedef struct { uint8_t tag; struct { uint16_t lo; uint8_t hi; } in; float w; } S_nest2;
typedef struct { double a, b, c, d; } S_hfa4;

S_u8u8u16 hc_u8u8u16_make(uint8_t a, uint8_t b, uint16_t c) { return (S_u8u8u16){a, b, c}; }
uint32_t hc_u8u8u16_sum(S_u8u8u16 s) { return s.a + s.b + s.c; }
S_u8u8u16 hc_u8u8u16_rev(S_u8u8u16 s) { return (S_u8u8u16){s.b, s.a, (uint16_t)(s.c + 1)}; }

S_u8x3 hc_u8x3_make(uint8_t a, uint8_t b, uint8_t c) { return (S_u8x3){a, b, c}; }
uint32_t hc_u8x3_sum(S_u8x3 s) { return s.a * 65536u + s.b * 256u + s.c; }
S_u8x3 hc_u8x3_rot(S_u8x3 s) { return (S_u8x3){s.b, s.c, s.a}; }

S_d2 hc_d2_make(double x, double y) { return (S_d2){x, y}; }
double hc_d2_dot(S_d2 a, S_d2 b) { return a.x * b.x + a.y * b.y; }
S_d2 hc_d2_swap(S_d2 s) { return (S_d2){s.y, s.x}; }

S_f2 hc_f2_make(float x, float y) { return (S_f2){x, y}; }
float hc_f2_sum(S_f2 s) { return s.x + s.y; }
S_f2 hc_f2_swap(S_f2 s) { return (S_f2){s.y, s.x}; }

S_f3 hc_f3_make(float x, float y, float z) { return (S_f3){x, y, z}; }
float hc_f3_sum(S_f3 s) { return s.x + 2 * s.y + 4 * s.z; }
S_f3 hc_f3_rot(S_f3 s) { return (S_f3){s.y, s.z, s.x}; }

S_if hc_if_make(int32_t i, float f) { return (S_if){i, f}; }
double hc_if_sum(S_if s) { return s.i + (double)s.f; }
S_if hc_if_neg(S_if s) { return (S_if){-s.i, -s.f}; }

S_udi hc_udi_make(uint8_t a, double b, int32_t c) { return (S_udi){a, b, c}; }
double hc_udi_sum(S_udi s, float y) { return s.a + s.b + s.c + y; }
S_udi hc_udi_bump(S_udi s) { return (S_udi){(uint8_t)(s.a + 1), s.b * 2, s.c - 1}; }

S_big hc_big_make(int64_t a, int64_t b, int64_t c, double d) { return (S_big){a, b, c, d}; }
double hc_big_sum(S_big s) { return (double)(s.a + s.b + s.c) + s.d; }
S_big hc_big_bump(int32_t k, S_big s) { return (S_big){s.a + k, s.b + k, s.c + k, s.d + k}; }

S_nest hc_nest_make(float x, float y, int32_t k) { return (S_nest){{x, y}, k}; }
double hc_nest_sum(S_nest s) { return s.p.x + s.p.y + s.k; }
S_nest2 hc_nest2_make(uint8_t tag, uint16_t lo, uint8_t hi, float w) {
    S_nest2 s = {tag, {lo, hi}, w};
    return s;
}
uint64_t hc_nest2_sum(S_nest2 s) { return s.tag + s.in.lo * 256u + s.in.hi * 65536u + (uint64_t)s.w; }

S_hfa4 hc_hfa4_make(double a, double b, double c, double d) { return (S_hfa4){a, b, c, d}; }
double hc_hfa4_sum(S_hfa4 s) { return s.a + 2 * s.b + 3 * s.c + 4 * s.d; }

/* Structs after the argument registers are used up: six ints fill the
 * integer registers, so s_if goes on the stack; s_d2 still gets SSE ones. */
double hc_struct_late(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f,
                      S_if s_if, S_d2 s_d2, int64_t g) {
    return (double)(a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g) + s_if.i + s_if.f + s_d2.x * 10 + s_d2.y * 100;
}

/* sizeof, alignof and offsetof of the fixture structs: returns the field
 * count of struct `which` (or -1 past the last) and fills the arrays. */
#define HC_LAYOUT(T, ...)                                                     \
    do {                                                                      \
        size_t offs[] = {__VA_ARGS__};                                        \
        *size = sizeof(T);                                                    \
        *align = alignof(T);                                                  \
        memcpy(offsets, offs, sizeof offs);                                   \
        return (int)(sizeof offs / sizeof offs[0]);                           \
    } while (0)

int hc_layout(int which, size_t *size, size_t *align, size_t *offsets) {
    switch (which) {
    case 0: HC_LAYOUT(S_u8u8u16, offsetof(S_u8u8u16, a), offsetof(S_u8u8u16, b), offsetof(S_u8u8u16, c));
    case 1: HC_LAYOUT(S_u8x3, offsetof(S_u8x3, a), offsetof(S_u8x3, b), offsetof(S_u8x3, c));
    case 2: HC_LAYOUT(S_d2, offsetof(S_d2, x), offsetof(S_d2, y));
    case 3: HC_LAYOUT(S_f2, offsetof(S_f2, x), offsetof(S_f2, y));
    case 4: HC_LAYOUT(S_f3, offsetof(S_f3, x), offsetof(S_f3, y), offsetof(S_f3, z));
    case 5: HC_LAYOUT(S_if, offsetof(S_if, i), offsetof(S_if, f));
    case 6: HC_LAYOUT(S_udi, offsetof(S_udi, a), offsetof(S_udi, b), offsetof(S_udi, c));
    case 7: HC_LAYOUT(S_big, offsetof(S_big, a), offsetof(S_big, b), offsetof(S_big, c), offsetof(S_big, d));
    case 8: HC_LAYOUT(S_nest, offsetof(S_nest, p), offsetof(S_nest, k));
    case 9: HC_LAYOUT(S_nest2, offsetof(S_nest2, tag), offsetof(S_nest2, in), offsetof(S_nest2, w));
    case 10: HC_LAYOUT(S_hfa4, offsetof(S_hfa4, a), offsetof(S_hfa4, b), offsetof(S_hfa4, c), offsetof(S_hfa4, d));
    default: return -1;
    }
}

/* ---- C calling function pointers ---- */

int32_t hc_call_i32(int32_t (*cb)(int32_t, int32_t), int32_t a, int32_t b) { return cb(a, b) * 2 + 1; }

double hc_call_mixed(double (*cb)(int8_t, double, float, uint16_t, bool), int8_t a, double b, float c,
                     uint16_t d, bool e) {
    return cb(a, b, c, d, e) + 0.5;
}

S_d2 hc_call_struct(S_d2 (*cb)(S_f2, S_udi, S_u8x3), float x, uint8_t a, double b, int32_t c) {
    S_d2 r = cb((S_f2){x, -x}, (S_udi){a, b, c}, (S_u8x3){1, 2, 3});
    return (S_d2){r.y, r.x};
}

S_big hc_call_big(S_big (*cb)(S_big, int32_t), int64_t a) {
    S_big r = cb((S_big){a, a + 1, a + 2, 0.25}, 7);
    r.d += 1.0;
    return r;
}

/* Calls cb(i) for i in 0..n and returns the sum of its results. */
int64_t hc_call_n(int64_t (*cb)(int32_t), int32_t n) {
    int64_t s = 0;
    for (int32_t i = 0; i < n; i++) s += cb(i);
    return s;
}
