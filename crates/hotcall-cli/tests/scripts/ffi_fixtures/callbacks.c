/* C side of the Deno.UnsafeCallback test scripts (tests/scripts/callback_*.ts).
 *
 * Every function takes a callback (a pointer produced by UnsafeCallback)
 * and calls it: synchronously with several signatures, nested, from a
 * pthread, or later from a stored pointer. Names start with `cb_`. */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- synchronous calls, one per signature shape ---- */

void cb_call_void(void (*cb)(void)) { cb(); }

int32_t cb_call_i32(int32_t (*cb)(int32_t, int32_t), int32_t a, int32_t b) { return cb(a, b); }

/* Narrow arguments at the edges of their ranges, narrow results widened. */
int32_t cb_call_narrow(int32_t (*cb)(uint8_t, int8_t, uint16_t, int16_t)) {
    return cb(250, -100, 65000, -32000);
}

int32_t cb_call_ret_u8(uint8_t (*cb)(void)) { return cb(); }

int32_t cb_call_ret_i8(int8_t (*cb)(void)) { return cb(); }

int32_t cb_call_ret_i16(int16_t (*cb)(void)) { return cb(); }

int32_t cb_call_bool(bool (*cb)(bool), bool x) { return cb(x) ? 1 : 0; }

double cb_call_f64(double (*cb)(float, double), float a, double b) { return cb(a, b); }

float cb_call_f32(float (*cb)(float), float x) { return cb(x); }

/* 64-bit values beyond 2^53 in both directions. */
uint64_t cb_call_u64(uint64_t (*cb)(uint64_t, int64_t, uint64_t)) {
    return cb(UINT64_C(18446744073709551615), INT64_C(-9007199254740993), 42);
}

int64_t cb_call_i64(int64_t (*cb)(void)) { return cb(); }

void *cb_call_ptr(void *(*cb)(void *), void *p) { return cb(p); }

/* Mixed integer and float arguments, more than fit in registers. */
double cb_call_many(double (*cb)(int32_t, double, int32_t, double, int32_t, double, int32_t, double,
                                 int32_t, double, int32_t, double, int32_t, double, int32_t, double,
                                 int32_t, double)) {
    return cb(1, 0.5, 2, 0.25, 3, 0.125, 4, 1.0, 5, 2.0, 6, 4.0, 7, 8.0, 8, 16.0, 9, 32.0);
}

/* ---- structs by value ---- */

struct cb_point { int32_t x; int32_t y; };
struct cb_rect { double x, y, w, h; };
struct cb_mixed { uint8_t tag; double value; uint16_t extra; };

int32_t cb_call_with_point(int32_t (*cb)(struct cb_point, int32_t), int32_t x, int32_t y, int32_t k) {
    struct cb_point p = { x, y };
    return cb(p, k);
}

int32_t cb_call_returning_point(struct cb_point (*cb)(int32_t, int32_t), int32_t x, int32_t y) {
    struct cb_point p = cb(x, y);
    return p.x * 1000 + p.y;
}

double cb_call_with_rect(double (*cb)(struct cb_rect)) {
    struct cb_rect r = { 1.5, 2.5, 10.0, 20.0 };
    return cb(r);
}

double cb_call_returning_rect(struct cb_rect (*cb)(void)) {
    struct cb_rect r = cb();
    return r.x + r.y * 10 + r.w * 100 + r.h * 1000;
}

double cb_call_with_mixed(double (*cb)(struct cb_mixed)) {
    struct cb_mixed m = { 7, 0.75, 513 };
    return cb(m);
}

/* ---- nesting ---- */

/* Calls cb(i) for i in 0..n and sums the results; the JS callback may call
 * cb_apply_n again (recursion through C and JS). */
int32_t cb_apply_n(int32_t (*cb)(int32_t), int32_t n) {
    int32_t sum = 0;
    for (int32_t i = 0; i < n; i++) sum += cb(i);
    return sum;
}

/* Calls outer(x); outer receives a pointer to inner to pass on. */
int32_t cb_call_chain(int32_t (*outer)(int32_t, int32_t (*)(int32_t)), int32_t (*inner)(int32_t), int32_t x) {
    return outer(x, inner);
}

/* ---- the seed's status-callback pattern: store now, call later ---- */

static void (*status_cb)(uint8_t);

void cb_set_status_callback(void (*cb)(uint8_t)) { status_cb = cb; }

void cb_check_status(void) {
    if (status_cb) status_cb(1);
}

static int32_t (*stored_cb)(int32_t);

void cb_store(int32_t (*cb)(int32_t)) { stored_cb = cb; }

int32_t cb_call_stored(int32_t x) { return stored_cb ? stored_cb(x) : -1; }

void cb_clear_stored(void) { stored_cb = NULL; }

/* ---- other threads ---- */

#define CB_MAX_THREADS 16

struct cb_job {
    pthread_t thread;
    int32_t (*cb)(int32_t);
    int32_t arg;
    int32_t result;
};

static struct cb_job jobs[CB_MAX_THREADS];
static int32_t job_count;

static void *cb_job_main(void *p) {
    struct cb_job *job = p;
    job->result = job->cb(job->arg);
    return NULL;
}

/* Starts n threads (at most 16); thread i calls cb(first + i) once.
 * Returns the number started. Does not wait. */
int32_t cb_spawn(int32_t (*cb)(int32_t), int32_t first, int32_t n) {
    if (n > CB_MAX_THREADS) n = CB_MAX_THREADS;
    job_count = 0;
    for (int32_t i = 0; i < n; i++) {
        jobs[i].cb = cb;
        jobs[i].arg = first + i;
        jobs[i].result = 0;
        if (pthread_create(&jobs[i].thread, NULL, cb_job_main, &jobs[i]) != 0) break;
        job_count++;
    }
    return job_count;
}

/* Joins the threads of the last cb_spawn; returns the sum of the callback
 * results. Call it nonblocking (or after every callback has run): joining
 * on the JS thread while a callback waits for the JS thread deadlocks. */
int32_t cb_join(void) {
    int32_t sum = 0;
    for (int32_t i = 0; i < job_count; i++) {
        pthread_join(jobs[i].thread, NULL);
        sum += jobs[i].result;
    }
    job_count = 0;
    return sum;
}

/* Calls cb(x) on a new thread and waits for it: meant to be declared
 * nonblocking (the worker thread blocks, the JS thread runs the callback). */
int32_t cb_call_on_thread_and_wait(int32_t (*cb)(int32_t), int32_t x) {
    struct cb_job job = { 0, cb, x, 0 };
    if (pthread_create(&job.thread, NULL, cb_job_main, &job) != 0) return -1;
    pthread_join(job.thread, NULL);
    return job.result;
}
