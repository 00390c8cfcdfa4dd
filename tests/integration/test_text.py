"""Text protocol behaviour that a fixed transcript cannot express: clock-driven expiry, delayed
flush, stats, value-size limits, deep pipelines, huge multi-gets, partial reads and writes.
Expectations are memcached 1.6's (RC_TARGET=memcached proves them)."""

import threading
import time

import harness
from harness import poll_until, ukey


def test_relative_and_absolute_exptime_expire(conn):
    rel, ab, keep, zero = ukey("exp_rel"), ukey("exp_abs"), ukey("exp_keep"), ukey("exp_zero")
    now = int(conn.stats()["time"])
    conn.set(rel, "r", exptime=1)
    conn.set(ab, "a", exptime=now + 2)  # above 30 days: an absolute unix time
    conn.set(keep, "k", exptime=3600)
    conn.set(zero, "z", exptime=0)
    assert conn.get(rel) == b"r" and conn.get(ab) == b"a"
    poll_until(lambda: conn.get(rel) is None and conn.get(ab) is None, 6, "items to expire")
    assert conn.get(keep) == b"k"
    assert conn.get(zero) == b"z"


def test_touch_extends_and_shortens_life(conn):
    a, b = ukey("touch_ext"), ukey("touch_short")
    conn.set(a, "a", exptime=1)
    conn.set(b, "b", exptime=3600)
    conn.cmd("touch %s 3600" % a, "TOUCHED\r\n")
    conn.cmd("touch %s 1" % b, "TOUCHED\r\n")
    poll_until(lambda: conn.get(b) is None, 6, "touched item to expire")
    assert conn.get(a) == b"a"


def test_flush_all_with_delay(make_server):
    srv = make_server()
    with srv.connect() as c:
        old = [ukey("flush_old") for _ in range(5)]
        for k in old:
            c.set(k, "v")
        c.cmd("flush_all 2", "OK\r\n")
        assert c.get(old[0]) == b"v"  # still there before the delay passes
        poll_until(lambda: c.get(old[1]) is None, 6, "delayed flush to take effect")
        assert all(c.get(k) is None for k in old)
        # memcached drops items set within the flush's own second too; later ones live
        def new_item_lives():
            new = ukey("flush_new")
            c.set(new, "n")
            return c.get(new) == b"n"

        poll_until(new_item_lives, 4, "items set after the flush to live")
        assert int(c.stats()["cmd_flush"]) == 1


def test_stats_fields(make_server):
    srv = make_server(["-m", "32", "-t", "3", "-c", "500"])
    with srv.connect() as c, srv.connect() as c2:
        c.set(ukey("st"), "hello")
        k = ukey("st")
        c.set(k, "12345")
        assert c.get(k) == b"12345" and c.get(ukey("st_miss")) is None
        c2.sync()
        st = c.stats()
        assert int(st["pid"]) == srv.pid
        assert int(st["threads"]) == 3
        assert int(st["limit_maxbytes"]) == 32 * 1024 * 1024
        assert int(st["max_connections"]) == 500
        assert int(st["curr_connections"]) >= 2
        assert int(st["total_connections"]) >= 3
        assert int(st["curr_items"]) == 2 and int(st["total_items"]) == 2
        assert int(st["cmd_get"]) == 2 and int(st["get_hits"]) == 1 and int(st["get_misses"]) == 1
        assert int(st["cmd_set"]) == 2
        assert int(st["bytes"]) >= 10
        assert int(st["evictions"]) == 0
        assert abs(int(st["time"]) - time.time()) <= 5
        assert 0 <= int(st["uptime"]) < 60
        c.send("version\r\n")
        assert c.read_line() == ("VERSION %s\r\n" % st["version"]).encode()


def test_stats_settings_items_slabs_reset(make_server):
    srv = make_server(["-m", "48", "-t", "2", "-c", "300", "-I", "2m"])
    with srv.connect() as c:
        k = ukey("sr")
        c.set(k, "x" * 100)
        assert c.get(k) is not None
        s = c.stats("settings")
        assert int(s["maxbytes"]) == 48 * 1024 * 1024
        assert int(s["maxconns"]) == 300
        assert int(s["tcpport"]) == srv.port
        assert int(s["num_threads"]) == 2
        assert int(s["item_size_max"]) == 2 * 1024 * 1024
        assert s["cas_enabled"] == "yes"
        items = c.stats("items")
        assert items and all(name.startswith("items:") for name in items)
        if harness.TARGET == "memcached":  # ringcached shapes items/slabs to its own storage
            assert sum(int(v) for n, v in items.items() if n.endswith(":number")) == 1
        slabs = c.stats("slabs")
        assert slabs, "stats slabs is empty"
        c.cmd("stats reset", "RESET\r\n")
        st = c.stats()
        assert int(st["get_hits"]) == 0 and int(st["cmd_get"]) == 0 and int(st["total_items"]) == 0
        assert int(st["curr_items"]) == 1  # reset clears counters, not the cache
        assert c.get(k) is not None
        c.cmd("stats bogus_group", "ERROR\r\n")


