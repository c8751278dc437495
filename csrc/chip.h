/* Public C interface of the BrainScaleS-2 chip model (wrapped by fisch._chipmodel via cffi). */
#ifndef BSS2_CHIP_H
#define BSS2_CHIP_H

/* Version of the chip model, e.g. "0.1.0"; static storage, never free it. */
const char *bss2_chip_version(void);

/* ABI revision of this interface; bumped on every incompatible change. */
int bss2_chip_abi(void);

#endif /* BSS2_CHIP_H */
