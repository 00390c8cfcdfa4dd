"""Memory limits (-m with eviction, -M out of memory), shutdown (-A), and the stats fields the
node issue names as memcached's."""

import subprocess

from harness import ukey

VALUE = b"v" * 10000


def fill(c, n):
    """Sets n fresh 10 kB items, pipelined per batch; returns (keys, first error line or None)."""
    keys = [ukey("fill") for _ in range(n)]
    for start in range(0, n, 100):
        batch = keys[start:start + 100]
        c.send(b"".join(b"set %s 0 0 %d\r\n%s\r\n" % (k.encode(), len(VALUE), VALUE)
                        for k in batch))
        for i, k in enumerate(batch):
            line = c.read_line()
            if line != b"STORED\r\n":
                for _ in batch[i + 1:]:
                    c.read_line()
                return keys[:start + i], line
    return keys, None


def test_memory_limit_evicts(make_server):
    srv = make_server(["-m", "8", "-t", "2"])
    with srv.connect() as c:
        keys, err = fill(c, 3000)  # 30 MB into 8 MB
        assert err is None, err
        st = c.stats()
        assert int(st["bytes"]) <= int(st["limit_maxbytes"]) == 8 * 1024 * 1024
        assert int(st["evictions"]) > 0
        assert int(st["curr_items"]) < 3000
        assert c.get(keys[-1]) == VALUE  # the newest item survives
        assert c.get(keys[0]) is None  # the oldest untouched one is gone


def test_memory_limit_without_eviction(make_server):
    srv = make_server(["-m", "8", "-t", "2", "-M"])
    with srv.connect() as c:
        keys, err = fill(c, 3000)
        assert err == b"SERVER_ERROR out of memory storing object\r\n", err
        assert len(keys) > 100
        st = c.stats()
        assert int(st["evictions"]) == 0
        assert c.get(keys[0]) == VALUE and c.get(keys[-1]) == VALUE  # nothing stored was lost


def test_shutdown_needs_A(make_server):
    srv = make_server()
    with srv.connect() as c:
        c.cmd("shutdown", "ERROR: shutdown not enabled\r\n")
        c.sync()


def test_shutdown_with_A(make_server):
    srv = make_server(["-A"])
    with srv.connect() as c:
        c.send("shutdown\r\n")
        assert c.closed_by_peer()
    try:
        srv.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError("server still running 10 s after shutdown") from None


def test_memcached_stats_names(server):
    names = ("pid uptime time version pointer_size rusage_user rusage_system max_connections "
             "curr_connections total_connections rejected_connections connection_structures "
             "cmd_get cmd_set cmd_flush cmd_touch get_hits get_misses get_expired get_flushed "
             "delete_misses delete_hits incr_misses incr_hits decr_misses decr_hits cas_misses "
             "cas_hits cas_badval touch_hits touch_misses bytes_read bytes_written limit_maxbytes "
             "threads bytes curr_items total_items evictions").split()
    st = server.stats()
    missing = [n for n in names if n not in st]
    assert not missing, missing
