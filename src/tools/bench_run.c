/* bench_run: the load generator's epoll engine (contract in bench_run.h).
 *
 * Design. All connections of all targets sit in one level-triggered epoll set (EPOLLIN always,
 * EPOLLOUT only while a write is pending). A slice activates a set of targets (one target, or
 * every shard in cluster mode) until its deadline or request budget: each round reads and parses
 * whatever arrived on ready connections, then tops up every touched connection to the pipeline
 * depth and writes its batch in one write(). After the deadline nothing new is sent and the slice
 * drains: it ends when nothing is in flight, so the next slice's target runs on a quiet machine.
 * Time is read once per round (after epoll_wait) and stamps every request and reply of that round.
 *
 * Invariants: inflight == sum of bench_conn_inflight over all connections; connections of
 * inactive targets have nothing in flight; conn[t * conns + i] belongs to target t.
 * Concurrency: single thread. Ownership: the run owns sockets, buffers and the queue memory; the
 * bench_conn_cfg (with its value pattern) and the owner table stay the caller's and must outlive
 * the run. Errors stop the run and leave a message in err. */
#include "bench_run.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "ringcache/status.h"

#define READ_CHUNK     65536
#define BUF_MAX        (64u << 20)
#define DRAIN_LIMIT_NS (10LL * 1000000000LL) /* replies still missing after this: an error */
#define CONNECT_MS     2000

struct rconn {
    int fd;
    unsigned target;
    int armed_out; /* EPOLLOUT registered */
    int dirty;     /* touched this round: top up and flush */
    struct bench_conn bc;
    struct buf in, out;
};

struct bench_run {
    struct bench_run_cfg cfg;
    struct bench_gen_cfg gcfg;
    const struct bench_conn_cfg *ccfg;
    struct bench_gen gen;
    struct bench_gen_op op;
    struct bench_run_target target[BENCH_RUN_TARGETS_MAX];
    uint64_t fill_next[BENCH_RUN_TARGETS_MAX]; /* preload cursor per target */
    unsigned ntargets;
    struct rconn *conn; /* ntargets * cfg.conns, once connected */
    unsigned nconn;
    int epfd;
    uint64_t inflight;
    struct bench_conn_stats scratch; /* preload and warm-up replies land here */
    int64_t measure_t0, next_progress;
    int64_t mark; /* measured slice: active time is credited up to here */
    char err[256];
};

enum slice_mode { SLICE_FILL, SLICE_MIX };

struct slice {
    uint64_t mask; /* active targets */
    enum slice_mode mode;
    int64_t deadline; /* stop sending at */
    uint64_t budget;  /* requests left to send */
    int sending;
    int measured; /* progress reporting on */
};

__attribute__((format(printf, 3, 4))) static int set_err(struct bench_run *r, int rc,
                                                         const char *fmt, ...)
{
    if (!r->err[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err, sizeof(r->err), fmt, ap);
        va_end(ap);
    }
    return rc;
}

