/* C side of the FFI script tests (tests/scripts/ffi_*.ts): one function per
 * row of the type table (identity functions, so a value goes in as a
 * parameter and comes back as a result), buffers, structs, statics,
 * nonblocking helpers. Names start with `ty_`.
 *
 * Every function except `ty_calls` counts its calls in `ty_count`, so a
 * script can prove that the C function ran while the slow-call counter of
 * hotcall did not move (the fast path was taken). */

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

static uint64_t ty_count;

#define COUNT() __atomic_add_fetch(&ty_count, 1, __ATOMIC_SEQ_CST)

/* The number of counted calls so far (not counted itself). */
uint64_t ty_calls(void) { return __atomic_load_n(&ty_count, __ATOMIC_SEQ_CST); }

/* ---- identities, one per scalar type ---- */

void ty_nop(void) { COUNT(); }
bool ty_id_bool(bool x) { COUNT(); return x; }
bool ty_not(bool x) { COUNT(); return !x; }
uint8_t ty_id_u8(uint8_t x) { COUNT(); return x; }
int8_t ty_id_i8(int8_t x) { COUNT(); return x; }
uint16_t ty_id_u16(uint16_t x) { COUNT(); return x; }
int16_t ty_id_i16(int16_t x) { COUNT(); return x; }
uint32_t ty_id_u32(uint32_t x) { COUNT(); return x; }
int32_t ty_id_i32(int32_t x) { COUNT(); return x; }
uint64_t ty_id_u64(uint64_t x) { COUNT(); return x; }
int64_t ty_id_i64(int64_t x) { COUNT(); return x; }
size_t ty_id_usize(size_t x) { COUNT(); return x; }
ssize_t ty_id_isize(ssize_t x) { COUNT(); return x; }
float ty_id_f32(float x) { COUNT(); return x; }
double ty_id_f64(double x) { COUNT(); return x; }
void *ty_id_ptr(void *x) { COUNT(); return x; }
void *ty_id_fn(void *x) { COUNT(); return x; }

/* Results that need the wrapping rules: the sum computed in C. */
uint8_t ty_add_u8(uint8_t a, uint8_t b) { COUNT(); return (uint8_t)(a + b); }
int16_t ty_add_i16(int16_t a, int16_t b) { COUNT(); return (int16_t)(a + b); }
uint64_t ty_add_u64(uint64_t a, uint64_t b) { COUNT(); return a + b; }
int64_t ty_add_i64(int64_t a, int64_t b) { COUNT(); return a + b; }
char *ty_ptr_add(char *p, size_t n) { COUNT(); return p + n; }
/* 1 if the float is negative zero, 2 if NaN, else 0. */
int32_t ty_f64_class(double x) { COUNT(); return isnan(x) ? 2 : (x == 0 && signbit(x)) ? 1 : 0; }

/* Mixed integer and float arguments, more than fit in registers. */
double ty_mix(int8_t a, uint16_t b, int32_t c, int64_t d, float e, double f, uint8_t g,
              int16_t h, uint32_t i, double j, uint64_t k, bool l) {
    COUNT();
    return a + b + c + (double)d + e + f + g + h + i + j + (double)k + (l ? 1000 : 0);
}

/* ---- buffers ---- */

/* Sum of `n` bytes, or -1 for a null pointer. */
int32_t ty_buf_sum(const uint8_t *p, size_t n) {
    COUNT();
    if (p == NULL) return -1;
    int32_t s = 0;
    for (size_t i = 0; i < n; i++) s += p[i];
    return s;
}
/* 1 if the pointer is null, else 0. */
int32_t ty_buf_is_null(const uint8_t *p) { COUNT(); return p == NULL; }
const uint8_t *ty_buf_id(const uint8_t *p) { COUNT(); return p; }
void ty_buf_fill(uint8_t *p, size_t n, uint8_t v) {
    COUNT();
    if (p != NULL) memset(p, v, n);
}

/* A C function whose pointer is passed around as a `function`. */
int32_t ty_twice(int32_t x) { return 2 * x; } /* not counted: called by ty_apply */
void *ty_get_twice(void) { COUNT(); return (void *)ty_twice; }
int32_t ty_apply(int32_t (*f)(int32_t), int32_t x) { COUNT(); return f(x); }

/* ---- statics ---- */

