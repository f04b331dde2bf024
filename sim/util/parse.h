/* parse: the numbers a person writes on a command line or in a grading
 * spec - counts, and sizes with a K, M or G suffix. Shared by the space
 * commands (sim/app), the grader (sim/grade) and the devices' options
 * (devices/). */
#ifndef SPACE_PARSE_H
#define SPACE_PARSE_H

#include <stdint.h>

/* A size in bytes, with an optional K, M or G (at most 4 GiB - 1: 3G,
 * 4095M and 4194303K are the largest); 0 or -1. */
int parse_size(const char *s, uint32_t *out);
/* A decimal count; 0 or -1. */
int parse_u64(const char *s, uint64_t *out);

#endif
