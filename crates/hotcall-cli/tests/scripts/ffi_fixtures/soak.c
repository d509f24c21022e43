/* For the soak test: many thread-safe callback calls from several threads.
 * Names start with `soak_`. */

#include <pthread.h>
#include <stdint.h>

#define SOAK_MAX_THREADS 16

struct soak_job {
    pthread_t thread;
    int32_t (*cb)(int32_t);
    int32_t calls;
    int32_t sum;
};

static void *soak_main(void *p) {
    struct soak_job *job = p;
    for (int32_t i = 0; i < job->calls; i++) job->sum += job->cb(i);
    return NULL;
}

/* Starts `threads` threads (at most 16), each calling cb(0..calls-1), and
 * waits for all of them: declare it nonblocking. Returns the sum of the
 * results, or -1 if a thread could not be started. */
int32_t soak_threads(int32_t (*cb)(int32_t), int32_t threads, int32_t calls) {
    struct soak_job jobs[SOAK_MAX_THREADS];
    if (threads > SOAK_MAX_THREADS) threads = SOAK_MAX_THREADS;
    int32_t started = 0, failed = 0;
    for (int32_t i = 0; i < threads; i++) {
        jobs[i].cb = cb;
        jobs[i].calls = calls;
        jobs[i].sum = 0;
        if (pthread_create(&jobs[i].thread, NULL, soak_main, &jobs[i]) != 0) {
            failed = 1;
            break;
        }
        started++;
    }
    int32_t sum = 0;
    for (int32_t i = 0; i < started; i++) {
        pthread_join(jobs[i].thread, NULL);
        sum += jobs[i].sum;
    }
    return failed ? -1 : sum;
}

int32_t soak_nop(int32_t x) { return x; }