int32_t ty_static_i32 = -42;
uint64_t ty_static_u64 = UINT64_C(18446744073709551615);
double ty_static_f64 = 2.5;
bool ty_static_bool = true;
uint8_t ty_static_u8 = 200;
int64_t ty_static_i64 = -7;
int32_t (*ty_static_fn)(int32_t) = ty_twice;
const char ty_static_text[] = "hello, static";
struct ty_point { int32_t x, y; };
struct ty_point ty_static_point = { 3, -4 };

/* ---- structs by value ---- */

struct ty_line { struct ty_point a, b; uint8_t tag; };
struct ty_mixed { uint8_t tag; double value; uint16_t extra; };
struct ty_wide { uint64_t a; int8_t b; };

struct ty_point ty_make_point(int32_t x, int32_t y) {
    COUNT();
    struct ty_point p = { x, y };
    return p;
}
int32_t ty_point_sum(struct ty_point p) { COUNT(); return p.x + p.y; }
struct ty_point ty_point_swap(struct ty_point p) {
    COUNT();
    struct ty_point q = { p.y, p.x };
    return q;
}
struct ty_line ty_make_line(struct ty_point a, struct ty_point b, uint8_t tag) {
    COUNT();
    struct ty_line l;
    memset(&l, 0, sizeof l); /* deterministic padding bytes */
    l.a = a;
    l.b = b;
    l.tag = tag;
    return l;
}
/* (b - a) as a point, times the tag. */
struct ty_point ty_line_delta(struct ty_line l) {
    COUNT();
    struct ty_point d = { (l.b.x - l.a.x) * l.tag, (l.b.y - l.a.y) * l.tag };
    return d;
}
double ty_mixed_sum(struct ty_mixed m) { COUNT(); return m.tag + m.value + m.extra; }
struct ty_mixed ty_make_mixed(uint8_t tag, double value, uint16_t extra) {
    COUNT();
    struct ty_mixed m;
    memset(&m, 0, sizeof m);
    m.tag = tag;
    m.value = value;
    m.extra = extra;
    return m;
}
struct ty_wide ty_make_wide(uint64_t a, int8_t b) {
    COUNT();
    struct ty_wide w;
    memset(&w, 0, sizeof w);
    w.a = a;
    w.b = b;
    return w;
}

/* ---- nonblocking helpers ---- */

static void ty_sleep_ms(uint32_t ms) {
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int32_t ty_in_flight, ty_max_in_flight;

/* Sleeps `ms` milliseconds, then returns a + b; tracks how many calls
 * are inside at once. */
int32_t ty_slow_add(uint32_t ms, int32_t a, int32_t b) {
    COUNT();
    int32_t now = __atomic_add_fetch(&ty_in_flight, 1, __ATOMIC_SEQ_CST);
    int32_t max = __atomic_load_n(&ty_max_in_flight, __ATOMIC_SEQ_CST);
    while (now > max &&
           !__atomic_compare_exchange_n(&ty_max_in_flight, &max, now, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST)) {
    }
    ty_sleep_ms(ms);
    __atomic_sub_fetch(&ty_in_flight, 1, __ATOMIC_SEQ_CST);
    return a + b;
}
int32_t ty_max_concurrency(void) { return __atomic_load_n(&ty_max_in_flight, __ATOMIC_SEQ_CST); }

/* Sleeps, then fills the buffer (on the worker thread) and returns the
 * sum of what it wrote. */
uint32_t ty_slow_fill(uint8_t *p, size_t n, uint8_t v, uint32_t ms) {
    COUNT();
    ty_sleep_ms(ms);
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(v + i);
        s += p[i];
    }
    return s;
}

/* Sleeps, then returns a u64 / a pointer / a struct. */
uint64_t ty_slow_u64(uint64_t x, uint32_t ms) { COUNT(); ty_sleep_ms(ms); return x; }
void *ty_slow_ptr(void *x, uint32_t ms) { COUNT(); ty_sleep_ms(ms); return x; }
struct ty_point ty_slow_point(struct ty_point p, uint32_t ms) {
    COUNT();
    ty_sleep_ms(ms);
    struct ty_point q = { p.x * 10, p.y * 10 };
    return q;
}

/* Starts a detached thread that keeps running library code (a 1 ms sleep
 * loop) until the process exits: the library must not be unloaded under
 * it when the isolate is torn down. */
static void *ty_spinner_main(void *arg) {
    (void)arg;
    for (;;) ty_sleep_ms(1);
    return NULL;
}
int32_t ty_spawn_spinner(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, ty_spinner_main, NULL) != 0) return -1;
    pthread_detach(t);
    return 0;
}
