/* main: ringcached's entry point: parse the memcached-compatible command line, optionally
 * daemonize (the parent exits with the daemon's start-up verdict), write the pid file and drop
 * privileges, then run the server until SIGINT/SIGTERM
 * (or an enabled "shutdown" command) and stop cleanly.
 *
 * Signals: SIGPIPE is ignored (writes use MSG_NOSIGNAL too); SIGINT and SIGTERM are blocked in
 * every thread before any is created and read through the server's signalfd, so a signal never
 * interrupts a worker mid-request. Exit status: 0 after a clean stop, 64 (EX_USAGE) for a bad
 * command line, 1 when start-up fails. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ringcache/status.h"
#include "server.h"
#include "settings.h"

#define EXIT_USAGE 64

static int drop_privileges(const char *user)
{
    if (getuid() != 0 && geteuid() != 0)
        return 0; /* nothing to drop; memcached ignores -u then too */
    struct passwd *pw = getpwnam(user);
    if (pw == NULL) {
        fprintf(stderr, "can't find the user %s to switch to\n", user);
        return -1;
    }
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        fprintf(stderr, "failed to assume identity of user %s: %s\n", user, strerror(errno));
        return -1;
    }
    return 0;
}

/* Raises the soft fd limit so that -c connections fit (as memcached does); best effort. */
static void raise_fd_limit(int maxconns, int threads)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)maxconns + (rlim_t)threads * 4 + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
        fprintf(stderr, "warning: the fd limit (%llu) is below what -c %d needs\n",
                (unsigned long long)rl.rlim_cur, maxconns);
}

/* Forks; the parent waits for the child's start-up verdict (one byte on a pipe) and exits with
 * it, so `ringcached -d` on a busy port still fails visibly. Returns the pipe's write end in the
 * child, or -1. */
static int daemonize_start(void)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(p[1]);
        unsigned char verdict = 1;
        ssize_t n;
        while ((n = read(p[0], &verdict, 1)) < 0 && errno == EINTR)
            ;
        _exit(n == 1 ? verdict : 1);
    }
    close(p[0]);
    if (setsid() < 0 || chdir("/") != 0) {
        close(p[1]);
        return -1;
    }
    return p[1];
}

/* In the daemon: detaches stdio and reports the verdict (0: running) to the waiting parent. */
static void daemonize_finish(int notify, unsigned char verdict)
{
    if (notify < 0)
        return;
    if (verdict == 0) {
        FILE *r = freopen("/dev/null", "r", stdin);
        FILE *w = freopen("/dev/null", "w", stdout);
        FILE *e = freopen("/dev/null", "w", stderr);
        (void)r, (void)w, (void)e;
    }
    ssize_t n = write(notify, &verdict, 1);
    (void)n;
    close(notify);
}

static int write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "Could not open the pid file %s for writing: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f, "%ld\n", (long)getpid());
    return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct settings s;
    char err[512], warn[1024];
    settings_init(&s);
    if (settings_parse(&s, argc, argv, err, sizeof(err), warn, sizeof(warn)) != RC_OK) {
        fprintf(stderr, "ringcached: %s\n", err);
        return EXIT_USAGE;
    }
    fputs(warn, stderr);
    if (s.help) {
        settings_usage(stdout);
        return 0;
    }
    if (s.version) {
        printf("ringcached %s\n", RC_VERSION);
        return 0;
    }
    raise_fd_limit(s.maxconns, s.threads);
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    int notify = -1;
    if (s.daemonize && (notify = daemonize_start()) < 0) {
        fprintf(stderr, "failed to daemonize: %s\n", strerror(errno));
        return 1;
    }
    struct server *srv = NULL;
    int bad = server_create(&srv, &s, true, err, sizeof(err)) != RC_OK;
    if (bad)
        fprintf(stderr, "ringcached: %s\n", err);
    bad = bad || (s.pidfile[0] != '\0' && write_pidfile(s.pidfile) != 0);
    bad = bad || (s.user[0] != '\0' && drop_privileges(s.user) != 0);
    daemonize_finish(notify, (unsigned char)bad);
    if (bad) {
        server_destroy(&srv);
        return 1;
    }
    if (s.verbose > 0)
        fprintf(stderr, "ringcached %s: listening (port %d), %d threads\n", RC_VERSION,
                server_port(srv), s.threads);
    int rc = server_run(srv);
    server_destroy(&srv);
    if (s.pidfile[0] != '\0')
        unlink(s.pidfile);
    return rc == RC_OK ? 0 : 1;
}
