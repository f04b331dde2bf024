#include "host_backends.h"

#include "image_store.h"
#include "stdio_console.h"

static struct char_source *source(void *arg, unsigned device, char *err, unsigned errlen)
{
    const struct host_backends *h = arg;
    (void)device;
    return h->keyboard ? h->keyboard : stdio_source_open(h->input, err, errlen);
}

static struct char_sink *sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    const struct host_backends *h = arg;
    (void)device;
    struct char_sink *s = stdio_sink_open(h->output ? h->output : stdout, h->also);
    if (!s)
        snprintf(err, errlen, "out of host memory");
    return s;
}

static struct block_store *store(void *arg, unsigned device, const char *name, uint64_t create_size,
                                 bool readonly, char *err, unsigned errlen)
{
    (void)arg;
    (void)device;
    return image_store_open(name, create_size, readonly, err, errlen);
}

struct backend_provider host_backends_provider(const struct host_backends *h)
{
    return (struct backend_provider){
        .arg = (void *)h, .char_source = source, .char_sink = sink, .block_store = store};
}
