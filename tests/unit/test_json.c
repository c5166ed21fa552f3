/* test_json.c - the JSON document model: building, path lookup, serialising. */
#include "csmreport/json.h"

#include <math.h>
#include <stdlib.h>

#include "unit.h"

/* Serialises one value compactly and compares the text. */
static void check_text(cr_json *v, const char *want, const char *name)
{
    char *s = cr_json_to_string(v, 0);
    CHECK_STR(s, want, "%s", name);
    free(s);
    cr_json_free(v);
}

int main(void)
{
    /* Shortest round-trip doubles. */
    check_text(cr_json_number(0.1), "0.1", "number 0.1 prints shortest");
    check_text(cr_json_number(0.062), "0.062", "number 0.062");
    check_text(cr_json_number(1.0 / 3.0), "0.3333333333333333", "number 1/3 needs 16 digits");
    check_text(cr_json_number(0.1 + 0.2), "0.30000000000000004", "number 0.1+0.2 needs 17 digits");
    check_text(cr_json_number(3.0), "3", "integral double");
    check_text(cr_json_number(-0.0), "0", "negative zero prints 0");
    check_text(cr_json_number(NAN), "null", "nan is null");
    check_text(cr_json_number(INFINITY), "null", "infinity is null");

    /* Fixed decimals, half away from zero on the shortest decimal digits. */
    check_text(cr_json_fixed(1.005, 2), "1.01", "fixed 1.005 -> 1.01 (decimal reading)");
    check_text(cr_json_fixed(-1.005, 2), "-1.01", "fixed -1.005 -> -1.01 (away from zero)");
    check_text(cr_json_fixed(2.5, 0), "3", "fixed 2.5 -> 3");
    check_text(cr_json_fixed(0.004, 2), "0.00", "fixed 0.004 -> 0.00");
    check_text(cr_json_fixed(-0.004, 2), "0.00", "fixed -0.004 -> 0.00 without sign");
    check_text(cr_json_fixed(9.995, 2), "10.00", "fixed 9.995 carries to 10.00");
    check_text(cr_json_fixed(0.5, 0), "1", "fixed 0.5 -> 1");
    check_text(cr_json_fixed(52.333333, 2), "52.33", "fixed hours");
    check_text(cr_json_fixed(1e20, 2), "100000000000000000000.00", "fixed large value");
    check_text(cr_json_fixed(7, 2), "7.00", "fixed pads decimals");

    /* Money from integer minor units. */
    check_text(cr_json_money(135000, 2), "1350.00", "money 135000 cents");
    check_text(cr_json_money(5, 2), "0.05", "money 5 cents");
    check_text(cr_json_money(-5, 2), "-0.05", "money -5 cents");
    check_text(cr_json_money(1350, 0), "1350", "money JPY");
    check_text(cr_json_money(1234, 3), "1.234", "money BHD");
    check_text(cr_json_money(0, 2), "0.00", "money zero");
    check_text(cr_json_money(INT64_MIN, 2), "-92233720368547758.08", "money INT64_MIN");

    /* Strings: escapes per RFC 8259. */
    check_text(cr_json_string("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\u000a\\u0001\"", "string escapes");
    check_text(cr_json_string("Tromsø"), "\"Tromsø\"", "utf-8 passes through");
    check_text(cr_json_string(NULL), "null", "NULL string is null");

    /* Objects keep insertion order; a repeated key replaces. */
    cr_json *root = cr_json_object();
    cr_json_set(root, "b", cr_json_int(1));
    cr_json_set(root, "a", cr_json_bool(true));
    cr_json_set(root, "b", cr_json_int(2));
    cr_json *arr = cr_json_set(root, "list", cr_json_array());
    cr_json *m = cr_json_append(arr, cr_json_object());
    cr_json_set(m, "rate", cr_json_number(0.5));
    cr_json_append(arr, cr_json_null());
    cr_json *t = cr_json_set(root, "t", cr_json_object());
    cr_json_set(t, ">30d", cr_json_int(4));
    cr_json_set(root, "e", cr_json_array());
    cr_json_set(root, "o", cr_json_object());
    CHECK_INT(cr_json_size(root), 6, "object key count after replace");
    CHECK_STR(cr_json_key_at(root, 0), "b", "first key stays first");
    CHECK_INT(cr_json_get_int(cr_json_get(root, "b")), 2, "replaced value");
    CHECK(cr_json_get_bool(cr_json_get(root, "a")), "bool read back");
    CHECK(cr_json_get_number(cr_json_path(root, "list.0.rate")) == 0.5, "path with index");
    CHECK(cr_json_path(root, "list.1") && cr_json_is_null(cr_json_path(root, "list.1")),
          "path to null element");
    CHECK(cr_json_path(root, "list.2") == NULL, "path past the end");
    CHECK(cr_json_path(root, "list.x") == NULL, "path non-numeric index");
    CHECK_INT(cr_json_get_int(cr_json_path(root, "t.>30d")), 4, "path key with >");
    CHECK(cr_json_path(root, "nope.a") == NULL, "absent path");
    CHECK(cr_json_is_null(NULL), "NULL is null");

    char *s = cr_json_to_string(root, 0);
    CHECK_STR(s, "{\"b\":2,\"a\":true,\"list\":[{\"rate\":0.5},null],\"t\":{\">30d\":4},\"e\":[],\"o\":{}}",
              "compact serialisation");
    free(s);
    s = cr_json_to_string(root, 2);
    CHECK_STR(s,
              "{\n  \"b\": 2,\n  \"a\": true,\n  \"list\": [\n    {\n      \"rate\": 0.5\n    },\n"
              "    null\n  ],\n  \"t\": {\n    \">30d\": 4\n  },\n  \"e\": [],\n  \"o\": {}\n}",
              "pretty serialisation, indent 2");
    free(s);

    /* Reading the numbers of fixed and money values. */
    cr_json *mo = cr_json_money(135000, 2);
    CHECK(cr_json_get_number(mo) == 1350.0, "money reads back as units");
    CHECK_INT(cr_json_get_int(mo), 1350, "money truncated to int");
    cr_json_free(mo);
    cr_json_free(root);
    cr_json_free(NULL);
    return unit_exit();
}
