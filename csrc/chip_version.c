#include "chip.h"

const char *bss2_chip_version(void) { return "0.1.0"; }

int bss2_chip_abi(void) { return 1; }
