/* Event-loop ordering of thread-safe callbacks: a detached thread calls a
 * callback, writes a line straight to stdout (unbuffered, so its position in
 * the output is the moment it was written), then calls the callback again.
 * Names start with `ord_`. */

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

typedef void (*ord_cb)(int32_t);

static void *ord_main(void *arg) {
    ord_cb cb = (ord_cb)arg;
    static const char line[] = "c: after the callback returned\n";
    cb(1);
    ssize_t ignored = write(1, line, strlen(line));
    (void)ignored;
    cb(2);
    return NULL;
}

/* Starts the thread; returns 0, or -1 if it could not be started. */
int32_t ord_spawn(ord_cb cb) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, ord_main, (void *)cb) != 0) return -1;
    pthread_detach(thread);
    return 0;
}