def test_values_up_to_item_size_max(make_server):
    srv = make_server(["-m", "64", "-I", "1m"])
    with srv.connect() as c:
        big, toobig = ukey("big"), ukey("toobig")
        value = bytes(range(256)) * ((1024 * 1024 - 1024) // 256)
        c.set(big, value)
        assert c.get(big) == value
        c.set(toobig, "small")
        # too large: the data block is swallowed, then the error; the old value is gone (memcached)
        c.send(b"set %s 0 0 %d\r\n" % (toobig.encode(), 1024 * 1024 + 1) + b"z" * (1024 * 1024 + 1)
               + b"\r\n")
        c.expect(b"SERVER_ERROR object too large for cache\r\n")
        assert c.get(toobig) is None
        assert c.get(big) == value


def test_larger_item_size_max(make_server):
    srv = make_server(["-m", "64", "-I", "4m"])
    with srv.connect() as c:
        k = ukey("big4")
        value = b"0123456789abcdef" * (3 * 1024 * 1024 // 16)
        c.set(k, value)
        assert c.get(k) == value


def _send_in_thread(c, data):
    t = threading.Thread(target=c.send, args=(data,), daemon=True)
    t.start()
    return t


def test_deep_pipeline_answered_in_order(conn):
    n = 5000
    keys = [ukey("pipe") for _ in range(n)]
    req = bytearray()
    for i, k in enumerate(keys):
        req += b"set %s %d 0 %d\r\n%d\r\n" % (k.encode(), i, len(str(i)), i)
        req += b"get %s\r\n" % k.encode()
        req += b"incr %s 1\r\n" % k.encode()
    t = _send_in_thread(conn, bytes(req))  # the server's replies must be read while we write
    for i, k in enumerate(keys):
        conn.expect(b"STORED\r\n")
        conn.expect(b"VALUE %s %d %d\r\n%d\r\nEND\r\n" % (k.encode(), i, len(str(i)), i))
        conn.expect(b"%d\r\n" % (i + 1))
    t.join(10)
    assert not t.is_alive()
    conn.sync()


def test_multiget_thousands_of_keys(conn):
    n = 4000
    keys = [ukey("mget") for _ in range(n)]
    req = b"".join(b"set %s 0 0 %d noreply\r\n%s\r\n" % (k.encode(), len(k), k.encode())
                   for k in keys[::2])
    conn.send(req)
    conn.sync()
    t = _send_in_thread(conn, b"get " + " ".join(keys).encode() + b"\r\n")
    for k in keys[::2]:
        conn.expect(b"VALUE %s 0 %d\r\n%s\r\n" % (k.encode(), len(k), k.encode()))
    conn.expect(b"END\r\n")
    t.join(10)
    conn.send(b"gets " + " ".join(keys[:1000]).encode() + b"\r\n")
    for k in keys[:1000:2]:
        line = conn.read_line()
        assert line.startswith(b"VALUE %s 0 %d " % (k.encode(), len(k))), line
        conn.expect(k.encode() + b"\r\n")
    conn.expect(b"END\r\n")


def test_writes_to_other_keys_keep_each_cas(conn):
    """A cas belongs to its item: writing 2,000 other keys after 2,000 keys changes none of their
    cas values (a cas taken from a shared hash bucket would), the values are unique, and each still
    takes a `cas` update with it."""
    first = [ukey("casa") for _ in range(2000)]
    later = [ukey("casb") for _ in range(2000)]

    def set_all(keys):
        conn.send(b"".join(b"set %s 0 0 1 noreply\r\nv\r\n" % k.encode() for k in keys))
        conn.sync()

    def cas_of(keys):
        conn.send(b"gets " + " ".join(keys).encode() + b"\r\n")
        out = {}
        for k in keys:
            line = conn.read_line().split()
            assert line[:4] == [b"VALUE", k.encode(), b"0", b"1"], line
            out[k] = int(line[4])
            conn.expect(b"v\r\n")
        conn.expect(b"END\r\n")
        return out

    set_all(first)
    before = cas_of(first)
    assert len(set(before.values())) == len(first)
    set_all(later)
    assert cas_of(first) == before
    for k in first[:50]:
        conn.cmd(b"cas %s 0 0 1 %d\r\nw" % (k.encode(), before[k]), b"STORED\r\n")


def test_requests_dribbled_one_byte_at_a_time(conn):
    k = ukey("dribble")
    value = b"hello\r\nworld"
    req = b"set %s 3 0 %d\r\n%s\r\nget %s\r\ndelete %s\r\nget %s\r\n" % (
        k.encode(), len(value), value, k.encode(), k.encode(), k.encode())
    for i in range(len(req)):
        conn.send(req[i:i + 1])
    conn.expect(b"STORED\r\nVALUE %s 3 %d\r\n%s\r\nEND\r\nDELETED\r\nEND\r\n" % (
        k.encode(), len(value), value))


def test_slow_reader_gets_every_byte(conn):
    """Replies far larger than socket buffers while the client does not read: the server must
    do partial writes and resume, losing nothing and keeping the order (12 MB of replies are
    requested before the first read)."""
    k = ukey("slowread")
    value = bytes((i * 7) & 0xFF for i in range(600 * 1024))
    conn.set(k, value)
    reps = 20
    conn.send(b"get %s\r\n" % k.encode() * reps)
    head = b"VALUE %s 0 %d\r\n" % (k.encode(), len(value))
    for _ in range(reps):
        got = b""
        want = len(head) + len(value) + 2 + 5
        while len(got) < want:  # small reads: the reply arrives in many pieces
            got += conn.read_exact(min(8192, want - len(got)))
        assert got == head + value + b"\r\nEND\r\n"
    conn.sync()
