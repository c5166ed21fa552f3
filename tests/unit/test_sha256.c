/* test_sha256.c - SHA-256 against the FIPS 180-4 examples, the million
 * 'a', the lengths at the padding's edges (digests of sha256sum), and any
 * split of 0..200 bytes into two updates. */
#include <stdlib.h>

#include "csmreport/sha256.h"
#include "unit.h"

/* n bytes, byte i = 32 + i % 90 (printable) */
static void message(char *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        m[i] = (char)(32 + i % 90);
}

static void run(const char *path)
{
    char hex[CR_SHA256_HEX_SIZE];
    cr_sha256_hex("", 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "%s: empty", path);
    cr_sha256_hex("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "%s: abc", path);
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    cr_sha256_hex(two, strlen(two), hex);
    CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
              "%s: 448 bits (two blocks of padding)", path);
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    cr_sha256 s;
    cr_sha256_init(&s);
    for (size_t i = 0; i < 1000000; i += 999) /* odd chunks cross every block edge */
        cr_sha256_update(&s, a + i, 1000000 - i < 999 ? 1000000 - i : 999);
    cr_sha256_final_hex(&s, hex);
    CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
              "%s: a million 'a' in chunks of 999", path);
    free(a);

    char m[1000];
    message(m, sizeof m);
    cr_sha256_hex(m, sizeof m, hex);
    CHECK_STR(hex, "e5030bdd5c14f2cfa4476c021451de0fdfe7710f5e8e990cd3332176d1bacfd5",
              "%s: 1000 bytes (sha256sum)", path);
    /* the padding's edges: 55 bytes fit one block, 56..63 need a second */
    static const struct {
        size_t len;
        const char *hex;
    } edges[] = {
        {55, "7f84122d2b3e1a5b25c00b45923cb7c939969584950709d2315330cf02f5ad67"},
        {63, "4df16360273f93d05c571593e3063d2397c2bdf958737171dadcb065d125a19c"},
        {64, "ae02e99bbdd3713ac87427589a48fc45818ef9a7ecd27941142d8f6f61afb7c1"},
        {65, "3d399c34638f16ca430ac84bb5e1fef19472fb2c68d5fe4751db05e84d05e1f3"},
        {119, "fe5ca07c1e790c104096ea916e9de56a25224536c18cc521da06932474176bab"},
        {120, "8e39e4849361886efa2e842e1f277ef379cd33112d18d618a8416f2e2849ef9a"},
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        cr_sha256_hex(m, edges[i].len, hex);
        CHECK_STR(hex, edges[i].hex, "%s: %zu bytes (sha256sum)", path, edges[i].len);
    }
    /* any split gives the one-call digest */
    char whole[CR_SHA256_HEX_SIZE], parts[CR_SHA256_HEX_SIZE];
    int same = 0, splits = 0;
    for (size_t len = 0; len <= 200; len++) {
        cr_sha256_hex(m, len, whole);
        for (size_t cut = 0; cut <= len; cut += 7) {
            cr_sha256_init(&s);
            cr_sha256_update(&s, m, cut);
            cr_sha256_update(&s, m + cut, len - cut);
            cr_sha256_final_hex(&s, parts);
            same += strcmp(whole, parts) == 0;
            splits++;
        }
    }
    CHECK(same == splits, "%s: every split of 0..200 bytes gives the one-call digest (%d of %d)",
          path, same, splits);
}

int main(void)
{
    run("fastest"); /* the CPU's SHA extensions where it has them */
    cr_sha256_plain_only = true;
    run("plain C");
    return unit_exit();
}
