/* The C floor of the loop-carried benchmark rows: the same dependent loops
 * as ffi_bench.ts's add_f64 and mix10 cases (`s = f(s, ...)`), calling the
 * functions of bench_lib.c through dlsym'd pointers, so a JS runtime's cost
 * over C is its row minus this.
 *
 *   cc -O2 -o c_floor benches/js/c_floor.c -ldl
 *   taskset -c 1 ./c_floor LIB      (LIB: the .so built from bench_lib.c)
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

typedef double (*mix10_fn)(int32_t, double, uint32_t, float, int64_t, double, uint8_t, uint64_t,
                           float, int16_t);
typedef double (*add_f64_fn)(double, double);

static double elapsed_ns(struct timespec a, struct timespec b) {
    return (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s LIB\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    /* volatile: the compiler may not inline or hoist the calls. */
    mix10_fn volatile mix10 = (mix10_fn)dlsym(lib, "mix10");
    add_f64_fn volatile add_f64 = (add_f64_fn)dlsym(lib, "add_f64");
    const long n = 100000000;
    struct timespec t0, t1;
    double s = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) s = add_f64(s, 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("add_f64, dependent: %.2f ns/call (s = %.0f)\n", elapsed_ns(t0, t1) / n, s);
    s = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) s = mix10(1, s, 3, 4, 5, 6, 7, 8, 9, 10);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("mix10, dependent: %.2f ns/call (s = %.0f)\n", elapsed_ns(t0, t1) / n, s);
    return 0;
}
