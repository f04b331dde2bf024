/* sh.c - the BasicOZ shell.
 *
 * A loop: print the prompt, read a line, split it into words, run it.
 *   - builtins (exit [status], ps, help) run inside the shell itself;
 *   - anything else is a program: spawn it, then wait for it to finish
 *     (foreground) or, with a trailing "&", don't wait (background).
 * A finished child stays a ZOMBIE until its parent collects it with wait,
 * so the shell reaps finished background jobs before every prompt. */
#include "ulib.h"

#define MAXLINE 128
#define MAXARGS 16 /* the kernel's limit for spawn */

/* The line is read one byte per read() call: slower than reading a block,
 * but the shell never swallows input that follows the newline, which a
 * program we start next may want to read. Returns the length, or -1 at the
 * end of input when nothing was read. */
static int read_line(char *buf, int size)
{
    int n = 0, too_long = 0;
    char c;
    for (;;) {
        if (read(0, &c, 1) <= 0) { /* end of input (or an error) */
            if (n == 0 && !too_long)
                return -1;
            break;
        }
        if (c == '\n')
            break;
        if (n < size - 1)
            buf[n++] = c;
        else
            too_long = 1; /* keep reading to the '\n' */
    }
    buf[n] = '\0';
    if (too_long) { /* ignore the whole line */
        printf("sh: line too long (at most %d characters)\n", size - 1);
        buf[0] = '\0';
        return 0;
    }
    return n;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Cuts the line into words in place (the spaces become '\0') and points
 * argv at them; argv ends with NULL as spawn expects. */
static int split(char *p, char **argv)
{
    int argc = 0;
    for (;;) {
        while (is_space(*p))
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == MAXARGS)
            return -1;
        argv[argc++] = p;
        while (*p && !is_space(*p))
            p++;
    }
    argv[argc] = NULL;
    return argc;
}

static void report_done(int pid, int status)
{
    printf("[%d] done (status %d)\n", pid, status);
}

/* Collects every child that has already finished, without blocking. */
static void reap_background(void)
{
    int pid, status;
    while ((pid = wait(-1, &status, WNOHANG)) > 0)
        report_done(pid, status);
}

/* ps: one line per process. INSNS is its CPU time, the instructions SPACE
 * charged to its PCB chain; shortened with a k/M/G... suffix (rounded
 * down) so that it fits its column. With several CPUs, CPU is the one it
 * runs on (RUNNING) or last ran on ("-": not yet); with one, the column
 * would always say 0 and is left out. */
static void ps(void)
{
    static const char *states[] = {"READY", "RUNNING", "BLOCKED", "ZOMBIE"};
    struct procinfo p[32];
    int n = procs(p, 32);
    if (n < 0) {
        printf("ps: procs failed\n");
        return;
    }
    int smp = ncpus() > 1;
    printf(smp ? "  PID  PPID CPU STATE    INSNS NAME\n" : "  PID  PPID STATE    INSNS NAME\n");
    for (int i = 0; i < n; i++) {
        char cpu[5] = ""; /* "%3d " or "  - " (one printf per line: one write) */
        if (smp) {
            int c = p[i].cpu;
            cpu[0] = ' ';
            cpu[1] = c >= 10 ? (char)('0' + c / 10 % 10) : ' ';
            cpu[2] = c >= 0 ? (char)('0' + c % 10) : '-';
            cpu[3] = ' ';
            cpu[4] = '\0';
        }
        char name[17];               /* the kernel's name may fill */
        memcpy(name, p[i].name, 16); /* all 16 bytes: add a '\0'   */
        name[16] = '\0';
        const char *state = p[i].state >= 0 && p[i].state <= 3 ? states[p[i].state] : "?";
        unsigned long long insns = (unsigned long long)p[i].insns_hi << 32 | p[i].insns_lo;
        int unit = 0;
        while (insns >= (unit ? 100000u : 1000000u)) {
            insns /= 1000;
            unit++;
        }
        if (unit == 0)
            printf("%5d %5d %s%-7s %6u %s\n", p[i].pid, p[i].ppid, cpu, state, (unsigned)insns,
                   name);
        else
            printf("%5d %5d %s%-7s %5u%c %s\n", p[i].pid, p[i].ppid, cpu, state, (unsigned)insns,
                   " kMGTPE"[unit], name);
    }
}

/* help: the builtins, then the programs the kernel knows (progs). */
static void help(void)
{
    char buf[1024];
    printf("builtins:\n"
           "  exit [status]   leave the shell\n"
           "  ps              list the processes\n"
           "  help            this text\n"
           "programs (add & at the end to run one in the background):\n");
    int n = progs(buf, sizeof buf - 1);
    if (n < 0) {
        printf("  (progs failed)\n");
        return;
    }
    buf[n] = '\0';
    for (char *name = buf; *name;) { /* "name\n" after "name\n" */
        char *end = name;
        while (*end && *end != '\n')
            end++;
        if (*end)
            *end++ = '\0';
        printf("  %s\n", name);
        name = end;
    }
}

/* Starts a program; waits for it unless it runs in the background. */
static void run(char **argv, int background)
{
    int pid = spawn(argv[0], argv);
    if (pid < 0) {
        if (pid == -2)
            printf("sh: %s: cannot start (out of memory or processes)\n", argv[0]);
        else
            printf("sh: %s: no such program\n", argv[0]);
        return;
    }
    if (background) {
        printf("[%d] started\n", pid);
        return;
    }
    /* wait for any child: a background job that ends first is reported
     * (and reaped) right away, then we go on waiting for ours */
    for (;;) {
        int status, done = wait(-1, &status, 0);
        if (done == pid || done < 0)
            break;
        report_done(done, status);
    }
}

int main(void)
{
    char line[MAXLINE];
    char *argv[MAXARGS + 1];
    for (;;) {
        reap_background();
        putstr(1, "basicoz$ ");
        if (read_line(line, sizeof line) < 0)
            exit(0); /* end of input */
        int argc = split(line, argv);
        if (argc < 0) {
            printf("sh: too many words (at most %d)\n", MAXARGS);
            continue;
        }
        /* a trailing "&", alone or glued to the last word: background */
        int background = 0;
        if (argc > 0) {
            char *last = argv[argc - 1];
            size_t len = strlen(last);
            if (last[len - 1] == '&') {
                background = 1;
                last[len - 1] = '\0';
                if (len == 1)
                    argv[--argc] = NULL;
            }
        }
        if (argc == 0)
            continue;
        if (strcmp(argv[0], "exit") == 0)
            exit(argc > 1 ? atoi(argv[1]) : 0);
        else if (strcmp(argv[0], "ps") == 0)
            ps();
        else if (strcmp(argv[0], "help") == 0)
            help();
        else
            run(argv, background);
    }
}
