#include "parse.h"

#include <errno.h>
#include <stdlib.h>

int parse_size(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return -1;
    static const struct {
        char suffix;
        unsigned shift;
    } units[] = {{'K', 10}, {'k', 10}, {'M', 20}, {'m', 20}, {'G', 30}, {'g', 30}};
    unsigned shift = 0;
    for (unsigned i = 0; i < sizeof units / sizeof units[0]; i++)
        if (*end == units[i].suffix) {
            shift = units[i].shift;
            end++;
            break;
        }
    if (*end || v > (UINT32_MAX >> shift))
        return -1;
    *out = (uint32_t)(v << shift);
    return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}
