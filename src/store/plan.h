/* plan: deciding what a write stores (internal to src/store).
 *
 * Every write of the store (set/add/replace/append/prepend/cas, incr/decr, touch, mg N vivify,
 * md I invalidation) is planned the same way: given the current item (or none) and its cas,
 * plan_decide() applies memcached's rules and either refuses with a status or describes the new
 * item: up to two value pieces plus space padding, flags, expiry, whether the item carries its own
 * cas (else its place gives it one, see store.c) and its state bits. It reads nothing but its
 * arguments and the clock, so it is unit-tested without a store. */
#ifndef RC_PLAN_H
#define RC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seg.h"
#include "store.h"

struct rc_clock;

enum plan_kind { PLAN_SET, PLAN_ARITH, PLAN_TOUCH, PLAN_VIVIFY, PLAN_INVALIDATE };

/* What the planner needs to know about the store. */
struct plan_env {
    const struct rc_clock *clock;
    size_t size_max; /* largest item: min(-I, segment size) */
    bool no_cas;
};

/* A write being planned: inputs (set by the caller), then what plan_decide() decided. */
struct plan {
    enum plan_kind kind;
    const char *key;
    size_t klen;
    const struct store_set_args *sa;   /* PLAN_SET */
    const struct store_arith_args *aa; /* PLAN_ARITH */
    int64_t exptime;                   /* protocol exptime: touch, vivify, invalidate + touch */
    bool touch;                        /* PLAN_INVALIDATE: also set the expiry */
    uint64_t cmp_cas;                  /* PLAN_INVALIDATE */
    /* decided */
    const char *v1, *v2; /* the value is v1 + v2 + pad spaces */
    size_t l1, l2, pad;
    char num[24]; /* PLAN_ARITH: the number's digits (v1 points here) */
    uint32_t flags, exp;
    bool has_cas;     /* cas is decided (touch, meta E); else the store gives a new one */
    bool remove_only; /* already expired: remove the old item, store nothing */
    uint64_t cas;
    uint8_t bits;    /* state bits of the new item */
    uint64_t result; /* PLAN_ARITH: the new number */
};

/* Decides the write w against the current item old (NULL on a miss) whose cas is ocas.
 * STORE_OK: w describes the new item (or w->remove_only). Other statuses: nothing to write. */
enum store_status plan_decide(struct plan *w, const struct plan_env *env,
                              const struct seg_item *old, uint64_t ocas, uint32_t now);
/* Bytes of the planned value, and the aligned size of the planned item. */
size_t plan_vlen(const struct plan *w);
size_t plan_item_size(const struct plan *w);
/* Writes the planned value at dst (plan_vlen bytes). */
void plan_write_value(char *dst, const struct plan *w);
/* memcached's incr/decr number rule (strtoull: optional blanks and sign, digits, then a blank or
 * the end; "-0" is 0). True and *out on success. */
bool plan_parse_number(const char *p, size_t n, uint64_t *out);

#endif
