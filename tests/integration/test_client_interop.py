"""libringcache interoperation: keys written by pylibmc (weighted md5 ketama), python-memcached
(crc32 buckets) and pymemcache's HashClient (rendezvous) are read back by the ringcache CLI (built
on the C client) in the matching --mode, and keys the CLI writes are read back by each Python
client. Each key lives on exactly one of three nodes, so a hit proves both sides place it on the
same node. Self-contained: starts its own three nodes (/usr/bin/memcached, and ringcached too when
RINGCACHED names it) on ephemeral 127.0.0.1 ports and stops them by PID."""

import os
import socket
import subprocess
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NKEYS = 120


def cli_path():
    candidates = []
    if os.environ.get("RC_BUILD"):
        candidates.append(os.path.join(os.environ["RC_BUILD"], "src", "tools", "ringcache"))
    if os.environ.get("RINGCACHED"):
        build = os.path.dirname(os.path.dirname(os.path.dirname(os.environ["RINGCACHED"])))
        candidates.append(os.path.join(build, "src", "tools", "ringcache"))
    candidates.append(os.path.join(ROOT, "build", "src", "tools", "ringcache"))
    for c in candidates:
        if os.access(c, os.X_OK):
            return c
    pytest.skip("ringcache CLI not built")


def node_binaries():
    bins = ["/usr/bin/memcached"]
    rcd = os.environ.get("RINGCACHED")
    if rcd and os.access(rcd, os.X_OK) and os.environ.get("RC_TARGET") != "memcached":
        bins.append(rcd)
    return bins


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_node(binary):
    """Starts one node; retries on another port if the chosen one was taken meanwhile."""
    for _ in range(5):
        port = free_port()
        args = [binary, "-p", str(port), "-l", "127.0.0.1", "-m", "64", "-t", "2"]
        if os.path.basename(binary) == "memcached":
            args += ["-U", "0", "-u", "root"]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, port
            except OSError:
                time.sleep(0.01)
        proc.kill()
        proc.wait()
    raise RuntimeError("cannot start %s" % binary)


@pytest.fixture(scope="module", params=node_binaries())
def nodes(request):
    started = [start_node(request.param) for _ in range(3)]
    yield ["127.0.0.1:%d" % port for _, port in started]
    for proc, _ in started:
        proc.kill()
        proc.wait()


def cli(*args, servers, mode, stdin=None):
    cmd = [cli_path(), "-s", ",".join(servers), "--mode", mode] + list(args)
    return subprocess.run(cmd, capture_output=True, timeout=60, input=stdin)


def flush(servers):
    r = cli("flush", servers=servers, mode="ketama")
    assert r.returncode == 0, r.stderr


def cli_get_all(servers, mode, keys):
    r = cli("get", *keys, servers=servers, mode=mode)
    assert r.returncode in (0, 1), r.stderr
    got = {}
    for line in r.stdout.decode().splitlines():
        k, _, v = line.partition(" ")
        got[k] = v
    return got


def pylibmc_client(servers):
    import pylibmc
    return pylibmc.Client(servers, behaviors={"ketama_weighted": True})


def memcache_client(servers):
    import memcache
    return memcache.Client(servers)


def pymemcache_client(servers):
    from pymemcache.client.hash import HashClient
    hosts = [(s.rsplit(":", 1)[0], int(s.rsplit(":", 1)[1])) for s in servers]
    # pymemcache sends sets with noreply by default; a read on another connection could then
    # overtake them (on memcached too), so wait for each reply.
    return HashClient(hosts, default_noreply=False)


CLIENTS = [
    ("pylibmc", pylibmc_client, "libmemcached/ketama-weighted-md5"),
    ("python-memcached", memcache_client, "python-memcached/crc32-modula"),
    ("pymemcache", pymemcache_client, "pymemcache/rendezvous-murmur3"),
]


def as_text(v):
    return v.decode() if isinstance(v, bytes) else v


@pytest.mark.parametrize("name,make,mode", CLIENTS, ids=[c[0] for c in CLIENTS])
def test_python_writes_c_reads(nodes, name, make, mode):
    flush(nodes)
    client = make(nodes)
    keys = ["py2c:%s:%d" % (name, i) for i in range(NKEYS)]
    for i, k in enumerate(keys):
        assert client.set(k, "v%d" % i)
    got = cli_get_all(nodes, mode, keys)
    assert got == {k: "v%d" % i for i, k in enumerate(keys)}
    # The default mode is the pylibmc/libmemcached one; a different mode finds far fewer keys.
    if name != "pylibmc":
        assert len(cli_get_all(nodes, "ketama", keys)) < NKEYS


@pytest.mark.parametrize("name,make,mode", CLIENTS, ids=[c[0] for c in CLIENTS])
def test_c_writes_python_reads(nodes, name, make, mode):
    flush(nodes)
    keys = ["c2py:%s:%d" % (name, i) for i in range(40)]
    for i, k in enumerate(keys):
        r = cli("set", k, "w%d" % i, servers=nodes, mode=mode)
        assert r.returncode == 0, r.stderr
    client = make(nodes)
    for i, k in enumerate(keys):
        assert as_text(client.get(k)) == "w%d" % i, k


def test_where_matches_pylibmc(nodes):
    """`ringcache where` names the node pylibmc wrote each key to (asked node by node)."""
    import pylibmc
    flush(nodes)
    client = pylibmc_client(nodes)
    keys = ["where:%d" % i for i in range(30)]
    for k in keys:
        assert client.set(k, "x")
    r = cli("where", *keys, servers=nodes, mode="ketama")
    assert r.returncode == 0, r.stderr
    owner = dict(line.split(" ")[:2] for line in r.stdout.decode().splitlines())
    for k in keys:
        holders = [s for s in nodes if pylibmc.Client([s]).get(k) is not None]
        assert holders == [owner[k]], k


def test_exit_status_and_stdin(nodes):
    mode = "ketama"
    assert cli("get", "exit:none", servers=nodes, mode=mode).returncode == 1
    assert cli("set", "exit:k", "-", servers=nodes, mode=mode, stdin=b"from stdin").returncode == 0
    r = cli("get", "exit:k", servers=nodes, mode=mode)
    assert (r.returncode, r.stdout) == (0, b"from stdin\n")
    assert cli("add", "exit:k", "x", servers=nodes, mode=mode).returncode == 1
    r = cli("incr", "exit:k", servers=nodes, mode=mode)
    assert r.returncode == 2 and b"not a number" in r.stderr
    dead = "127.0.0.1:%d" % free_port()
    r = cli("get", "exit:k", servers=[dead], mode=mode)
    assert r.returncode == 2 and r.stderr


def test_tutorial(nodes):
    """examples/tutorial.c: misses fill the cache from the 'database', the second round hits."""
    tutorial = os.path.join(os.path.dirname(os.path.dirname(cli_path())), "client", "tutorial")
    if not os.access(tutorial, os.X_OK):
        pytest.skip("tutorial not built")
    flush(nodes)
    r = subprocess.run([tutorial, ",".join(nodes)], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert sum(" miss " in l for l in lines) == 6
    assert sum(" hit " in l for l in lines) == 6
    assert lines[-1] == "greeting: hello from ringcache"
    # Every user landed on the node the CLI names for it.
    for line in lines[:6]:
        user, _, node = line.split()[:3]
        where = cli("where", user, servers=nodes, mode="ketama").stdout.decode().split()
        assert where[1] == node
