#!/usr/bin/python3
"""storage_compare: ringcached vs Debian's memcached, side by side, through the text protocol.

Run with /usr/bin/python3:
    bench/storage_compare.py [--ringcached PATH] [--only memcached|ringcached] [--quick]

For each server (started here on an ephemeral 127.0.0.1 port, stopped by PID at the end) it prints
  * capacity at -m 64 with 32-byte keys, for fixed 100-byte values and for values uniform in
    50..2000 bytes: items held (keys still retrievable once the first eviction happened), overhead
    bytes per item (64 MiB / items held - mean key+value of the held items), RSS after the run;
  * hit ratio of a get-then-set-on-miss cache at equal memory (-m 16, 100-byte values) on five
    seeded workloads: Zipf 0.8, 1.0, 1.2; Zipf 1.0 with one-pass scans of never-repeated keys; a
    Zipf 1.0 hot set that shifts over time.
Then the ratios ringcached/memcached. Measures, never asserts. Default ringcached path:
<repo>/build/src/server/ringcached, else the newest /tmp/b-*/src/server/ringcached.
"""
import argparse
import bisect
import glob
import os
import random
import socket
import subprocess
import sys
import time

MB = 1 << 20
KEYLEN = 32


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, name, argv_fn, mem_mb):
        self.name = name
        self.port = free_port()
        self.proc = subprocess.Popen(argv_fn(self.port, mem_mb), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("%s did not start" % name)
                time.sleep(0.05)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def stop(self):
        self.sock.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def _readline(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _readn(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def sync(self):
        self.sock.sendall(b"version\r\n")
        line = self._readline()
        assert line.startswith(b"VERSION"), line

    def set_many(self, items):
        """items: list of (key bytes, value bytes); pipelined with noreply, then synced."""
        out = bytearray()
        for k, v in items:
            out += b"set %s 0 0 %d noreply\r\n%s\r\n" % (k, len(v), v)
        self.sock.sendall(out)
        self.sync()

    def get_many(self, keys):
        """Returns {key: value length} for the hits."""
        self.sock.sendall(b"get " + b" ".join(keys) + b"\r\n")
        hits = {}
        while True:
            line = self._readline()
            if line == b"END":
                return hits
            parts = line.split()
            if parts[0] != b"VALUE":
                raise RuntimeError("unexpected %r" % line)
            n = int(parts[3])
            self._readn(n + 2)
            hits[parts[1]] = n

    def stats(self):
        self.sock.sendall(b"stats\r\n")
        out = {}
        while True:
            line = self._readline()
            if line == b"END":
                return out
            p = line.split()
            if len(p) >= 3 and p[0] == b"STAT":
                out[p[1].decode()] = p[2].decode()


def key(prefix, i):
    k = ("%s:%d" % (prefix, i)).encode()
    return k + b"x" * (KEYLEN - len(k))


def vlen_of(mix, i):
    if mix == "fixed-100":
        return 100
    return 50 + (i * 2654435761 + 12345) % 1951  # 50..2000, deterministic per key


def capacity(srv, mix):
    """Fills until the first eviction, then counts the keys still held."""
    n, batch = 0, 2000
    while True:
        items = [(key(mix, i), b"v" * vlen_of(mix, i)) for i in range(n, n + batch)]
        srv.set_many(items)
        n += batch
        if int(srv.stats().get("evictions", "0")) > 0 or n > 3000000:
            break
    held, payload = 0, 0
    for start in range(0, n, 100):
        keys = [key(mix, i) for i in range(start, min(n, start + 100))]
        hits = srv.get_many(keys)
        held += len(hits)
        payload += sum(KEYLEN + v for v in hits.values())
    over = (64 * MB - payload) / held if held else 0.0
    return held, over


def zipf_cdf(n, alpha):
    acc, cdf = 0.0, []
    for i in range(1, n + 1):
        acc += 1.0 / (i ** alpha)
        cdf.append(acc)
    return [c / acc for c in cdf]


def workload(name, nreq, universe, rnd):
    """Yields key ids (ints >= 0) or scan keys (negative ints, never repeated)."""
    alpha = {"zipf-0.8": 0.8, "zipf-1.2": 1.2}.get(name, 1.0)
    cdf = zipf_cdf(universe, alpha)
    scan_id = 0
    perm = list(range(universe))
    rnd.shuffle(perm)
    for r in range(nreq):
        if name == "zipf-1.0+scans" and (r // 20000) % 4 == 3:
            scan_id += 1
            yield -scan_id  # one-pass scan: a quarter of the time, never-repeated keys
            continue
        rank = bisect.bisect_left(cdf, rnd.random())
        if name == "shifting-hot-set":
            rank = (rank + (r * 5 // nreq) * (universe // 5)) % universe
        yield perm[rank]


def hit_ratio(srv, name, nreq, universe, seed):
    rnd = random.Random(seed)
    gets = hits = 0
    val = b"h" * 100
    pending = []

    def flush():
        nonlocal gets, hits
        uniq = list(dict.fromkeys(pending))
        got = srv.get_many(uniq)
        gets += len(pending)
        miss = []
        seen = set()
        for k in pending:  # repeats inside a batch count as hits after the first miss
            if k in got or k in seen:
                hits += 1
            else:
                seen.add(k)
                miss.append((k, val))
        if miss:
            srv.set_many(miss)
        pending.clear()

    for kid in workload(name, nreq, universe, rnd):
        pending.append(key("scan" if kid < 0 else "w", abs(kid)))
        if len(pending) == 50:
            flush()
    if pending:
        flush()
    return hits / gets


WORKLOADS = ["zipf-0.8", "zipf-1.0", "zipf-1.2", "zipf-1.0+scans", "shifting-hot-set"]


def find_ringcached(arg):
    if arg:
        return arg
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cands = [os.path.join(repo, "build/src/server/ringcached")]
    cands += sorted(glob.glob("/tmp/b-*/src/server/ringcached"), key=os.path.getmtime,
                    reverse=True)
    for c in cands:
        if os.access(c, os.X_OK):
            return c
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ringcached")
    ap.add_argument("--only", choices=["memcached", "ringcached"])
    ap.add_argument("--quick", action="store_true", help="fewer requests per workload")
    ap.add_argument("--requests", type=int, default=1000000)
    args = ap.parse_args()
    nreq = 200000 if args.quick else args.requests
    universe = 1000000
    servers = {}
    if args.only != "ringcached":
        root = ["-u", "nobody"] if os.geteuid() == 0 else []
        servers["memcached"] = lambda port, m: ["/usr/bin/memcached", "-U", "0", "-l",
                                                "127.0.0.1", "-p", str(port), "-m", str(m)] + root
    rc = find_ringcached(args.ringcached)
    if args.only != "memcached":
        if rc:
            servers["ringcached"] = lambda port, m: [rc, "-l", "127.0.0.1", "-p", str(port),
                                                     "-m", str(m)]
        else:
            print("ringcached not found (build src/server first or pass --ringcached)")
    commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse",
                             "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print("storage_compare commit=%s requests/workload=%d universe=%d" % (commit, nreq, universe))
    res = {}
    for name, argv in servers.items():
        r = res[name] = {}
        for mix in ("fixed-100", "mixed-50-2000"):
            srv = Server(name, argv, 64)
            try:
                held, over = capacity(srv, mix)
                r["held " + mix] = held
                r["overhead " + mix] = over
                r["rss_mb " + mix] = srv.rss_kb() / 1024.0
            finally:
                srv.stop()
            print("%-10s %-14s items_held=%-7d overhead_bytes/item=%6.1f rss_mb=%.1f"
                  % (name, mix, held, over, r["rss_mb " + mix]), flush=True)
        for i, w in enumerate(WORKLOADS):
            srv = Server(name, argv, 16)
            try:
                r["hit " + w] = hit_ratio(srv, w, nreq, universe, 1000 + i)
            finally:
                srv.stop()
            print("%-10s %-16s hit_ratio=%.4f" % (name, w, r["hit " + w]), flush=True)
    if len(res) == 2:
        m, g = res["memcached"], res["ringcached"]
        print("--- ringcached vs memcached")
        for mix in ("fixed-100", "mixed-50-2000"):
            print("items held %-14s ratio=%.3f  overhead %.1f vs %.1f bytes/item"
                  % (mix, g["held " + mix] / m["held " + mix], g["overhead " + mix],
                     m["overhead " + mix]))
        gains = [g["hit " + w] - m["hit " + w] for w in WORKLOADS]
        for w, d in zip(WORKLOADS, gains):
            print("hit ratio %-16s %+.4f" % (w, d))
        print("hit ratio mean gain %+.4f, worst %+.4f" % (sum(gains) / len(gains), min(gains)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
