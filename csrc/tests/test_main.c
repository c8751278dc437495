/* Plain C tests of the chip model; built and run under ASan/UBSan by `make csan`. */
#include <stdio.h>
#include <string.h>

#include "chip.h"

static int passed, failed;

static void check(int ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL: %s\n", what);
    }
}

int main(void) {
    check(strcmp(bss2_chip_version(), "0.1.0") == 0, "bss2_chip_version() == \"0.1.0\"");
    check(bss2_chip_abi() == 1, "bss2_chip_abi() == 1");
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