int bench_run_create(struct bench_run **out, const struct bench_run_cfg *cfg,
                     const struct bench_gen_cfg *gen, const struct bench_conn_cfg *conn)
{
    *out = NULL;
    if (cfg->conns == 0 || (cfg->duration_ns <= 0 && cfg->requests == 0) ||
        (cfg->cluster && !cfg->owner) || conn->mget < gen->mget || conn->vmin > gen->vmin ||
        conn->vmax < gen->vmax)
        return RC_ERR_INVAL;
    struct bench_run *r = calloc(1, sizeof(*r));
    if (!r)
        return RC_ERR_NOMEM;
    r->cfg = *cfg;
    r->gcfg = *gen;
    r->ccfg = conn;
    r->epfd = -1;
    bench_conn_stats_init(&r->scratch);
    int rc = bench_gen_init(&r->gen, gen, cfg->seed);
    if (rc != 0) {
        free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void bench_run_destroy(struct bench_run **rp)
{
    if (!rp || !*rp)
        return;
    struct bench_run *r = *rp;
    for (unsigned i = 0; i < r->nconn; i++) {
        if (r->conn[i].fd >= 0)
            close(r->conn[i].fd);
        bench_conn_deinit(&r->conn[i].bc);
        buf_deinit(&r->conn[i].in);
        buf_deinit(&r->conn[i].out);
    }
    free(r->conn);
    if (r->epfd >= 0)
        close(r->epfd);
    free(r);
    *rp = NULL;
}

int bench_run_add_target(struct bench_run *r, const char *hostport, int pid)
{
    if (r->ntargets >= BENCH_RUN_TARGETS_MAX || r->conn)
        return RC_ERR_FULL;
    if (strlen(hostport) >= sizeof(r->target[0].name) || !strrchr(hostport, ':'))
        return RC_ERR_RESOLVE;
    struct bench_run_target *t = &r->target[r->ntargets];
    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "%s", hostport);
    t->pid = pid;
    bench_conn_stats_init(&t->stats);
    return (int)r->ntargets++;
}

const char *bench_run_error(const struct bench_run *r)
{
    return r->err[0] ? r->err : "no error";
}

unsigned bench_run_ntargets(const struct bench_run *r)
{
    return r->ntargets;
}

const struct bench_run_target *bench_run_target(const struct bench_run *r, unsigned i)
{
    return i < r->ntargets ? &r->target[i] : NULL;
}

int64_t bench_run_proc_ticks(int pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[n] = '\0';
    /* The command name may hold spaces and parentheses: fields restart after the last ')'.
     * Field 3 (state) is the first after it; utime and stime are fields 14 and 15. */
    char *p = strrchr(line, ')');
    if (!p)
        return -1;
    unsigned long long utime = 0, stime = 0;
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) !=
        2)
        return -1;
    return (int64_t)(utime + stime);
}

/* ---- connections ---- */

