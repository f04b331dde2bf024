/* Unit tests for the grade-spec parser (sim/grade/grade_spec.h): a spec
 * using every kind of line parses to the expected fields; bad specs fail
 * with the expected one-line error naming the file and line.
 * usage: unit_grade_spec DIR (for its files) */
#include "unit.h"

#include <string.h>

#include "sim/grade/grade_spec.h"

static char dir_path[400];

static const char *path_of(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir_path, name);
    return p;
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "wb");
    EXPECT(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

static const char good[] = "\xef\xbb\xbf# the scheduler's cases\n"
                           "title = Scheduler\n"
                           "max-insns = 1000   # per case\n"
                           "mem = 8M\n"
                           "expect = BasicOZ\n"
                           "\n"
                           "[case first]\n"
                           "input = exit\\n\n"
                           "points = 2.5\n"
                           "visibility = after_due_date\n"
                           "stat instructions < 500\n"
                           "lines \"a b*\" >= 2\n"
                           "exit = 7\n"
                           "\r\n"
                           "[case second-2.x]\n"
                           "kernel = k.elf\n"
                           "cmdline = \"  spaced # not a comment \"\n"
                           "disk-size = 64K\n"
                           "max-insns = 5\n"
                           "input <<END\n"
                           "line one\n"
                           "  line two\n"
                           "END\n"
                           "end = limit\n"
                           "reject-line = a\\#b*\n"
                           "reject = \" lead\"  # quoted: a leading blank\n";

static void parses(void)
{
    write_text("k.elf", "not really an ELF: the spec only checks it can be read");
    write_text("good.spec", good);
    char err[600] = "";
    struct grade_spec *sp = grade_spec_load(path_of("good.spec"), err, sizeof err);
    if (!sp)
        fprintf(stderr, "%s\n", err);
    EXPECT(sp);
    EXPECT(!strcmp(sp->title, "Scheduler") && !strcmp(sp->path, path_of("good.spec")));
    EXPECT(sp->ncases == 2);

    const struct grade_case *a = &sp->cases[0];
    EXPECT(!strcmp(a->name, "first") && a->line == 7);
    EXPECT(a->points == 2.5 && !strcmp(a->visibility, "after_due_date"));
    EXPECT(a->max_insns == 1000 && a->mem == 8u << 20); /* the defaults */
    EXPECT(a->kernel == NULL && a->cmdline == NULL && a->disk == NULL && a->disk_size == 0);
    EXPECT(!strcmp(a->input, "exit\n") && a->input_file == NULL);
    EXPECT(a->end == MACHINE_HALTED && a->exit_set && a->exit_code == 7 && a->end_at == 13);
    EXPECT(a->nchecks == 3);
    /* the defaults' check comes first, with its own line */
    EXPECT(a->checks[0].kind == CHECK_EXPECT && !strcmp(a->checks[0].text, "BasicOZ"));
    EXPECT(a->checks[0].line == 5 && !strcmp(a->checks[0].source, "expect = BasicOZ"));
    EXPECT(a->checks[1].kind == CHECK_STAT && !strcmp(a->checks[1].text, "instructions"));
    EXPECT(a->checks[1].op == OP_LT && a->checks[1].bound.n == 500 && a->checks[1].line == 11);
    EXPECT(!strcmp(a->checks[1].source, "stat instructions < 500"));
    EXPECT(a->checks[2].kind == CHECK_LINES && !strcmp(a->checks[2].text, "a b*"));
    EXPECT(a->checks[2].op == OP_GE && a->checks[2].bound.n == 2 && !a->checks[2].bound.ref);
    EXPECT(!strcmp(a->checks[2].source, "lines a b* >= 2"));

    const struct grade_case *b = &sp->cases[1];
    EXPECT(!strcmp(b->name, "second-2.x") && b->line == 15);
    EXPECT(b->points == 1 && b->visibility == NULL && b->max_insns == 5);
    EXPECT(b->kernel && !strcmp(b->kernel, path_of("k.elf"))); /* relative to the spec */
    EXPECT(!strcmp(b->cmdline, "  spaced # not a comment "));
    EXPECT(b->disk == NULL && b->disk_size == 64u << 10);
    EXPECT(!strcmp(b->input, "line one\n  line two\n"));
    EXPECT(b->end == MACHINE_LIMIT && !b->exit_set && b->end_at == 24);
    EXPECT(b->nchecks == 3);
    EXPECT(b->checks[1].kind == CHECK_REJECT_LINE && !strcmp(b->checks[1].text, "a#b*"));
    EXPECT(b->checks[2].kind == CHECK_REJECT && !strcmp(b->checks[2].text, " lead"));
    EXPECT(b->checks[2].line == 26 && !strcmp(b->checks[2].source, "reject = \" lead\""));
    grade_spec_free(sp);

    /* without a title: the file name without its extension */
    write_text("untitled.spec", "[case x]\n");
    sp = grade_spec_load(path_of("untitled.spec"), err, sizeof err);
    EXPECT(sp && !strcmp(sp->title, "untitled") && sp->ncases == 1);
    EXPECT(sp->cases[0].max_insns == GRADE_DEFAULT_MAX_INSNS &&
           sp->cases[0].mem == GRADE_DEFAULT_MEM);
    EXPECT(sp->cases[0].points == 1 && sp->cases[0].end == MACHINE_HALTED);
    EXPECT(!sp->cases[0].exit_set && sp->cases[0].nchecks == 0 && sp->cases[0].end_at == 0);
    grade_spec_free(sp);
    EXPECT(!strcmp(grade_op_name(OP_NE), "!=") &&
           !strcmp(grade_end_name(MACHINE_STOPPED), "stopped"));
}

/* Each bad spec and the error after "FILE:". */
static const struct {
    const char *text, *error;
} bad[] = {
    {"# nothing\n", "2: expected at least one '[case NAME]' section, but the file ended"},
    {"[case a]\nfrobnicate = 1\n", "2: unknown key 'frobnicate' (docs/grading.md lists the keys)"},
    {"[case a]\nmax-insns = 0\n", "2: max-insns: expected a positive instruction count, not 0"},
    {"[case a]\nmax-insns = lots\n",
     "2: max-insns: expected a positive instruction count, not 'lots'"},
    {"[case a]\nmem = 12K\n", "2: mem: expected a RAM size of 1M..3G, a multiple of 4K, not '12K'"},
    {"[case a]\ndisk-size = 100\n",
     "2: disk-size: expected a size that is a multiple of 512, such as 16M, not '100'"},
    {"[case a]\npoints = two\n",
     "2: points: expected a number of points such as 2 or 0.5, not 'two'"},
    {"[case a]\nvisibility = public\n",
     "2: visibility: expected hidden, after_due_date, after_published or visible, not 'public'"},
    {"[case a]\nend = crashed\n", "2: end: expected halted, stopped or limit, not 'crashed'"},
    {"[case a]\nexit = 4294967296\n",
     "2: exit: expected a halt code (0..4294967295), not '4294967296'"},
    {"[case a]\nexpect\n", "2: expect: expected 'expect = value'"},
    {"[case a]\ninput\n", "2: input: expected 'input = value' or '<<MARK'"},
    {"[case a]\nexpect = \"open\n", "2: expected a closing '\"' at the end of the quoted value"},
    {"[case a]\nexpect = \"x\" y\n",
     "2: expected the end of the line after the closing '\"', not 'y'"},
    {"[case a]\nexpect = a\\qb\n",
     "2: expected an escape \\n, \\t, \\r, \\\\, \\\" or \\# after '\\', not '\\q'"},
    {"[case a]\nexpect =\n", "2: expect: expected the text to look for"},
    {"[case a]\ninput <<END\nline\n", "2: input <<END: expected a line 'END' that ends the text, "
                                      "but the file ended"},
    {"[case a]\nlines x ~ 3\n", "2: lines: expected an operator < <= > >= == or !=, not '~'"},
    {"[case a]\nlines == 3\n", "2: lines: expected a pattern"},
    {"[case a]\nlines x\n", "2: expected 'lines OPERAND OP BOUND' with a pattern, an operator "
                            "(< <= > >= == !=) and a number or a bound relative to ref, not "
                            "'lines x'"},
    {"[case a]\nstat instructions < -1\n",
     "2: stat: expected a number (a non-negative integer), not '-1'"},
    {"[case a]\n\nexit = 1\nend = limit\n",
     "4: end: cannot be given with exit (line 3) in one section"},
    {"[case a]\nmem = 8M\nmem = 16M\n", "3: mem: given twice in one section (first at line 2)"},
    {"[case a]\ntitle = late\n",
     "2: title: expected before the first [case] (it is about the whole spec)"},
    {"[case a]\n[case a]\n", "2: case 'a' is defined twice (first at line 1)"},
    {"[case .hidden]\n", "1: expected a case name of letters, digits, '_', '-' and '.' (at most "
                         "64, not starting with '.'), not '.hidden'"},
    {"[section a]\n", "1: expected a section '[case NAME]', not '[section a]'"},
    {"[case a]\n= 3\n", "2: expected 'key = value', '[case NAME]' or a '#' comment, not '= 3'"},
    {"[case a]\nkernel = no-such.elf\n", "2: kernel: cannot read 'no-such.elf' ("},
};

static void errors(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_text("bad.spec", bad[i].text);
        char err[600] = "";
        struct grade_spec *sp = grade_spec_load(path_of("bad.spec"), err, sizeof err);
        char want[700];
        snprintf(want, sizeof want, "%s:%s", path_of("bad.spec"), bad[i].error);
        if (sp || strncmp(err, want, strlen(want)) != 0)
            fprintf(stderr, "spec %zu:\n  got:      %s\n  expected: %s\n", i, err, want);
        EXPECT(!sp && !strncmp(err, want, strlen(want)));
        EXPECT(!strchr(err, '\n')); /* one line */
    }
    char err[600];
    EXPECT(!grade_spec_load(path_of("no-such.spec"), err, sizeof err));
    EXPECT(strstr(err, "no-such.spec") && strstr(err, "cannot open grade spec"));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: unit_grade_spec DIR\n");
        return 2;
    }
    snprintf(dir_path, sizeof dir_path, "%s", argv[1]);
    parses();
    errors();
    puts("grade_spec: ok");
    return 0;
}
