"""Real clients in text mode: python-memcached, pymemcache, pylibmc, and memccapable -a."""

import re
import subprocess

import memcache
import pylibmc
import pytest
from pymemcache.client.base import Client as PymemcacheClient

from harness import ukey


@pytest.fixture
def pymc(server):
    c = memcache.Client([server.addr()], cache_cas=True)
    yield c
    c.disconnect_all()


def test_python_memcached_basic(pymc):
    k = ukey("pm")
    assert pymc.set(k, "value")
    assert pymc.get(k) == "value"
    assert pymc.set(k, 123) and pymc.get(k) == 123  # ints travel with a flags marker
    assert pymc.set(k, {"a": [1, 2]}) and pymc.get(k) == {"a": [1, 2]}  # pickled, flags say so
    assert not pymc.add(k, "x")
    assert pymc.replace(k, "r") and pymc.get(k) == "r"
    assert pymc.append(k, "s") and pymc.prepend(k, "p") and pymc.get(k) == "prs"
    assert pymc.delete(k) and pymc.get(k) is None
    assert not pymc.replace(k, "x")
    assert pymc.touch(ukey("pm_missing"), 10) == 0


def test_python_memcached_counters_and_cas(server, pymc):
    k = ukey("pmc")
    assert pymc.set(k, "10")
    assert pymc.incr(k, 5) == 15
    assert pymc.decr(k, 20) == 0
    assert pymc.incr(ukey("pmc_missing")) is None
    assert pymc.gets(k) == "0 "  # memcached decrements in place, padding with a space
    assert pymc.cas(k, "won")
    assert pymc.get(k) == "won"
    pymc.gets(k)
    other = memcache.Client([server.addr()])
    assert other.set(k, "interloper")
    assert not pymc.cas(k, "lost")
    assert pymc.get(k) == "interloper"
    other.disconnect_all()


def test_python_memcached_multi_and_large(pymc):
    items = {ukey("pmm"): ("v%d" % i) * (i + 1) for i in range(500)}
    assert pymc.set_multi(items) == []
    got = pymc.get_multi(list(items) + [ukey("pmm_missing")])
    assert got == items
    big = "B" * (900 * 1024)
    k = ukey("pmbig")
    assert pymc.set(k, big)
    assert pymc.get(k) == big
    assert pymc.delete_multi(list(items)[:100]) == 1
    assert pymc.get_multi(list(items)[:100]) == {}


def test_pymemcache(server):
    c = PymemcacheClient(("127.0.0.1", server.port), default_noreply=False, connect_timeout=5,
                         timeout=5)
    try:
        k = ukey("pym")
        assert c.set(k, b"abc", expire=100)
        assert c.get(k) == b"abc"
        assert c.add(k, b"x") is False
        assert c.replace(k, b"def") is True
        assert c.append(k, b"g") and c.prepend(k, b"_")
        assert c.get(k) == b"_defg"
        value, cas = c.gets(k)
        assert value == b"_defg"
        assert c.cas(k, b"new", cas) is True
        assert c.cas(k, b"newer", cas) is False
        assert c.touch(k, 50) is True
        n = ukey("pymn")
        c.set(n, b"7")
        assert c.incr(n, 3) == 10 and c.decr(n, 11) == 0
        assert c.incr(ukey("pym_missing"), 1) is None
        many = {ukey("pymm"): b"%d" % i for i in range(300)}
        assert c.set_many(many) == []
        assert c.get_many(list(many)) == many
        assert c.delete(k) is True and c.get(k) is None
        c.set(ukey("pym_nr"), b"x", noreply=True)
        assert c.version()
        stats = c.stats()
        assert int(stats[b"curr_connections"]) >= 1
    finally:
        c.close()


def test_pylibmc_text(server):
    c = pylibmc.Client([server.addr()], binary=False)
    try:
        k = ukey("plm")
        c.set(k, "text")
        assert c.get(k) == "text"
        c.set(k, 42)
        assert c.get(k) == 42
        assert c.add(k, "no") is False
        c.replace(k, "yes")
        assert c.get(k) == "yes"
        c.append(k, "!")
        c.prepend(k, "<")
        assert c.get(k) == "<yes!"
        n = ukey("plmn")
        c.set(n, "5")
        assert c.incr(n, 10) == 15 and c.decr(n, 100) == 0
        with pytest.raises(pylibmc.NotFound):
            c.incr(ukey("plm_missing"))
        items = {ukey("plmm"): "x" * i for i in range(1, 400)}
        assert c.set_multi(items) == []
        assert c.get_multi(list(items)) == items
        assert c.delete(k) and c.get(k) is None
        assert c.touch(n, 100)
    finally:
        c.disconnect_all()


def run_memccapable(srv, proto_flag):
    p = subprocess.run(["memccapable", proto_flag, "-h", "127.0.0.1", "-p", str(srv.port), "-t",
                        "5"], capture_output=True, timeout=120)
    out = p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")
    results = re.findall(r"^(\w+ [\w ]+?)\s+\[(\w+)\]\s*$", out, re.M)
    return p.returncode, out, results


def test_memccapable_ascii(make_server):
    srv = make_server()  # memccapable flushes the server: it gets its own
    rc, out, results = run_memccapable(srv, "-a")
    assert len(results) >= 20, out
    failed = [name for name, res in results if res != "pass"]
    assert not failed, "memccapable -a failed: %s\n%s" % (failed, out)
    assert all(name.startswith("ascii ") for name, _ in results)
    assert rc == 0 and "All tests passed" in out, out
