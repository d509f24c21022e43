// callback.c: a C library for the seed's callback example. It keeps a
// status callback; `start_long_operation` starts a (pretend) operation that
// is finished by the next `check_status`, which then reports success
// through the callback.
#include <stdint.h>
#include <stddef.h>

static void (*status_callback)(uint8_t) = NULL;
static int operation_running = 0;

void set_status_callback(void (*callback)(uint8_t)) {
  status_callback = callback;
}

void start_long_operation(void) {
  operation_running = 1;
}

void check_status(void) {
  if (operation_running && status_callback != NULL) {
    operation_running = 0;
    status_callback(1);
  }
}
