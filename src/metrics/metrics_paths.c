/* metrics_paths.c - which paths of the SPEC 5.8 document exist, for the
 * template loader's checks (cr_metrics_path_known): kept beside the sections
 * that write the document, not beside its readers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/metrics.h"

/* The SPEC 5.8 document as path patterns: "#" is an array index, "*" any key
 * (categories, priorities). A prefix of a pattern is a path too (an object or
 * array), and any key may have a "<key>_reason" sibling. The unit test checks
 * (test_template.c) checks that every path of a real document matches; a
 * section that adds a key adds its pattern here. */
static const char *const metric_patterns[] = {
    "account_id", "account_name", "program", "period.label", "period.start", "period.end",
    "as_of", "data_as_of.*", "billable",
    "adoption.deployed", "adoption.active", "adoption.rate", "adoption.call_minutes",
    "adoption.minutes_per_active_device", "adoption.snapshot_date", "adoption.stale",
    "adoption.by_month.#.month", "adoption.by_month.#.deployed", "adoption.by_month.#.active",
    "adoption.by_month.#.rate", "adoption.by_month.#.stale", "adoption.by_month.#.snapshot_date",
    "adoption.by_category.*.deployed", "adoption.by_category.*.active",
    "adoption.by_category.*.rate",
    "adoption.by_site.#.site", "adoption.by_site.#.deployed", "adoption.by_site.#.active",
    "adoption.by_site.#.rate", "adoption.by_site.#.call_minutes",
    "rma.year", "rma.category", "rma.count", "rma.installed_base", "rma.basis", "rma.rate",
    "rma.threshold", "rma.breach", "rma.applicable", "rma.excess_count", "rma.exposure",
    "rma.projected_count", "rma.projected_rate", "rma.at_risk", "rma.by_model.#.model",
    "rma.by_model.#.count", "rma.other_categories.*",
    "downtime.rma_tickets", "downtime.delivered", "downtime.met", "downtime.missed",
    "downtime.pending", "downtime.sla_compliance", "downtime.mean_hours",
    "downtime.median_hours", "downtime.p90_hours", "downtime.device_hours_lost",
    "downtime.frurad", "downtime.items.#.*",
    "trueup.#.category", "trueup.#.month", "trueup.#.agreed", "trueup.#.baseline",
    "trueup.#.actual", "trueup.#.eos", "trueup.#.increase_pct", "trueup.#.triggered",
    "trueup.#.added", "trueup.#.months_remaining", "trueup.#.charge", "trueup.#.stale",
    "trueup_summary.*.agreed_now", "trueup_summary.*.baseline_now",
    "trueup_summary.*.actual_now", "trueup_summary.*.events", "trueup_summary.*.added_total",
    "trueup_summary.*.charge_total",
    "tickets.opened", "tickets.closed", "tickets.opened_by_priority.*",
    "tickets.closed_by_priority.*", "tickets.opened_by_month.#.month",
    "tickets.opened_by_month.#.count", "tickets.closed_by_month.#.month",
    "tickets.closed_by_month.#.count", "tickets.median_resolution_hours.*",
    "tickets.open_at_end.total", "tickets.open_at_end.0-2d", "tickets.open_at_end.3-7d",
    "tickets.open_at_end.8-30d", "tickets.open_at_end.>30d", "tickets.aging_breaches.#.*",
    "tickets.ecps.#.*", "tickets.p1.#.*",
    "software.current", "software.n_minus_1", "software.outdated", "software.unknown",
    "software.devices", "software.current_rate", "software.n_minus_1_rate",
    "software.outdated_rate", "software.unknown_rate", "software.supported_rate",
    "software.snapshot_date", "software.stale", "software.by_model.#.*",
    "coverage.by_category.*", "coverage.devices", "coverage.eos", "coverage.unknown_model",
    "coverage.offline_30d", "coverage.snapshot_date", "coverage.stale", "coverage.by_model.#.*",
    /* only with cr_metrics_options.device_list (a template asks by using it) */
    "devices.#.serial", "devices.#.model", "devices.#.category", "devices.#.site",
    "devices.#.room", "devices.#.firmware", "devices.#.status", "devices.#.last_seen",
    "devices.#.coverage", "devices.#.software", "devices.#.active", "devices.#.offline_30d",
};

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Matches path against pattern segment by segment; the path may stop early. */
static bool path_matches(const char *path, const char *pattern)
{
    const char *p = path, *q = pattern;
    for (;;) {
        const char *pe = strchr(p, '.'), *qe = strchr(q, '.');
        size_t pn = pe ? (size_t)(pe - p) : strlen(p), qn = qe ? (size_t)(qe - q) : strlen(q);
        bool ok;
        if (qn == 1 && *q == '#')
            ok = all_digits(p, pn);
        else if (qn == 1 && *q == '*')
            ok = pn > 0;
        else
            ok = pn == qn && memcmp(p, q, pn) == 0;
        if (!ok)
            return false;
        if (!pe)
            return true;
        if (!qe)
            return false;
        p = pe + 1;
        q = qe + 1;
    }
}

unsigned cr_metrics_path_section(const char *path)
{
    static const struct {
        const char *key;
        unsigned section;
    } keys[] = {
        {"account_id", 0}, {"account_name", 0}, {"program", 0}, {"period", 0}, {"as_of", 0},
        {"data_as_of", 0}, {"adoption", CR_METRICS_ADOPTION}, {"trueup", CR_METRICS_TRUEUP},
        {"trueup_summary", CR_METRICS_TRUEUP}, {"billable", CR_METRICS_TRUEUP},
        {"rma", CR_METRICS_RMA}, {"downtime", CR_METRICS_DOWNTIME},
        {"tickets", CR_METRICS_TICKETS}, {"software", CR_METRICS_SOFTWARE},
        {"coverage", CR_METRICS_COVERAGE},
    };
    size_t n = 0; /* the key: a word (path may run on in a template's text) */
    while (path && (isalnum((unsigned char)path[n]) || path[n] == '_'))
        n++;
    /* "<key>_reason" is written by the section of <key> */
    if (n > 7 && strncmp(path + n - 7, "_reason", 7) == 0)
        n -= 7;
    for (size_t i = 0; n && i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].key) == n && strncmp(path, keys[i].key, n) == 0)
            return keys[i].section;
    return CR_METRICS_ALL;
}

bool cr_metrics_path_known(const char *path)
{
    if (!path || !*path)
        return false;
    for (size_t i = 0; i < sizeof metric_patterns / sizeof metric_patterns[0]; i++)
        if (path_matches(path, metric_patterns[i]))
            return true;
    /* "<key>_reason" beside any key, in any object of the document. */
    size_t n = strlen(path);
    const char *dot = strrchr(path, '.');
    if (n > 7 && strcmp(path + n - 7, "_reason") == 0 && !strchr(path + n - 7, '.')) {
        if (!dot)
            return true;
        char *parent = strndup(path, (size_t)(dot - path));
        bool ok = parent && cr_metrics_path_known(parent);
        free(parent);
        return ok;
    }
    return false;
}
