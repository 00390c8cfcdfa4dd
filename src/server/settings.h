/* settings: ringcached's command line, memcached-compatible (same letters, long names and
 * defaults where the feature exists). One X-macro table (SETTINGS_OPTIONS) feeds getopt, -h and
 * docs/operations.md. */
#ifndef RC_SERVER_SETTINGS_H
#define RC_SERVER_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define RC_VERSION          "1.6.18-ringcache-0.1.0"
#define SETTINGS_LISTEN_MAX 8
#define SETTINGS_HOST_MAX   256

enum settings_proto { SETTINGS_PROTO_AUTO, SETTINGS_PROTO_ASCII, SETTINGS_PROTO_BINARY };

struct settings {
    int port;                                            /* -p */
    int udp_port;                                        /* -U: only 0 is accepted */
    char listen[SETTINGS_LISTEN_MAX][SETTINGS_HOST_MAX]; /* -l, may carry ":port" */
    int nlisten;
    char unix_path[108];       /* -s: "" = none; a unix socket disables TCP, as memcached */
    int unix_mask;             /* -a, octal */
    size_t maxbytes;           /* -m */
    bool no_evict;             /* -M */
    int maxconns;              /* -c */
    int threads;               /* -t */
    size_t item_size_max;      /* -I */
    bool no_cas;               /* -C */
    bool no_flush;             /* -F */
    bool shutdown_enabled;     /* -A */
    int reqs_per_event;        /* -R */
    int backlog;               /* -b */
    enum settings_proto proto; /* -B */
    int verbose;               /* -v (count) */
    bool daemonize;            /* -d */
    char pidfile[256];         /* -P */
    char user[64];             /* -u */
    int idle_timeout;          /* -o idle_timeout=N, seconds, 0 = off */
    int idle_poll_us;          /* -o idle_poll_us=N: longest poll window before sleeping */
    bool help, version;        /* -h, -V */
};

/* -o idle_poll_us: after work, a worker polls for new events up to this many microseconds before
 * it sleeps (the window adapts between 0 and this limit: src/event/spin.h). At depth 1 the clients'
 * next requests come within microseconds, and a sleep costs a wake-up (scheduler work, and in a VM
 * tens of microseconds of CPU on both sides): docs/performance.md, changes 18 and 19. */
#define SETTINGS_IDLE_POLL_US_DEFAULT 50
#define SETTINGS_IDLE_POLL_US_MAX     1000

/* Fills s with the defaults. */
void settings_init(struct settings *s);
/* Parses argv into s (call settings_init first). Returns 0, or RC_ERR_INVAL with a message for
 * the user in err (size errlen). Warnings (unknown -o keys) are appended to warn (may be empty). */
int settings_parse(struct settings *s, int argc, char **argv, char *err, size_t errlen, char *warn,
                   size_t warnlen);
/* Writes the -h text (only what works) to out. */
void settings_usage(FILE *out);
/* Writes "STAT name value\r\n" lines of `stats settings` through the callback. */
void settings_stats(const struct settings *s,
                    void (*emit)(void *arg, const char *name, const char *value), void *arg);
/* Name of a protocol setting as `stats settings` prints it. */
const char *settings_proto_name(enum settings_proto p);

#endif