static int dial(struct bench_run *r, const char *hostport)
{
    char host[128];
    const char *colon = strrchr(hostport, ':');
    size_t hl = (size_t)(colon - hostport);
    if (hl >= sizeof(host))
        return set_err(r, RC_ERR_RESOLVE, "%s: bad address", hostport);
    memcpy(host, hostport, hl);
    host[hl] = '\0';
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
        return set_err(r, RC_ERR_RESOLVE, "%s: cannot resolve", hostport);
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rc = fd < 0 ? -1 : connect(fd, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    if (rc != 0 && fd >= 0 && errno == EINPROGRESS) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int err = 0;
        socklen_t el = sizeof(err);
        if (poll(&pfd, 1, CONNECT_MS) == 1 &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
            rc = 0;
        else
            errno = err ? err : ETIMEDOUT;
    }
    if (rc != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return set_err(r, RC_ERR_CONNECT, "%s: connect: %s", hostport, strerror(e));
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static int connect_all(struct bench_run *r)
{
    if (r->ntargets == 0)
        return set_err(r, RC_ERR_INVAL, "no server given");
    r->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (r->epfd < 0)
        return set_err(r, RC_ERR_IO, "epoll_create1: %s", strerror(errno));
    r->nconn = r->ntargets * r->cfg.conns;
    r->conn = calloc(r->nconn, sizeof(*r->conn));
    if (!r->conn) {
        r->nconn = 0;
        return RC_ERR_NOMEM;
    }
    for (unsigned i = 0; i < r->nconn; i++)
        r->conn[i].fd = -1;
    for (unsigned i = 0; i < r->nconn; i++) {
        struct rconn *c = &r->conn[i];
        c->target = i / r->cfg.conns;
        if (bench_conn_init(&c->bc, r->ccfg, &r->scratch) != 0 ||
            buf_init(&c->in, READ_CHUNK, BUF_MAX) != 0 || buf_init(&c->out, 4096, BUF_MAX) != 0)
            return RC_ERR_NOMEM;
        c->fd = dial(r, r->target[c->target].name);
        if (c->fd < 0)
            return c->fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
        if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
            return set_err(r, RC_ERR_IO, "epoll_ctl: %s", strerror(errno));
    }
    return 0;
}

/* ---- one slice ---- */

/* Redraws op's keys until each belongs to target t (cluster mode). Owners were checked to cover
 * t, so a draw succeeds with probability >= 1/nkeys; the bound is a safety net. */
static void own_keys(struct bench_run *r, struct bench_gen_op *op, unsigned t)
{
    for (unsigned i = 0; i < op->nkeys; i++) {
        for (int tries = 0; r->cfg.owner[op->key[i]] != t && tries < 100000; tries++)
            op->key[i] = bench_gen_key(&r->gen);
    }
}

/* The next request for target t; 0 when a fill has nothing left for it. */
static int next_op(struct bench_run *r, const struct slice *s, unsigned t)
{
    struct bench_gen_op *op = &r->op;
    if (s->mode == SLICE_FILL) {
        uint64_t k = r->fill_next[t];
        while (k < r->gcfg.nkeys && r->cfg.cluster && r->cfg.owner[k] != t)
            k++;
        if (k >= r->gcfg.nkeys) {
            r->fill_next[t] = k;
            return 0;
        }
        r->fill_next[t] = k + 1;
        op->type = BENCH_GEN_SET;
        op->nkeys = 1;
        op->key[0] = k;
        op->vlen = bench_gen_vlen(&r->gen);
        return 1;
    }
    bench_gen_next(&r->gen, op);
    if (r->cfg.cluster)
        own_keys(r, op, t);
    return 1;
}

static int flush(struct bench_run *r, struct rconn *c)
{
    while (buf_rlen(&c->out) > 0) {
        ssize_t n = write(c->fd, buf_rptr(&c->out), buf_rlen(&c->out));
        if (n > 0) {
            buf_consume(&c->out, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        return set_err(r, RC_ERR_IO, "%s: write: %s", r->target[c->target].name,
                       n < 0 ? strerror(errno) : "closed");
    }
    int want = buf_rlen(&c->out) > 0;
    if (want != c->armed_out) {
        struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0u),
                                 .data.u32 = (uint32_t)(c - r->conn)};
        if (epoll_ctl(r->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0)
            return set_err(r, RC_ERR_IO, "epoll_ctl: %s", strerror(errno));
        c->armed_out = want;
    }
    return 0;
}

/* Tops c up to the pipeline depth (while the slice is sending) and writes. */
static int top_up(struct bench_run *r, struct slice *s, struct rconn *c, int64_t now)
{
    while (s->sending && s->budget > 0 && bench_conn_can_send(&c->bc)) {
        if (!next_op(r, s, c->target))
            break;
        int rc = bench_conn_send(&c->bc, &r->op, now, &c->out);
        if (rc != 0)
            return set_err(r, rc, "cannot queue a request: %s", rc_strerror(rc));
        s->budget--;
        r->inflight++;
    }
    return flush(r, c);
}

static int on_readable(struct bench_run *r, struct rconn *c, int64_t now)
{
    const char *name = r->target[c->target].name;
    if (buf_reserve(&c->in, READ_CHUNK) != 0)
        return set_err(r, RC_ERR_FULL, "%s: reply larger than %u bytes", name, BUF_MAX);
    ssize_t n = read(c->fd, buf_wptr(&c->in), buf_wlen(&c->in));
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (n <= 0)
        return set_err(r, RC_ERR_CLOSED, "%s: connection %s", name,
                       n == 0 ? "closed by the server" : strerror(errno));
    buf_commit(&c->in, (size_t)n);
    size_t used = 0;
    int done = bench_conn_recv(&c->bc, buf_rptr(&c->in), buf_rlen(&c->in), now, &used);
    buf_consume(&c->in, used);
    if (done < 0)
        return set_err(r, done, "%s: %s", name, c->bc.stats->first_error);
    r->inflight -= (uint64_t)done;
    c->dirty = 1;
    return 0;
}

/* Credits the measured slice's targets with the time since the last mark. */
static void credit(struct bench_run *r, const struct slice *s, int64_t now)
{
    for (unsigned t = 0; t < r->ntargets; t++)
        if ((s->mask >> t) & 1u)
            r->target[t].active_ns += now - r->mark;
    r->mark = now;
}

static void maybe_progress(struct bench_run *r, const struct slice *s, int64_t now)
{
    if (!s->measured || !r->cfg.progress || now < r->next_progress)
        return;
    credit(r, s, now);
    r->next_progress += 1000000000LL;
    if (r->next_progress < now)
        r->next_progress = now + 1000000000LL;
    r->cfg.progress(r->cfg.progress_arg, r, (double)(now - r->measure_t0) / 1e9);
}

static int stop_requested(const struct bench_run *r)
{
    return r->cfg.stop && *r->cfg.stop;
}

static int run_slice(struct bench_run *r, struct slice *s)
{
    struct epoll_event ev[128];
    int64_t now = clock_mono_ns();
    s->sending = 1;
    for (unsigned i = 0; i < r->nconn; i++) {
        struct rconn *c = &r->conn[i];
        if ((s->mask >> c->target) & 1u) {
            int rc = top_up(r, s, c, now);
            if (rc != 0)
                return rc;
        }
    }
    for (;;) {
        if (now >= s->deadline || s->budget == 0 || stop_requested(r))
            s->sending = 0;
        if (r->inflight == 0) /* drained, or nothing left to send (fill done, budget spent) */
            return 0;
        if (now > s->deadline + DRAIN_LIMIT_NS)
            return set_err(r, RC_ERR_TIMEOUT, "%llu replies still missing after 10 s",
                           (unsigned long long)r->inflight);
        int64_t wait_ns = s->sending ? s->deadline - now : 100000000;
        int wait_ms = wait_ns > 100000000 ? 100 : (int)(wait_ns / 1000000) + 1;
        int n = epoll_wait(r->epfd, ev, 128, wait_ms);
        if (n < 0 && errno != EINTR)
            return set_err(r, RC_ERR_IO, "epoll_wait: %s", strerror(errno));
        now = clock_mono_ns();
        for (int i = 0; i < n; i++) {
            struct rconn *c = &r->conn[ev[i].data.u32];
            int rc = 0;
            if (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                rc = on_readable(r, c, now);
            if (rc == 0 && (ev[i].events & EPOLLOUT))
                c->dirty = 1;
            if (rc != 0)
                return rc;
        }
        for (int i = 0; i < n; i++) {
            struct rconn *c = &r->conn[ev[i].data.u32];
            if (!c->dirty)
                continue;
            c->dirty = 0;
            int rc = top_up(r, s, c, now);
            if (rc != 0)
                return rc;
        }
        maybe_progress(r, s, now);
    }
}

/* ---- phases ---- */

static void point_stats(struct bench_run *r, int measured)
{
    for (unsigned i = 0; i < r->nconn; i++) {
        struct rconn *c = &r->conn[i];
        c->bc.stats = measured ? &r->target[c->target].stats : &r->scratch;
    }
}

/* The target groups driven together: every shard at once in cluster mode, else one each. */
static unsigned groups(const struct bench_run *r, uint64_t *mask)
{
    if (r->cfg.cluster) {
        mask[0] = (1ull << r->ntargets) - 1;
        return 1;
    }
    for (unsigned t = 0; t < r->ntargets; t++)
        mask[t] = 1ull << t;
    return r->ntargets;
}

static int unmeasured(struct bench_run *r, enum slice_mode mode, int64_t len)
{
    uint64_t mask[BENCH_RUN_TARGETS_MAX];
    unsigned ng = groups(r, mask);
    for (unsigned g = 0; g < ng && !stop_requested(r); g++) {
        struct slice s = {.mask = mask[g], .mode = mode, .budget = UINT64_MAX};
        s.deadline = clock_mono_ns() + len;
        int rc = run_slice(r, &s);
        if (rc != 0)
            return rc;
    }
    return 0;
}

struct group_left {
    int64_t time;
    uint64_t requests;
};

static int group_done(const struct bench_run *r, const struct group_left *left)
{
    return (r->cfg.duration_ns > 0 && left->time <= 0) ||
           (r->cfg.requests > 0 && left->requests == 0);
}

static int measured_slice(struct bench_run *r, uint64_t mask, struct group_left *left)
{
    int64_t ticks0[BENCH_RUN_TARGETS_MAX];
    for (unsigned t = 0; t < r->ntargets; t++)
        ticks0[t] =
            ((mask >> t) & 1u) && r->target[t].pid ? bench_run_proc_ticks(r->target[t].pid) : -1;
    int64_t start = clock_mono_ns();
    int64_t len = INT64_MAX / 4;
    if (r->cfg.duration_ns > 0)
        len = r->cfg.slice_ns > 0 && r->cfg.slice_ns < left->time ? r->cfg.slice_ns : left->time;
    struct slice s = {.mask = mask, .mode = SLICE_MIX, .deadline = start + len, .measured = 1};
    s.budget = r->cfg.requests > 0 ? left->requests : UINT64_MAX;
    uint64_t budget0 = s.budget;
    r->mark = start;
    int rc = run_slice(r, &s);
    credit(r, &s, clock_mono_ns());
    left->time -= len;
    if (r->cfg.requests > 0)
        left->requests -= budget0 - s.budget;
    for (unsigned t = 0; t < r->ntargets; t++) {
        if (!((mask >> t) & 1u))
            continue;
        r->target[t].slices++;
        int64_t ticks1 = ticks0[t] >= 0 ? bench_run_proc_ticks(r->target[t].pid) : -1;
        if (ticks1 >= ticks0[t] && ticks0[t] >= 0)
            r->target[t].cpu_ticks += (uint64_t)(ticks1 - ticks0[t]);
    }
    return rc;
}

static int measure(struct bench_run *r)
{
    uint64_t mask[BENCH_RUN_TARGETS_MAX];
    struct group_left left[BENCH_RUN_TARGETS_MAX];
    unsigned ng = groups(r, mask);
    for (unsigned g = 0; g < ng; g++)
        left[g] = (struct group_left){r->cfg.duration_ns, r->cfg.requests};
    r->measure_t0 = clock_mono_ns();
    r->next_progress = r->measure_t0 + 1000000000LL;
    for (unsigned round = 0; !stop_requested(r); round++) {
        int any = 0;
        /* A B, B A, A B, ...: neither target always runs right after the other. */
        for (unsigned i = 0; i < ng; i++) {
            unsigned g = round % 2 ? ng - 1 - i : i;
            if (group_done(r, &left[g]))
                continue;
            any = 1;
            int rc = measured_slice(r, mask[g], &left[g]);
            if (rc != 0)
                return rc;
        }
        if (!any)
            break;
    }
    return 0;
}

int bench_run_execute(struct bench_run *r)
{
    if (r->conn)
        return set_err(r, RC_ERR_INVAL, "a run executes once");
    int rc = connect_all(r);
    if (rc != 0)
        return rc;
    if (r->cfg.cluster) {
        uint64_t seen = 0;
        for (uint64_t k = 0; k < r->gcfg.nkeys; k++)
            seen |= 1ull << (r->cfg.owner[k] % 64);
        for (unsigned t = 0; t < r->ntargets; t++)
            if (!((seen >> t) & 1u))
                return set_err(r, RC_ERR_INVAL, "%s owns none of the keys", r->target[t].name);
    }
    point_stats(r, 0);
    if (r->cfg.preload && (rc = unmeasured(r, SLICE_FILL, INT64_MAX / 4)) != 0)
        return rc;
    if (r->cfg.warmup_ns > 0 && (rc = unmeasured(r, SLICE_MIX, r->cfg.warmup_ns)) != 0)
        return rc;
    point_stats(r, 1);
    return measure(r);
}
