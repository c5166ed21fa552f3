/* test_chartlayout.c - axis scales, tick labels, label fitting and ellipsis,
 * legends, bars, value labels, histogram bins and doughnut slices.
 *
 * Every expected number is worked out by hand from the rules in chartlayout.h
 * (Heckbert: range = nice(hi - lo, ceil), step = nice(range / (ticks - 1),
 * round), ends = floor/ceil to the step); the derivation is in the comments.
 */
#include "csmreport/chartlayout.h"
#include "unit.h"

#include <math.h>

#define NB "\xC2\xA0"
#define NN "\xE2\x80\xAF"
#define ELL "\xE2\x80\xA6"

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static bool rect_is(cr_rect r, double x, double y, double w, double h)
{
    return near(r.x, x) && near(r.y, y) && near(r.w, w) && near(r.h, h);
}

static void test_nice_number(void)
{
    static const struct {
        double x;
        bool round;
        double want;
    } t[] = {
        {1, false, 1},       {1, true, 1},         {1.4, true, 1},     {1.5, true, 2},
        {2.5, true, 2},      {2.9, true, 2},       {3, true, 5},       {6.9, true, 5},
        {7, true, 10},       {1.1, false, 2},      {2, false, 2},      {2.1, false, 5},
        {5, false, 5},       {5.1, false, 10},     {0.3, false, 0.5},  {0.3, true, 0.5},
        {0.25, true, 0.2},   {1234, false, 2000},  {1234, true, 1000}, {1e-9, false, 1e-9},
        {2.5e-10, true, 2e-10}, {1e12, true, 1e12}, {9.99e11, false, 1e12},
        {1000, false, 1000}, {0.001, false, 0.001}, {0, true, 0},      {-5, false, 0},
        {NAN, true, 0},      {INFINITY, false, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        CHECK(cr_chartlayout_nice_number(t[i].x, t[i].round) == t[i].want,
              "nice_number(%g, %s) = %g", t[i].x, t[i].round ? "round" : "ceil", t[i].want);
}

#define Z CR_AXIS_INCLUDE_ZERO
#define P CR_AXIS_PERCENT

static void test_axis(void)
{
    static const double none[1] = {0};
    static const struct {
        const char *name;
        double v[5];
        size_t n;
        unsigned flags;
        int target;
        double min, max, step;
        int ticks, decimals;
        bool no_data;
    } t[] = {
        /* 0..12: range nice(12)=20, step nice(5)=5, max ceil(2.4)*5 */
        {"bars 3 7 12", {3, 7, 12}, 3, Z, 5, 0, 15, 5, 4, 0, false},
        /* 0.3..0.7: range 0.5, step nice(0.125)=0.1 */
        {"0.3..0.7", {0.3, 0.7}, 2, 0, 5, 0.3, 0.7, 0.1, 5, 1, false},
        /* one value 42: 0..42, range 50, step 10 */
        {"single 42", {42}, 1, 0, 5, 0, 50, 10, 6, 0, false},
        {"single -42", {-42}, 1, 0, 5, -50, 0, 10, 6, 0, false},
        /* all zeros: 0..1, step 0.2 */
        {"all zeros", {0, 0, 0}, 3, Z, 5, 0, 1, 0.2, 6, 1, false},
        /* -17..0: range 20, step 5, min floor(-3.4)=-4 steps */
        {"negative with zero", {-3, -17}, 2, Z, 5, -20, 0, 5, 5, 0, false},
        {"negative no zero", {-3, -17}, 2, 0, 5, -20, 0, 5, 5, 0, false},
        /* -180..-120: range nice(60)=100, step nice(25)=20 */
        {"negative far", {-120, -180}, 2, 0, 5, -180, -120, 20, 4, 0, false},
        /* -35..80: range nice(115)=200, step 50, -50..100 */
        {"mixed sign", {-35, 80}, 2, Z, 5, -50, 100, 50, 4, 0, false},
        /* tiny: range 1e-9, step nice(2.5e-10)=2e-10 */
        {"tiny", {0, 1e-9}, 2, Z, 5, 0, 1e-9, 2e-10, 6, 10, false},
        {"huge", {0, 1e12}, 2, Z, 5, 0, 1e12, 2e11, 6, 0, false},
        /* 1e12..1.3e12: range nice(3e11)=5e11, step 1e11 */
        {"huge offset", {1e12, 1.3e12}, 2, 0, 5, 1e12, 1.3e12, 1e11, 4, 0, false},
        {"non-finite ignored", {NAN, 5, INFINITY, 2, -INFINITY}, 5, Z, 5, 0, 5, 1, 6, 0, false},
        {"empty", {0}, 0, Z, 5, 0, 1, 0.2, 6, 1, true},
        {"all NaN", {NAN, NAN}, 2, Z, 5, 0, 1, 0.2, 6, 1, true},
        /* percent 0.05..0.97 with zero: range 1, step 0.2 -> 0..100 % */
        {"percent near 1", {0.05, 0.97}, 2, Z | P, 5, 0, 1, 0.2, 6, 0, false},
        /* 0..0.062: range 0.1, step nice(0.025)=0.02, max 0.08 */
        {"percent rma", {0.062, 0.05}, 2, Z | P, 5, 0, 0.08, 0.02, 5, 0, false},
        /* 0..0.012: range 0.02, step 0.005 = 0.5 % -> 1 decimal */
        {"percent small", {0.001, 0.012}, 2, Z | P, 5, 0, 0.015, 0.005, 4, 1, false},
        /* 0.93..0.99: range 0.1, step 0.02, 0.92..1.00 */
        {"percent high band", {0.93, 0.99}, 2, P, 5, 0.92, 1, 0.02, 5, 0, false},
        {"percent single 1", {1.0}, 1, P, 5, 0, 1, 0.2, 6, 0, false},
        {"percent empty", {0}, 0, Z | P, 5, 0, 1, 0.2, 6, 0, true},
        /* target 10: step nice(100/9)=10 */
        {"target 10", {0, 100}, 2, Z, 10, 0, 100, 10, 11, 0, false},
        {"target 0 = 5", {0, 100}, 2, Z, 0, 0, 100, 20, 6, 0, false},
        /* capped at 50 ticks: step nice(1/49)=0.02 */
        {"target 100", {0, 1}, 2, Z, 100, 0, 1, 0.02, 51, 2, false},
        /* binary noise at the top end does not add a tick */
        {"0.1+0.2", {0, 0.1 + 0.2}, 2, Z, 5, 0, 0.3, 0.1, 4, 1, false},
        /* narrow band far from zero: range 0.5, step 0.1 */
        {"narrow band", {1000000, 1000000.5}, 2, 0, 5, 1000000, 1000000.5, 0.1, 6, 1, false},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cr_axis a;
        cr_chartlayout_axis(t[i].n ? t[i].v : none, t[i].n, t[i].flags, t[i].target, &a);
        CHECK(a.min == t[i].min && a.max == t[i].max && near(a.step, t[i].step) &&
                  a.ticks == t[i].ticks && a.decimals == t[i].decimals &&
                  a.no_data == t[i].no_data && a.percent == ((t[i].flags & P) != 0),
              "axis %s: %g..%g step %g ticks %d decimals %d (got %.17g..%.17g step %g "
              "ticks %d decimals %d)",
              t[i].name, t[i].min, t[i].max, t[i].step, t[i].ticks, t[i].decimals, a.min,
              a.max, a.step, a.ticks, a.decimals);
    }
    cr_axis a;
    cr_chartlayout_axis(NULL, 0, 0, 5, &a);
    CHECK(a.no_data && a.min == 0 && a.max == 1, "axis NULL values is no data");
    /* reversed ends: 0..10, step nice(2.5)=2 */
    cr_chartlayout_axis_range(10, 0, 0, 5, &a);
    CHECK(a.min == 0 && a.max == 10 && a.step == 2 && a.ticks == 6, "axis_range reversed");
    /* one end NaN: 7 alone, with zero: 0..7, range 10, step 2, max 8 */
    cr_chartlayout_axis_range(NAN, 7, Z, 5, &a);
    CHECK(a.min == 0 && a.max == 8 && a.step == 2 && a.ticks == 5, "axis_range NaN end");
    /* extremes stay finite and sane */
    cr_chartlayout_axis_range(-1e308, 1e308, Z, 5, &a);
    CHECK(isfinite(a.min) && isfinite(a.max) && a.min < 0 && a.max > 0 && a.ticks >= 2 &&
              a.ticks <= 12,
          "axis_range +-1e308 stays finite");
    {
        static const double denormal[] = {1e-310};
        cr_chartlayout_axis(denormal, 1, 0, 5, &a);
        CHECK(a.min == 0 && a.max == 1 && a.step == 0.2, "axis of a denormal is the zero axis");
    }
    /* 5 and 5 + 1e-15: one value shown against zero (range 5, step 1) */
    cr_chartlayout_axis_range(5, 5 + 1e-15, 0, 5, &a);
    CHECK(a.min == 0 && a.max == 5 && a.step == 1, "axis range lost in rounding is one value");
    cr_chartlayout_axis_range(NAN, -INFINITY, Z, 5, &a);
    CHECK(a.no_data && a.max == 1, "axis_range both non-finite");
    CHECK(a.step_mantissa == 2 && a.step_exponent == -1, "axis step as mantissa/exponent");
}

static void test_ticks(void)
{
    cr_axis a;
    double v[16];
    static const double a1[] = {0.3, 0.4, 0.5, 0.6, 0.7};
    static const double a2[] = {0, 2e-10, 4e-10, 6e-10, 8e-10, 1e-9};
    static const double a3[] = {-180, -160, -140, -120};
    static const double a4[] = {0.92, 0.94, 0.96, 0.98, 1.0};
    int n;

    cr_chartlayout_axis_range(0.3, 0.7, 0, 5, &a);
    n = cr_chartlayout_axis_ticks(&a, v, 16);
    CHECK_INT(n, 5, "ticks 0.3..0.7 count");
    for (int i = 0; i < 5; i++)
        CHECK(v[i] == a1[i], "tick %d of 0.3..0.7 is exactly %g", i, a1[i]);

    cr_chartlayout_axis_range(0, 1e-9, Z, 5, &a);
    n = cr_chartlayout_axis_ticks(&a, v, 16);
    CHECK_INT(n, 6, "ticks tiny count");
    for (int i = 0; i < 6; i++)
        CHECK(v[i] == a2[i], "tick %d of tiny axis is exactly %g", i, a2[i]);

    cr_chartlayout_axis_range(-120, -180, 0, 5, &a);
    n = cr_chartlayout_axis_ticks(&a, v, 16);
    for (int i = 0; i < 4 && i < n; i++)
        CHECK(v[i] == a3[i], "tick %d of negative axis is %g", i, a3[i]);

    cr_chartlayout_axis_range(0.93, 0.99, P, 5, &a);
    cr_chartlayout_axis_ticks(&a, v, 16);
    for (int i = 0; i < 5; i++)
        CHECK(v[i] == a4[i], "tick %d of percent axis is exactly %g", i, a4[i]);

    v[2] = -1;
    n = cr_chartlayout_axis_ticks(&a, v, 2);
    CHECK(n == 5 && v[2] == -1, "ticks respects cap and returns the full count");
}

static void test_tick_labels(void)
{
    static const struct {
        const char *name;
        double lo, hi;
        unsigned flags;
        cr_locale loc;
        bool compact;
        int tick;
        const char *want;
    } t[] = {
        {"0.3..0.7 en", 0.3, 0.7, 0, CR_LOCALE_EN, false, 1, "0.4"},
        {"0.3..0.7 fr", 0.3, 0.7, 0, CR_LOCALE_FR, false, 0, "0,3"},
        {"0..15", 0, 12, Z, CR_LOCALE_EN, false, 2, "10"},
        /* 0..2500: range 5000, step 1000, max 3000 */
        {"thousands en", 0, 2500, Z, CR_LOCALE_EN, false, 1, "1,000"},
        {"thousands fr", 0, 2500, Z, CR_LOCALE_FR, false, 3, "3" NN "000"},
        {"thousands nb", 0, 2500, Z, CR_LOCALE_NB, false, 2, "2" NB "000"},
        /* percent step 0.5 % */
        {"percent 0.5 en", 0.001, 0.012, Z | P, CR_LOCALE_EN, false, 1, "0.5%"},
        {"percent 0.5 fr", 0.001, 0.012, Z | P, CR_LOCALE_FR, false, 3, "1,5" NN "%"},
        {"percent 0 en", 0.001, 0.012, Z | P, CR_LOCALE_EN, false, 0, "0.0%"},
        {"percent 20 en", 0.05, 0.97, Z | P, CR_LOCALE_EN, false, 1, "20%"},
        {"percent 100 nb", 0.05, 0.97, Z | P, CR_LOCALE_NB, false, 5, "100" NB "%"},
        {"percent 6 ja", 0.05, 0.062, Z | P, CR_LOCALE_JA, false, 3, "6%"},
        /* 0..3e6: step 1e6 */
        {"compact en", 0, 3e6, Z, CR_LOCALE_EN, true, 2, "2M"},
        {"compact en zero", 0, 3e6, Z, CR_LOCALE_EN, true, 0, "0"},
        {"compact ja", 0, 3e6, Z, CR_LOCALE_JA, true, 1, "100\xE4\xB8\x87"},
        {"compact off", 0, 3e6, Z, CR_LOCALE_EN, false, 1, "1,000,000"},
        /* 0..1.8e6: range 2e6, step 5e5 -> one decimal in millions */
        {"compact half en", 0, 1.8e6, Z, CR_LOCALE_EN, true, 1, "0.5M"},
        {"compact half fr", 0, 1.8e6, Z, CR_LOCALE_FR, true, 2, "1,0" NB "M"},
        {"compact half nb", 0, 1.8e6, Z, CR_LOCALE_NB, true, 3, "1,5" NB "mill."},
        /* 0..900000: range 1e6, step 2e5, max 1e6: the axis reaches 1e6 */
        {"compact axis to 1e6", 0, 900000, Z, CR_LOCALE_EN, true, 1, "0.2M"},
        /* 0..400000: range 5e5, step 1e5 */
        {"compact below 1e6", 0, 400000, Z, CR_LOCALE_EN, true, 2, "200,000"},
        {"tiny", 0, 1e-9, Z, CR_LOCALE_EN, false, 1, "0.0000000002"},
        {"negative", -35, 80, Z, CR_LOCALE_EN, false, 0, "-50"},
        {"negative fr", -35, 80, Z, CR_LOCALE_FR, false, 0, "\xE2\x88\x92" "50"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cr_axis a;
        cr_chartlayout_axis_range(t[i].lo, t[i].hi, t[i].flags, 5, &a);
        cr_chartlayout_tick_label(&a, cr_chartlayout_axis_tick(&a, t[i].tick), t[i].loc,
                                  t[i].compact, buf, sizeof buf);
        CHECK_STR(buf, t[i].want, "tick_label %s", t[i].name);
    }
}

static void test_value_position(void)
{
    cr_axis a;
    cr_rect plot = {10, 20, 150, 150};

    cr_chartlayout_axis_range(0, 12, Z, 5, &a); /* 0..15 */
    CHECK(near(cr_chartlayout_value_y(&a, plot, 0), 170), "value_y 0 at the bottom");
    CHECK(near(cr_chartlayout_value_y(&a, plot, 15), 20), "value_y max at the top");
    CHECK(near(cr_chartlayout_value_y(&a, plot, 7.5), 95), "value_y middle");
    CHECK(near(cr_chartlayout_value_x(&a, plot, 5), 60), "value_x one third");
    CHECK(near(cr_chartlayout_band_center((cr_rect){10, 0, 300, 10}, 3, 1), 160),
          "band_center");
}

static void test_fit_labels(void)
{
    static const struct {
        const char *name;
        double w[10];
        size_t n;
        double band, line, depth;
        cr_label_mode mode;
        bool rotated;
        int every;
        double max_width;
    } t[] = {
        /* (30+40)/2+4 = 39 <= 50 and (40+20)/2+4 = 34 */
        {"horizontal", {30, 40, 20}, 3, 50, 10, 0, CR_LABELS_HORIZONTAL, false, 1, 40},
        /* 80 next to 10: (80+10)/2+4 = 49 <= 50 */
        {"wide beside narrow", {80, 10, 80}, 3, 50, 10, 0, CR_LABELS_HORIZONTAL, false, 1, 80},
        /* 60+4 > 50; rotated needs (10+4)*sqrt2 = 19.8 <= 50 */
        {"rotated", {60, 60, 60, 60}, 4, 50, 10, 0, CR_LABELS_ROTATED, true, 1, 60},
        /* depth 30 allows 30*sqrt2 - 10 = 32.43 */
        {"rotated with depth", {60, 60, 60, 60}, 4, 50, 10, 30, CR_LABELS_ROTATED, true, 1,
         30 * 1.4142135623730951 - 10},
        /* band 15 < 19.8; k=2: horizontal 34 > 30, rotated 30 >= 19.8 */
        {"skip rotated 2", {30, 30, 30, 30, 30, 30}, 6, 15, 10, 0, CR_LABELS_SKIP, true, 2, 30},
        /* rotated needs 16*sqrt2 = 22.6; k=2: horizontal 24 <= 30 wins the tie */
        {"skip horizontal 2", {20, 20, 20, 20, 20}, 5, 15, 12, 0, CR_LABELS_SKIP, false, 2, 20},
        /* band 5: k=4 is the first with 4*5 >= 19.8 (horizontal needs 44) */
        {"skip rotated 4", {40, 40, 40, 40, 40, 40, 40, 40, 40, 40}, 10, 5, 10, 0,
         CR_LABELS_SKIP, true, 4, 40},
        {"single", {500}, 1, 100, 10, 0, CR_LABELS_HORIZONTAL, false, 1, 100},
        {"none", {0}, 0, 100, 10, 0, CR_LABELS_HORIZONTAL, false, 1, 100},
        {"NaN width", {NAN, 10, 10}, 3, 20, 10, 0, CR_LABELS_HORIZONTAL, false, 1, 10},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cr_label_fit f;
        cr_chartlayout_fit_labels(t[i].w, t[i].n, t[i].band, t[i].line, t[i].depth, &f);
        CHECK(f.mode == t[i].mode && f.rotated == t[i].rotated && f.every == t[i].every &&
                  near(f.max_width, t[i].max_width),
              "fit_labels %s (got mode %d rotated %d every %d max_width %g)", t[i].name,
              (int)f.mode, (int)f.rotated, f.every, f.max_width);
    }
}

static int measure_calls;

/* 6 points per code point, as a monospaced font would give. */
static double measure6(const char *s, size_t len, void *ctx)
{
    double w = 0;
    (void)ctx;
    measure_calls++;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            w += 6;
    return w;
}

static void test_ellipsize(void)
{
    static const struct {
        const char *text;
        double max;
        size_t out_size;
        const char *want;
    } t[] = {
        {"Headsets", 60, 64, "Headsets"},
        {"Headsets", 48, 64, "Headsets"},              /* exactly fits */
        {"Headsets", 47, 64, "Headse" ELL},            /* 6 x (6 + 1) = 42 */
        {"Video conferencing", 42, 64, "Video" ELL},   /* trailing space dropped */
        {"R\xC3\xA9union", 30, 64, "R\xC3\xA9un" ELL}, /* 4 code points + ellipsis */
        {"\xE4\xBC\x9A\xE8\xAD\xB0\xE5\xAE\xA4\xE3\x81\xAE\xE7\xAB\xAF\xE6\x9C\xAB", 25, 64,
         "\xE4\xBC\x9A\xE8\xAD\xB0\xE5\xAE\xA4" ELL}, /* 会議室の端末 -> 会議室… */
        {"Headsets", 6, 64, ELL},
        {"Headsets", 5, 64, ""},
        {"", 0, 64, ""},
        {"Headsets", 100, 6, "He" ELL}, /* the buffer is the limit */
        {"Headsets", 100, 3, ""},
    };
    char out[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t n = cr_chartlayout_ellipsize(t[i].text, strlen(t[i].text), t[i].max, measure6,
                                            NULL, out, t[i].out_size);
        CHECK_STR(out, t[i].want, "ellipsize '%s' in %g pt, %zu bytes", t[i].text, t[i].max,
                  t[i].out_size);
        CHECK_INT(n, strlen(t[i].want), "ellipsize '%s' in %g pt length", t[i].text,
                  t[i].max);
    }
    {
        char longtext[1001];
        memset(longtext, 'x', 1000);
        longtext[1000] = '\0';
        measure_calls = 0;
        size_t n = cr_chartlayout_ellipsize(longtext, 1000, 60, measure6, NULL, out,
                                            sizeof out);
        CHECK(n == 12 && memcmp(out, "xxxxxxxxx" ELL, 12) == 0, "ellipsize long text");
        CHECK(measure_calls <= 14, "ellipsize measures O(log n) times (%d)", measure_calls);
    }
    CHECK_INT(cr_chartlayout_ellipsize("abc", 3, 100, measure6, NULL, out, 0), 0,
              "ellipsize out_size 0");
}

static void test_legend(void)
{
    cr_rect area = {0, 0, 400, 300};
    cr_legend_layout L;
    cr_point p[8];

    {
        static const double w[] = {60, 80, 50};
        cr_chartlayout_legend(area, w, 3, 12, CR_LEGEND_AUTO, &L, p);
        CHECK(L.right && L.rows == 3, "legend auto picks right");
        CHECK(rect_is(L.box, 320, 128, 80, 44), "legend right box");
        CHECK(rect_is(L.plot, 0, 0, 312, 300), "legend right plot");
        CHECK(near(p[0].x, 320) && near(p[0].y, 128) && near(p[1].y, 144) &&
                  near(p[2].y, 160),
              "legend right positions");
    }
    {
        static const double w[] = {150, 150, 150};
        cr_chartlayout_legend(area, w, 3, 12, CR_LEGEND_AUTO, &L, p);
        CHECK(!L.right && L.rows == 2, "legend auto wide entries go to the bottom");
        CHECK(rect_is(L.box, 46, 272, 308, 28), "legend bottom box");
        CHECK(rect_is(L.plot, 0, 0, 400, 264), "legend bottom plot");
        CHECK(near(p[0].x, 46) && near(p[0].y, 272) && near(p[1].x, 204) &&
                  near(p[1].y, 272) && near(p[2].x, 125) && near(p[2].y, 288),
              "legend bottom positions wrap and centre");
    }
    {
        static const double w[] = {60, 80, 50};
        cr_chartlayout_legend(area, w, 3, 12, CR_LEGEND_BOTTOM, &L, p);
        CHECK(!L.right && L.rows == 1 && rect_is(L.plot, 0, 0, 400, 280),
              "legend forced bottom");
        CHECK(near(p[0].x, 97) && near(p[1].x, 165) && near(p[2].x, 253) && near(p[0].y, 288),
              "legend forced bottom positions");
    }
    {
        static const double w[] = {150};
        cr_chartlayout_legend(area, w, 1, 12, CR_LEGEND_RIGHT, &L, p);
        CHECK(L.right && rect_is(L.plot, 0, 0, 242, 300) && near(p[0].x, 250) &&
                  near(p[0].y, 144),
              "legend forced right");
    }
    {
        cr_chartlayout_legend(area, NULL, 0, 12, CR_LEGEND_AUTO, &L, NULL);
        CHECK(rect_is(L.plot, 0, 0, 400, 300) && L.rows == 0 && L.box.w == 0 && L.box.h == 0,
              "legend without entries");
    }
    {
        static const double w[] = {40, 40, 40, 40, 40};
        cr_rect low = {0, 0, 400, 50};
        cr_chartlayout_legend(low, w, 5, 12, CR_LEGEND_AUTO, &L, p);
        CHECK(!L.right && L.rows == 1 && near(p[0].x, 84) && near(p[0].y, 38) &&
                  rect_is(L.plot, 0, 0, 400, 30),
              "legend column too tall goes to the bottom");
    }
    {
        static const double w[] = {150, 20};
        cr_rect narrow = {10, 0, 100, 100};
        cr_chartlayout_legend(narrow, w, 2, 12, CR_LEGEND_BOTTOM, &L, p);
        CHECK(L.rows == 2 && near(L.box.w, 100) && near(L.box.x, 10) && near(p[0].x, 10) &&
                  near(p[1].x, 50),
              "legend entry wider than the area gets its own row");
    }
}

static void test_bars(void)
{
    cr_axis a;
    cr_rect r[8];

    cr_chartlayout_axis_range(0, 12, Z, 5, &a); /* 0..15 */
    {
        static const double v[] = {3, 7, 12};
        cr_chartlayout_bars(v, 3, 1, CR_BARS_GROUPED, &a, (cr_rect){0, 0, 300, 150}, 0.5, r);
        CHECK(rect_is(r[0], 25, 120, 50, 30) && rect_is(r[1], 125, 80, 50, 70) &&
                  rect_is(r[2], 225, 30, 50, 120),
              "bars one series");
    }
    {
        static const double v[] = {3, 6, 9, 12};
        cr_chartlayout_bars(v, 2, 2, CR_BARS_GROUPED, &a, (cr_rect){0, 0, 300, 150}, 0.8, r);
        CHECK(rect_is(r[0], 15, 120, 60, 30) && rect_is(r[1], 75, 90, 60, 60) &&
                  rect_is(r[2], 165, 60, 60, 90) && rect_is(r[3], 225, 30, 60, 120),
              "bars grouped two series");
    }
    {
        static const double v[] = {20, NAN};
        cr_chartlayout_bars(v, 2, 1, CR_BARS_GROUPED, &a, (cr_rect){0, 0, 100, 150}, 1, r);
        CHECK(rect_is(r[0], 0, 0, 50, 150), "bar beyond the axis is clamped to the plot");
        CHECK(rect_is(r[1], 50, 150, 50, 0), "NaN bar is flat on the zero line");
    }
    {
        static const double v[] = {5};
        cr_chartlayout_bars(v, 1, 1, CR_BARS_GROUPED, &a, (cr_rect){0, 0, 100, 150}, 0, r);
        CHECK(near(r[0].x, 15) && near(r[0].w, 70), "bar fill 0 means CR_BAR_FILL");
    }
    /* -50..100 in a 150 pt plot: y = 100 - v */
    cr_chartlayout_axis_range(-35, 80, Z, 5, &a);
    {
        static const double v[] = {80, -35};
        cr_chartlayout_bars(v, 2, 1, CR_BARS_GROUPED, &a, (cr_rect){0, 0, 100, 150}, 1, r);
        CHECK(rect_is(r[0], 0, 20, 50, 80) && rect_is(r[1], 50, 100, 50, 35),
              "bars mixed sign: negative below the zero line");
    }
    {
        static const double v[] = {4, 6, -2, 5, NAN, -3};
        double lo, hi;
        cr_chartlayout_stack_extent(v, 2, 3, &lo, &hi);
        CHECK(lo == -3 && hi == 10, "stack_extent");
        cr_chartlayout_axis_range(lo, hi, Z, 5, &a); /* -5..10, y = 100 - 10 v */
        CHECK(a.min == -5 && a.max == 10, "stacked axis -5..10");
        cr_chartlayout_bars(v, 2, 3, CR_BARS_STACKED, &a, (cr_rect){0, 0, 200, 150}, 0.5, r);
        CHECK(rect_is(r[0], 25, 60, 50, 40), "stacked first positive");
        CHECK(rect_is(r[1], 25, 0, 50, 60), "stacked second positive on top");
        CHECK(rect_is(r[2], 25, 100, 50, 20), "stacked negative below zero");
        CHECK(rect_is(r[3], 125, 50, 50, 50), "stacked second category");
        CHECK(rect_is(r[4], 125, 100, 50, 0), "stacked NaN is flat");
        CHECK(rect_is(r[5], 125, 100, 50, 30), "stacked negative second category");
    }
    {
        static const double v[] = {30};
        cr_chartlayout_axis_range(20, 40, 0, 5, &a); /* 20..40, no zero */
        cr_chartlayout_bars(v, 1, 1, CR_BARS_GROUPED, &a, (cr_rect){0, 0, 100, 100}, 1, r);
        CHECK(rect_is(r[0], 0, 50, 100, 50), "bars start at the axis minimum without zero");
    }
}

static void test_resolve_labels(void)
{
    cr_label_box b[4];
    int shown;

    b[0] = (cr_label_box){{0, 50, 20, 10}, 5, false};
    b[1] = (cr_label_box){{10, 52, 20, 10}, 9, false};
    b[2] = (cr_label_box){{100, 50, 20, 10}, 1, false};
    b[3] = (cr_label_box){{105, 50, 20, 10}, NAN, false};
    shown = cr_chartlayout_resolve_labels(b, 4, 12, 0);
    CHECK(shown == 3 && b[0].visible && b[1].visible && b[2].visible && !b[3].visible,
          "labels: larger value kept, smaller nudged, NaN hidden");
    CHECK(near(b[0].r.y, 38) && near(b[1].r.y, 52), "labels: nudged up by 12");

    b[0] = (cr_label_box){{0, 50, 20, 10}, 5, false};
    b[1] = (cr_label_box){{10, 52, 20, 10}, 9, false};
    shown = cr_chartlayout_resolve_labels(b, 2, 12, 45);
    CHECK(shown == 1 && !b[0].visible && near(b[0].r.y, 50),
          "labels: nudge above the limit drops the label, box restored");

    b[0] = (cr_label_box){{0, 50, 20, 10}, 10, false};
    b[1] = (cr_label_box){{0, 50, 20, 10}, 10, false};
    shown = cr_chartlayout_resolve_labels(b, 2, 2, 0);
    CHECK(shown == 1 && b[0].visible && !b[1].visible && near(b[1].r.y, 50),
          "labels: tie goes to the first, nudges exhausted drop the other");

    b[0] = (cr_label_box){{0, 0, 10, 10}, 1, false};
    b[1] = (cr_label_box){{10, 0, 10, 10}, 1, false};
    CHECK_INT(cr_chartlayout_resolve_labels(b, 2, 5, 0), 2, "labels: touching is not overlapping");

    b[0] = (cr_label_box){{0, 0, 20, 10}, -20, false};
    b[1] = (cr_label_box){{5, 0, 20, 10}, 10, false};
    shown = cr_chartlayout_resolve_labels(b, 2, 0, -100);
    CHECK(shown == 1 && b[0].visible && !b[1].visible, "labels: |negative| value wins");

    CHECK_INT(cr_chartlayout_resolve_labels(b, 0, 5, 0), 0, "labels: none");
    {
        cr_label_box many[100];
        for (int i = 0; i < 100; i++)
            many[i] = (cr_label_box){{30.0 * i, 0, 20, 10}, i % 7, false};
        CHECK_INT(cr_chartlayout_resolve_labels(many, 100, 5, 0), 100,
                  "labels: 100 apart all shown");
    }
}

static void test_histogram(void)
{
    cr_histogram h;
    double v[400];

    for (int i = 0; i < 100; i++)
        v[i] = i;
    /* 100 values 0..99: 10 bins of nice(9.9) = 10 */
    cr_chartlayout_histogram(v, 100, false, &h);
    CHECK(h.bins == 10 && h.start == 0 && h.width == 10 && h.total == 100, "histogram 0..99");
    {
        bool all10 = true;
        for (size_t i = 0; i < h.bins; i++)
            all10 = all10 && h.counts[i] == 10;
        CHECK(all10, "histogram 0..99 counts");
    }
    CHECK(cr_chartlayout_histogram_edge(&h, 10) == 100, "histogram last edge");

    {
        static const double d[] = {1, 2, 2, 3, 3, 3, 4, 4, 4, 4};
        /* 10 values: 4 bins wanted, nice(0.75) = 1 */
        cr_chartlayout_histogram(d, 10, false, &h);
        CHECK(h.bins == 3 && h.start == 1 && h.width == 1 && h.counts[0] == 1 &&
                  h.counts[1] == 2 && h.counts[2] == 7,
              "histogram continuous: last bin closed");
        cr_chartlayout_histogram(d, 10, true, &h);
        CHECK(h.bins == 4 && h.start == 1 && h.counts[0] == 1 && h.counts[1] == 2 &&
                  h.counts[2] == 3 && h.counts[3] == 4,
              "histogram integer data: one bin per value");
    }
    {
        static const double d[] = {42, 42, 42};
        cr_chartlayout_histogram(d, 3, false, &h);
        CHECK(h.bins == 1 && h.start == 40 && h.width == 10 && h.counts[0] == 3 &&
                  cr_chartlayout_histogram_edge(&h, 1) == 50,
              "histogram single value");
    }
    {
        static const double d[] = {0};
        cr_chartlayout_histogram(d, 1, false, &h);
        CHECK(h.bins == 1 && h.start == 0 && h.width == 1 && h.counts[0] == 1,
              "histogram single zero");
    }
    {
        static const double d[] = {0.003};
        cr_chartlayout_histogram(d, 1, false, &h);
        CHECK(h.bins == 1 && h.start == 0.003 && h.width == 0.001 &&
                  cr_chartlayout_histogram_edge(&h, 1) == 0.004,
              "histogram single small value");
    }
    {
        static const double d[] = {NAN, INFINITY};
        cr_chartlayout_histogram(d, 2, false, &h);
        CHECK(h.bins == 0 && h.total == 0 && h.ignored == 2, "histogram no finite value");
        cr_chartlayout_histogram(NULL, 0, false, &h);
        CHECK(h.bins == 0 && h.total == 0, "histogram empty");
    }
    {
        static const double d[] = {-5, -1, 0, 3, 7, NAN};
        /* 5 values: 3 bins wanted, nice(4) = 5, start -5 */
        cr_chartlayout_histogram(d, 6, false, &h);
        CHECK(h.bins == 3 && h.start == -5 && h.width == 5 && h.counts[0] == 2 &&
                  h.counts[1] == 2 && h.counts[2] == 1 && h.ignored == 1,
              "histogram negative values");
    }
    for (int i = 0; i < 400; i++)
        v[i] = 10;
    v[0] = 0;
    v[1] = 29;
    /* 400 values: 20 bins wanted, nice(1.45) = 1 gives 29 bins: widened to 2 */
    cr_chartlayout_histogram(v, 400, false, &h);
    CHECK(h.bins == 15 && h.width == 2 && h.counts[0] == 1 && h.counts[5] == 398 &&
              h.counts[14] == 1,
          "histogram capped at 20 bins");
    {
        static double big[10000];
        for (int i = 0; i < 10000; i++)
            big[i] = i;
        cr_chartlayout_histogram(big, 10000, false, &h);
        CHECK(h.bins == 20 && h.width == 500 && h.counts[0] == 500 && h.counts[19] == 500,
              "histogram sqrt(n) capped at 20");
    }
    {
        static const double d[] = {1e-9, 2e-9, 3e-9, 4e-9};
        cr_chartlayout_histogram(d, 4, false, &h);
        CHECK(h.bins == 2 && h.start == 0 && h.width == 2e-9 && h.counts[0] == 1 &&
                  h.counts[1] == 3,
              "histogram tiny values");
    }
    {
        static const double d[] = {0, 1e12};
        cr_chartlayout_histogram(d, 2, false, &h);
        CHECK(h.bins == 2 && h.width == 5e11 && h.counts[0] == 1 && h.counts[1] == 1,
              "histogram huge values");
    }
    {
        static const double d[] = {-1e308, 1e308, 1e-310};
        size_t sum = 0;
        cr_chartlayout_histogram(d, 3, false, &h);
        for (size_t i = 0; i < h.bins; i++)
            sum += h.counts[i];
        CHECK(h.bins >= 1 && h.bins <= CR_HISTOGRAM_MAX_BINS && sum == 3 && h.width > 0,
              "histogram extremes: every value counted in at most 20 bins");
        static const double den[] = {1e-310};
        cr_chartlayout_histogram(den, 1, false, &h);
        CHECK(h.bins == 1 && h.counts[0] == 1 && h.width == 1, "histogram denormal");
    }
    {
        static const double d[] = {0.2, 0.4};
        cr_chartlayout_histogram(d, 2, true, &h);
        CHECK(h.bins == 1 && h.width == 1 && h.start == 0 && h.counts[0] == 2,
              "histogram integer data never narrower than 1");
    }
}

static void test_doughnut(void)
{
    cr_slice s[8];
    size_t n;
    const double pi = 3.14159265358979323846;

    {
        static const double v[] = {1, 1, 2};
        n = cr_chartlayout_doughnut(v, 3, 0, s);
        CHECK(n == 3 && s[0].index == 0 && near(s[0].fraction, 0.25) &&
                  near(s[0].start_angle, -pi / 2) && near(s[0].end_angle, 0) &&
                  near(s[1].start_angle, 0) && near(s[1].end_angle, pi / 2) &&
                  near(s[2].start_angle, pi / 2) && s[2].end_angle == -pi / 2 + 2 * pi,
              "doughnut angles clockwise from 12 o'clock");
    }
    {
        static const double v[] = {50, 1, 47, 1, 1};
        n = cr_chartlayout_doughnut(v, 5, CR_SLICE_MERGE_BELOW, s);
        CHECK(n == 3 && s[0].index == 0 && s[1].index == 2 && s[2].index == CR_SLICE_OTHER &&
                  near(s[2].value, 3) && near(s[2].fraction, 0.03) &&
                  near(s[1].start_angle, pi / 2) &&
                  near(s[1].end_angle, pi / 2 + 2 * pi * 0.47),
              "doughnut small slices merged into other");
    }
    {
        static const double v[] = {98.5, 1.5};
        n = cr_chartlayout_doughnut(v, 2, CR_SLICE_MERGE_BELOW, s);
        CHECK(n == 2 && s[1].index == 1, "doughnut one small slice keeps its name");
    }
    {
        static const double v[] = {3, -1, NAN, 0, 1};
        n = cr_chartlayout_doughnut(v, 5, 0, s);
        CHECK(n == 2 && s[0].index == 0 && s[1].index == 4 && near(s[0].fraction, 0.75) &&
                  near(s[1].fraction, 0.25),
              "doughnut skips negative, zero and NaN");
    }
    {
        static const double v[] = {0, -2};
        CHECK_INT(cr_chartlayout_doughnut(v, 2, 0.02, s), 0, "doughnut no positive value");
        CHECK_INT(cr_chartlayout_doughnut(NULL, 0, 0.02, s), 0, "doughnut empty");
    }
    {
        static const double v[] = {100, 0.1, 0.1};
        CHECK_INT(cr_chartlayout_doughnut(v, 3, 0, s), 3, "doughnut merge 0 keeps all");
    }
    {
        static const double v[] = {96, 2, 1, 1};
        n = cr_chartlayout_doughnut(v, 4, CR_SLICE_MERGE_BELOW, s);
        CHECK(n == 3 && s[1].index == 1 && s[2].index == CR_SLICE_OTHER && near(s[2].value, 2),
              "doughnut exactly 2 %% is not merged");
    }
}

int main(void)
{
    test_nice_number();
    test_axis();
    test_ticks();
    test_tick_labels();
    test_value_position();
    test_fit_labels();
    test_ellipsize();
    test_legend();
    test_bars();
    test_resolve_labels();
    test_histogram();
    test_doughnut();
    return unit_exit();
}
