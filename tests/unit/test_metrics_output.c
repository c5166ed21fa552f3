/* test_metrics_output.c - the text summary and the CSV rows of a small
 * hand-built metrics document. */
#include <stdlib.h>
#include <string.h>

#include "csmreport/metrics.h"
#include "unit.h"

static char *render(const cr_json *doc, int (*fn)(const cr_json *, FILE *))
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    CHECK_INT(fn(doc, out), 0, "render ok");
    fclose(out);
    return buf;
}

int main(void)
{
    cr_json *doc = cr_json_object();
    cr_json_set(doc, "account_id", cr_json_string("A1"));
    cr_json_set(doc, "account_name", cr_json_string("Acme, \"Nordic\""));
    cr_json *a = cr_json_set(doc, "adoption", cr_json_object());
    cr_json_set(a, "rate", cr_json_number(0.0625));
    cr_json *m = cr_json_append(cr_json_set(a, "by_month", cr_json_array()), cr_json_object());
    cr_json_set(m, "month", cr_json_string("2026-07"));
    cr_json_set(m, "deployed", cr_json_int(3));
    cr_json_set(doc, "software", cr_json_null());
    cr_json_set(doc, "software_reason", cr_json_string("no inventory"));

    char *csv = render(doc, cr_metrics_write_csv);
    /* Header, top-level scalars under "report", the name quoted with doubled quotes,
     * array rows labelled by their month, null as an empty value. */
    CHECK_STR(csv,
              "section,key,subkey,value\r\n"
              "report,account_id,,A1\r\n"
              "report,account_name,,\"Acme, \"\"Nordic\"\"\"\r\n"
              "adoption,rate,,0.0625\r\n"
              "adoption,by_month,2026-07.deployed,3\r\n"
              "report,software,,\r\n"
              "report,software_reason,,no inventory\r\n",
              "csv rows");
    free(csv);

    char *text = render(doc, cr_metrics_write_text);
    /* 0.0625 as a percentage with one decimal, half away from zero: 6.3%. */
    CHECK(text && strstr(text, "  rate: 6.3%\n"), "rate shown as a percentage");
    CHECK(text && strstr(text, "== Adoption ==\n"), "section heading");
    CHECK(text && strstr(text, "    2026-07: deployed 3\n"), "array row labelled by month");
    CHECK(text && strstr(text, "== Software currency ==\n  n/a (no inventory)\n"),
          "null section with its reason");
    free(text);
    cr_json_free(doc);
    return unit_exit();
}
