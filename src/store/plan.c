/* plan: memcached's write rules as one pure function (see plan.h).
 *
 * Design: the store's write loop locks the key's bucket, finds the current item and calls
 * plan_decide(); if the plan fits (segment room, index slot) it is published in the same lock
 * hold, otherwise the loop makes room and plans again from scratch, so a plan never outlives the
 * item it was made from. Each kind has its own planner (plan_set, plan_arith, plan_rewrite); they
 * fill only the decided fields, which plan_decide() resets first.
 *
 * Invariants: a value piece points either into the caller's arguments, into the old item (valid
 * while the bucket lock is held) or into w->num; touch keeps the cas by storing it in the item;
 * every other successful store writes a new item at a new place, which is its new cas. Concurrency:
 * none (pure; the caller holds the bucket lock). Ownership: w is the caller's. Non-goals: sizes and
 * memory, which belong to the store. */
#include "plan.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"

static bool blank(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

bool plan_parse_number(const char *p, size_t n, uint64_t *out)
{
    size_t i = 0;
    while (i < n && blank(p[i]))
        i++;
    bool neg = false;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        neg = p[i++] == '-';
    size_t first = i;
    uint64_t v = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (i == first || (neg && v != 0))
        return false;
    if (i < n && !blank(p[i]))
        return false;
    *out = v;
    return true;
}

/* ocas is read only when a->compare_cas is non-zero (store.c skips it otherwise). */
static enum store_status plan_set(struct plan *w, const struct plan_env *env,
                                  const struct seg_item *old, uint64_t ocas, uint32_t now)
{
    const struct store_set_args *a = w->sa;
    enum store_mode mode = a->mode;
    if (a->compare_cas && (mode == STORE_SET || mode == STORE_REPLACE))
        mode = STORE_CAS;
    w->v1 = a->value;
    w->l1 = a->vlen;
    w->flags = a->flags;
    w->exp = clock_exptime_at(env->clock, a->exptime, now);
    w->has_cas = a->set_cas != 0;
    w->cas = a->set_cas;
    if (!old) {
        if (mode == STORE_CAS)
            return STORE_NOT_FOUND;
        if (mode == STORE_REPLACE || mode == STORE_APPEND || mode == STORE_PREPEND)
            return STORE_NOT_STORED;
        return STORE_OK;
    }
    bool match = a->compare_cas == ocas;
    bool stale = a->invalidate && a->compare_cas && a->compare_cas < ocas;
    switch (mode) {
    case STORE_ADD:
        return STORE_NOT_STORED;
    case STORE_CAS:
        if (a->compare_cas && match)
            return STORE_OK;
        if (!stale)
            return STORE_EXISTS;
        w->exp = old->exptime;
        w->bits = SEG_IB_STALE | (old->bits & SEG_IB_TOKEN);
        return STORE_OK;
    case STORE_APPEND:
    case STORE_PREPEND:
        if (a->compare_cas && !match)
            return STORE_EXISTS;
        w->flags = old->flags;
        w->exp = old->exptime;
        w->v1 = mode == STORE_APPEND ? old->value : a->value;
        w->l1 = mode == STORE_APPEND ? old->vlen : a->vlen;
        w->v2 = mode == STORE_APPEND ? a->value : old->value;
        w->l2 = mode == STORE_APPEND ? a->vlen : old->vlen;
        return STORE_OK;
    default:
        return STORE_OK;
    }
}

static enum store_status plan_arith(struct plan *w, const struct plan_env *env,
                                    const struct seg_item *old, uint64_t ocas, uint32_t now)
{
    const struct store_arith_args *a = w->aa;
    uint64_t v;
    if (!old) {
        if (!a->vivify)
            return STORE_NOT_FOUND;
        v = a->initial;
        w->exp = clock_exptime_at(env->clock, a->exptime, now);
        w->flags = 0;
    } else {
        if (a->compare_cas && a->compare_cas != ocas)
            return STORE_EXISTS;
        if (!plan_parse_number(old->value, old->vlen, &v))
            return STORE_NON_NUMERIC;
        if (a->incr)
            v += a->delta;
        else
            v = v < a->delta ? 0 : v - a->delta;
        w->exp = old->exptime;
        w->flags = old->flags;
    }
    int n = snprintf(w->num, sizeof(w->num), "%llu", (unsigned long long)v);
    w->v1 = w->num;
    w->l1 = (size_t)n;
    /* memcached rewrites a shorter result in place, padded with spaces */
    if (old && old->vlen > (size_t)n)
        w->pad = old->vlen - (size_t)n;
    w->result = v;
    return STORE_OK;
}

/* touch, and md with I: a copy of the item with a new expiry and/or state. */
static enum store_status plan_rewrite(struct plan *w, const struct plan_env *env,
                                      const struct seg_item *old, uint64_t ocas, uint32_t now)
{
    if (!old)
        return STORE_NOT_FOUND;
    w->v1 = old->value;
    w->l1 = old->vlen;
    w->flags = old->flags;
    w->exp = old->exptime;
    if (w->kind == PLAN_TOUCH || w->touch)
        w->exp = clock_exptime_at(env->clock, w->exptime, now);
    if (w->kind == PLAN_TOUCH) {
        /* the cas must not change: keep it in the item */
        w->bits = old->bits & (SEG_IB_FETCHED | SEG_IB_STALE | SEG_IB_TOKEN);
        w->has_cas = !env->no_cas;
        w->cas = ocas;
        return STORE_OK;
    }
    if (w->cmp_cas && w->cmp_cas != ocas)
        return STORE_EXISTS;
    w->bits = (old->bits & SEG_IB_FETCHED) | SEG_IB_STALE;
    return STORE_OK;
}

enum store_status plan_decide(struct plan *w, const struct plan_env *env,
                              const struct seg_item *old, uint64_t ocas, uint32_t now)
{
    w->v1 = w->v2 = NULL;
    w->l1 = w->l2 = w->pad = 0;
    w->flags = w->exp = 0;
    w->has_cas = w->remove_only = false;
    w->cas = 0;
    w->bits = 0;
    enum store_status st;
    switch (w->kind) {
    case PLAN_SET:
        st = plan_set(w, env, old, ocas, now);
        break;
    case PLAN_ARITH:
        st = plan_arith(w, env, old, ocas, now);
        break;
    case PLAN_VIVIFY:
        st = old ? STORE_NOT_STORED : STORE_OK;
        w->exp = clock_exptime_at(env->clock, w->exptime, now);
        w->bits = SEG_IB_TOKEN;
        break;
    default:
        st = plan_rewrite(w, env, old, ocas, now);
        break;
    }
    if (st != STORE_OK)
        return st;
    /* an item is never more than its key, value, the largest header and alignment: below the
     * limit, the exact size (the store's to compute when it appends) is not needed here */
    size_t most = w->klen + plan_vlen(w) + SEG_ITEM_HDR_MAX + SEG_ALIGN - 1;
    if (most > env->size_max && plan_item_size(w) > env->size_max)
        return STORE_TOO_LARGE;
    if (clock_expired(w->exp, now))
        w->remove_only = true;
    return STORE_OK;
}

size_t plan_vlen(const struct plan *w)
{
    return w->l1 + w->l2 + w->pad;
}

size_t plan_item_size(const struct plan *w)
{
    return seg_item_size(w->klen, plan_vlen(w), w->flags, w->exp, w->has_cas);
}

void plan_write_value(char *dst, const struct plan *w)
{
    if (w->l1)
        memcpy(dst, w->v1, w->l1);
    if (w->l2)
        memcpy(dst + w->l1, w->v2, w->l2);
    if (w->pad)
        memset(dst + w->l1 + w->l2, ' ', w->pad);
}
