/* dev_access.h - the fixed layout shared by dev_access.c and dev_access.S. */
#ifndef DEV_ACCESS_H
#define DEV_ACCESS_H
#define A_STACK     0x31000000 /* RAM, RW: a stack with a known ESP */
#define A_STACK_TOP 0x31001000
#define A_BUF       0x31002000 /* RAM, RW: string-instruction buffer, filled with '#' */
#define A_RAM1      0x31004000 /* RAM, RW ... */
#define A_CON1      0x31005000 /* ... directly followed by the console registers */
#define A_CON2      0x31007000 /* console registers ... */
#define A_RAM2      0x31008000 /* ... directly followed by RAM */
#define A_XRAM      0x3100a000 /* RAM, RWX ... */
#define A_XCON      0x3100b000 /* ... directly followed by the console mapped RWX */
#define ANY         0x0badf00d /* a register value not checked */
#endif
