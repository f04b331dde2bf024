/* config: the devices' configuration - the options the command line (or a
 * recording) gave, as names and values, checked against the options every
 * kind declares - and lookups in the kinds' tables. Declared in device.h. */
#include <stdlib.h>
#include <string.h>

#include "device.h"

struct setting {
    char *name, *value;
};

struct device_config {
    struct setting *set;
    unsigned n;
};

struct device_config *device_config_new(void)
{
    return calloc(1, sizeof(struct device_config));
}

void device_config_free(struct device_config *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->n; i++) {
        free(c->set[i].name);
        free(c->set[i].value);
    }
    free(c->set);
    free(c);
}

static char *copy(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    return d ? strcpy(d, s) : NULL;
}

const struct device_option *device_option_find(const char *name)
{
    for (unsigned k = 0; device_kinds[k]; k++)
        for (const struct device_option *o = device_kinds[k]->options; o && o->name; o++)
            if (!strcmp(o->name, name))
                return o;
    return NULL;
}

int device_config_set(struct device_config *c, const char *name, const char *value, char *err,
                      unsigned errlen)
{
    const struct device_option *o = device_option_find(name);
    if (!o) {
        snprintf(err, errlen, "no device has an option --%s", name);
        return -1;
    }
    if (o->metavar && !value) {
        snprintf(err, errlen, "--%s needs a value (%s)", name, o->metavar);
        return -1;
    }
    if (!o->metavar && value) {
        snprintf(err, errlen, "--%s takes no value", name);
        return -1;
    }
    char *v = copy(value ? value : "");
    if (!v) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    for (unsigned i = 0; i < c->n; i++)
        if (!strcmp(c->set[i].name, name)) {
            free(c->set[i].value);
            c->set[i].value = v;
            return 0;
        }
    struct setting *set = realloc(c->set, (c->n + 1) * sizeof *set);
    char *n = copy(name);
    if (set)
        c->set = set;
    if (!set || !n) {
        free(v);
        free(n);
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    c->set[c->n++] = (struct setting){n, v};
    return 0;
}

const char *device_config_get(const struct device_config *c, const char *name)
{
    for (unsigned i = 0; c && i < c->n; i++)
        if (!strcmp(c->set[i].name, name))
            return c->set[i].value;
    return NULL;
}

int device_config_check(const struct device_config *c, char *err, unsigned errlen)
{
    for (unsigned k = 0; device_kinds[k]; k++)
        if (device_kinds[k]->check && device_kinds[k]->check(c, err, errlen) != 0)
            return -1;
    return 0;
}

const struct device_reg *device_reg_at(const struct device_kind *kind, uint32_t offset)
{
    for (const struct device_reg *r = kind->registers; r && r->name; r++)
        if (r->offset == offset)
            return r;
    return NULL;
}
