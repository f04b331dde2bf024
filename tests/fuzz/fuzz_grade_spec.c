/* fuzz_grade_spec: any bytes as a grading spec (sim/grade/grade_spec.c).
 * A bad spec must fail with one line naming the file and the line. */
#include <stdio.h>
#include <unistd.h>

#include "sim/grade/grade_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/space-fuzz-spec-%ld.spec", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size) {
        if (f)
            fclose(f);
        return 0;
    }
    fclose(f);
    char err[512];
    struct grade_spec *spec = grade_spec_load(path, err, sizeof err);
    grade_spec_free(spec);
    remove(path);
    return 0;
}
