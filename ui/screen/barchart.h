/* barchart: a grouped bar chart written as a PNG (space bench-kernel
 * --png): one group of bars per metric, one bar per series (kernel) in
 * each group, each series in its own colour and named in a legend.
 *
 * All groups share one y axis from 0, so the caller passes values that
 * are comparable across metrics - bench-kernel passes each kernel's value
 * divided by the first kernel's, so that the baseline's bars are all 1.
 * value_labels (optional) puts other text above the bars, e.g. the raw
 * values; without it the plotted value is printed, compactly (171801 as
 * 171.8k, 0.043, 1.05).
 *
 * What it guarantees: the same chart gives the same bytes; the picture
 * grows with the number of bars, BARCHART_MIN_W..BARCHART_MAX_W pixels
 * wide; it never fails on odd data. NaN is a gap with "n/a" over it. A
 * value far above the others (more than BARCHART_OUTLIER times their
 * median, or inf) would flatten every other bar, so the axis ends under
 * it and its bar is cut at the top with a white zigzag, its label still
 * exact. A negative value has no bar, only its label. A NULL label, or a
 * NULL array of labels, draws nothing. Long labels wrap or end in an
 * ellipsis. When bars are too narrow for their labels, the labels stand
 * upright; when too narrow even for that, the values are left out.
 *
 * Colours: the Okabe-Ito palette (safe for colour-blind readers); series
 * 8 to 15 repeat it with white stripes. */
#ifndef SPACE_BARCHART_H
#define SPACE_BARCHART_H

#define BARCHART_MAX_GROUPS 64
#define BARCHART_MAX_SERIES 16
#define BARCHART_MIN_W      640
#define BARCHART_MAX_W      4096
#define BARCHART_OUTLIER    10.0

struct barchart {
    const char *title; /* one line at the top */
    const char *note;  /* one line under it, e.g. "relative to reference = 1.00; lower is better";
                          may be NULL */
    unsigned ngroups;  /* metrics: one group of bars each */
    const char *const *group_labels;
    unsigned nseries; /* kernels: one bar per group each, one colour each, a legend */
    const char *const *series_labels;
    const double *values; /* ngroups * nseries, values[g * nseries + s]; NaN = no value (drawn as a
                             gap with "n/a") */
    /* May be NULL (the values are printed). Else ngroups * nseries texts
     * printed above the bars instead, indexed like values; a NULL entry
     * prints the value. A NaN value is "n/a" whatever its label. */
    const char *const *value_labels;
};

/* Draws c and writes it to path as an RGB PNG. Returns 0, or -1 with a
 * one-line reason in err: no groups or series, more than
 * BARCHART_MAX_GROUPS or BARCHART_MAX_SERIES, no values, or the file. */
int barchart_write_png(const struct barchart *c, const char *path, char *err, unsigned errlen);

#endif
