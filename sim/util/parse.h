/* parse: the numbers a person writes on a command line or in a grading
 * spec - counts, and sizes with a K, M or G suffix. Shared by the space
 * commands (sim/app) and the grader (sim/grade). */
#ifndef SPACE_PARSE_H
#define SPACE_PARSE_H

#include <stdint.h>

/* A size in bytes, with an optional K, M or G (at most 4 GiB - 1); 0 or -1. */
int parse_size(const char *s, uint32_t *out);
/* A decimal count; 0 or -1. */
int parse_u64(const char *s, uint64_t *out);

#endif
