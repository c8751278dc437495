/* The checks of the C test programs: check() counts, check_report() prints and returns the exit
 * status. Each test program includes this once (the counters are its own). */
#ifndef BSS2_TESTS_CHECK_H
#define BSS2_TESTS_CHECK_H

#include <stdio.h>

static int passed, failed;

static void check(int ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL: %s\n", what);
    }
}

/* Print the tally; return the exit status of the test program (0: all passed). */
static int check_report(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}

#endif /* BSS2_TESTS_CHECK_H */
