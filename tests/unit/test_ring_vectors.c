/* test_ring_vectors: every placement file in ../shared/vectors (produced by the real libmemcached,
 * twemproxy, python-memcached, pymemcache and the tutorial's ring) must be reproduced exactly.
 * manifest.tsv lists each file with its mode and server list; every listed file is read, every
 * key checked, and a missing directory, manifest or file is a failure, never a skip. */
#include <stdlib.h>
#include <string.h>

#include <ringcache/ring.h>

#include "test.h"

#ifndef RC_VECTORS_DIR
#error "RC_VECTORS_DIR must name the shared vectors directory"
#endif

static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", RC_VECTORS_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, 2 * cap + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* Next line of [*p, end) into [*s, *e) without its newline (and a CR); 0 at the end. */
static int next_line(char **p, char *end, char **s, char **e)
{
    if (*p >= end)
        return 0;
    char *nl = memchr(*p, '\n', (size_t)(end - *p));
    *s = *p;
    *e = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    if (*e > *s && (*e)[-1] == '\r')
        (*e)--;
    return 1;
}

/* Checks one csv file against a ring of `mode` over `servers`; returns mismatches (or -1). */
static long check_file(const char *file, const char *mode, const char *servers, char **keys,
                       size_t nkeys, size_t *rows)
{
    struct rc_ring *r = NULL;
    int rc = rc_ring_create_spec(&r, mode, servers);
    if (rc != 0) {
        fprintf(stderr, "%s: cannot build mode %s: %d\n", file, mode, rc);
        return -1;
    }
    size_t len;
    char *csv = slurp(file, &len);
    if (!csv) {
        rc_ring_destroy(&r);
        return -1;
    }
    char *p = csv, *end = csv + len, *s, *e;
    long bad = 0;
    *rows = 0;
    CHECK(next_line(&p, end, &s, &e) && e - s == 10 && memcmp(s, "key,server", 10) == 0);
    while (next_line(&p, end, &s, &e)) {
        if (s == e && p >= end)
            break;
        *e = '\0';
        char *comma = strrchr(s, ',');
        CHECK(comma != NULL);
        if (!comma)
            return -1;
        *comma = '\0';
        size_t klen = (size_t)(comma - s);
        /* the key column follows the keys file, line for line */
        CHECK(*rows < nkeys && strcmp(keys[*rows], s) == 0);
        const char *got = rc_ring_lookup_name(r, s, klen);
        if (strcmp(got, comma + 1) != 0) {
            if (bad < 3)
                fprintf(stderr, "%s: key '%s' -> %s, expected %s\n", file, s, got, comma + 1);
            bad++;
        }
        (*rows)++;
    }
    free(csv);
    rc_ring_destroy(&r);
    return bad;
}

static void test_every_vector_file(void)
{
    size_t mlen, klen;
    char *manifest = slurp("manifest.tsv", &mlen);
    char *keybuf = slurp("keys_public.txt", &klen);
    CHECK(manifest != NULL);
    CHECK(keybuf != NULL);
    if (!manifest || !keybuf)
        return;
    size_t nkeys = 0;
    char *keys[4096], *p = keybuf, *s, *e;
    while (nkeys < 4096 && next_line(&p, keybuf + klen, &s, &e)) {
        *e = '\0';
        keys[nkeys++] = s;
    }
    p = manifest;
    CHECK(next_line(&p, manifest + mlen, &s, &e)); /* header */
    int files = 0, total_rows = 0;
    while (next_line(&p, manifest + mlen, &s, &e)) {
        if (s == e)
            continue;
        *e = '\0';
        char *col[6] = {s};
        int ncol = 1;
        for (char *t = s; *t && ncol < 6; t++)
            if (*t == '\t') {
                *t = '\0';
                col[ncol++] = t + 1;
            }
        CHECK(ncol >= 4);
        if (ncol < 4)
            continue;
        size_t rows = 0;
        long bad = check_file(col[0], col[2], col[3], keys, nkeys, &rows);
        if (bad != 0)
            fprintf(stderr, "%s (%s): %ld mismatches of %zu\n", col[0], col[2], bad, rows);
        CHECK_EQ(bad, 0);
        CHECK_EQ(rows, nkeys);
        CHECK(rows >= 1000);
        files++;
        total_rows += (int)rows;
    }
    printf("vectors: %d files, %d placements, all agree unless reported above\n", files,
           total_rows);
    CHECK(files >= 28);
    free(manifest);
    free(keybuf);
}

int main(void)
{
    TEST_RUN(test_every_vector_file);
    return TEST_DONE();
}
