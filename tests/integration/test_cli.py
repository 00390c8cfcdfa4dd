"""Command line: -h, -V, invalid values refused at once with a message, and the -c limit."""

import subprocess
import time

import pytest

import harness


def run(args, timeout=10):
    """Runs the server with args on a free 127.0.0.1 port; it must exit within timeout."""
    argv = harness.base_argv() + ["-U", "0", "-p", str(harness.free_port())] + args
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


def test_help_exits_zero():
    rc, out = run(["-h"])
    assert rc == 0
    for flag in ("-p", "-l", "-m", "-c", "-t", "-I"):
        assert flag in out, "-h does not mention " + flag


def test_version_flag():
    rc, out = run(["-V"])
    assert rc == 0
    assert out.split()[0] in ("memcached", "ringcached") and len(out.split()) >= 2, out


@pytest.mark.parametrize("args", [
    ["-c", "0"],
    ["-t", "0"],
    ["-I", "512"],
    ["-I", "1023"],
    ["-m", "64", "-I", "128m"],
    ["-B", "bogus"],
    ["-l", "nonexistent.invalid"],
], ids=lambda a: " ".join(a))
def test_invalid_values_exit_nonzero(args):
    rc, out = run(["-l", "127.0.0.1"] + args if "-l" not in args else args)
    assert rc != 0, "accepted %s" % args
    assert out.strip(), "no message for %s" % args


def test_connection_limit(make_server):
    limit = 20
    srv = make_server(["-c", str(limit), "-t", "1"])
    accepted, rejected = [], None
    try:
        for _ in range(limit + 10):
            c = srv.connect()
            c.send(b"version\r\n")
            line = c.read_line()
            if line.startswith(b"VERSION "):
                accepted.append(c)
                continue
            rejected = c
            assert line == b"ERROR Too many open connections\r\n", line
            assert c.closed_by_peer(), "rejected connection left open"
            break
        assert rejected is not None, "more than -c %d connections accepted" % limit
        assert 1 <= len(accepted) <= limit
        for c in accepted[1:]:
            c.sync()  # the accepted ones keep working
    finally:
        for c in accepted:
            c.close()
        if rejected:
            rejected.close()

    def fresh_connection_served():
        with srv.connect() as c:
            c.send(b"version\r\n")
            try:
                return c.read_line().startswith(b"VERSION ")
            except EOFError:
                return False

    harness.poll_until(fresh_connection_served, 5, "a slot to free up after closing")


def test_idle_poll_us_option(make_server):
    """-o idle_poll_us bounds how long a worker polls for work before it sleeps: shown in stats
    settings (50 by default). With none and with the most, four workers serve two interleaved
    connections."""
    if harness.TARGET == "memcached":
        pytest.skip("a ringcached option")
    for arg, want in ((None, "50"), ("idle_poll_us=0", "0"), ("idle_poll_us=1000", "1000")):
        srv = make_server(["-t", "4"] + (["-o", arg] if arg else []))
        with srv.connect() as c, srv.connect() as d:
            assert c.stats("settings")["idle_poll_us"] == want
            for i in range(200):
                c.cmd("set p%d 0 0 1\r\nx" % i, "STORED\r\n")
                d.cmd("get p%d" % i, "VALUE p%d 0 1\r\nx\r\nEND\r\n" % i)


def test_idle_workers_sleep(make_server):
    """After a burst of requests every worker stops polling and sleeps: an idle server uses no CPU.
    (A poll window that never closed would keep four workers busy: some 200 clock ticks a second.)"""
    if harness.TARGET == "memcached":
        pytest.skip("a ringcached property (memcached's housekeeping threads wake on timers)")
    srv = make_server(["-t", "4"])
    conns = [srv.connect() for _ in range(4)]
    try:
        for i in range(300):
            c = conns[i % 4]
            c.cmd("set w%d 0 0 2\r\nab" % i, "STORED\r\n")
            c.cmd("get w%d" % i, "VALUE w%d 0 2\r\nab\r\nEND\r\n" % i)

        def cpu_ticks():
            with open("/proc/%d/stat" % srv.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime + stime

        # the windows close within microseconds; measure one second of idleness after that
        t0 = cpu_ticks()
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            time.sleep(0.05)
        used = cpu_ticks() - t0
        assert used <= 5, "idle server used %d clock ticks in 1 s" % used
        conns[0].cmd("get w1", "VALUE w1 0 2\r\nab\r\nEND\r\n")  # and it still serves
    finally:
        for c in conns:
            c.close()


def test_idle_timeout_option(make_server):
    srv = make_server(["-o", "idle_timeout=1"])
    with srv.connect() as idle:
        idle.sync()
        assert idle.closed_by_peer(timeout=8), "idle connection not closed"
        assert idle.buf == b""
    with srv.connect() as c:  # the server itself keeps serving
        c.sync()
