#!/usr/bin/python3
"""storage_compare: ringcached vs Debian's memcached, side by side, through the text protocol.

Run with /usr/bin/python3:
    bench/storage_compare.py [--ringcached PATH] [--only memcached|ringcached] [--quick]
                             [--no-capacity] [--workloads a,b] [--cold N --warm N --measure N]
    bench/storage_compare.py --dump DIR     (key streams for `bench_store replay`, no servers)

For each server (started here on an ephemeral 127.0.0.1 port, stopped by PID at the end) it prints
  * capacity at -m 64 with 32-byte keys, for fixed 100-byte values and for values uniform in
    50..2000 bytes: items held (keys still retrievable once the first eviction happened), overhead
    bytes per item (64 MiB / items held - mean key+value of the held items), RSS after the run;
  * hit ratio of a get-then-set-on-miss cache at equal memory (-m 16, 100-byte values) on five
    seeded workloads over 1M keys: Zipf 0.8, 1.0, 1.2; Zipf 1.0 with one-pass scans of
    never-repeated keys (every 4th run of 20k requests); a Zipf 1.0 hot set that moves by a fifth
    of the keys every 200k requests.
Two hit ratios per workload, from one stream per workload that both servers see identically:
  * cold: the first 1M requests from an empty cache (the start-up fill; the figure reported before);
  * steady: 8M requests measured after 4M of warm-up. The same counts for every workload and both
    servers, fixed up front. They were chosen so that the slowest-turning workload (Zipf 1.2, ~5%
    misses) has evicted at least the cache's own size in items before the window (printed as
    "turnovers: warm-up", flagged NOT WARM if below 1) and turns the cache over about 3 times or
    more inside it ("window"); the other workloads turn over 10-45 times.
Then the gains ringcached - memcached for both. Measures, never asserts. Default ringcached path:
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


SHIFT_EVERY = 200000  # shifting-hot-set: the hot set moves by universe/5 every this many requests
SCAN_PERIOD = 20000   # zipf-1.0+scans: every 4th run of this many requests is a one-pass scan


def workload(name, universe, rnd):
    """An endless stream of key ids (ints >= 0) or scan keys (negative ints, never repeated)."""
    alpha = {"zipf-0.8": 0.8, "zipf-1.2": 1.2}.get(name, 1.0)
    cdf = zipf_cdf(universe, alpha)
    scan_id = 0
    perm = list(range(universe))
    rnd.shuffle(perm)
    r = 0
    while True:
        if name == "zipf-1.0+scans" and (r // SCAN_PERIOD) % 4 == 3:
            scan_id += 1
            r += 1
            yield -scan_id
            continue
        rank = bisect.bisect_left(cdf, rnd.random())
        if name == "shifting-hot-set":
            rank = (rank + (r // SHIFT_EVERY) * (universe // 5)) % universe
        r += 1
        yield perm[rank]


def hit_ratio(srv, name, universe, seed, cold, warm, measure):
    """Replays one seeded stream as a get-then-set-on-miss cache, in batches of 50 requests.

    Returns (cold hit ratio over the first `cold` requests from an empty cache, steady-state hit
    ratio over the `measure` requests that follow `warm` requests of warm-up, a dict of what the
    server said about evictions at the end of the warm-up and of the window)."""
    rnd = random.Random(seed)
    val = b"h" * 100
    pending = []
    counts = {"gets": 0, "hits": 0}

    def flush():
        uniq = list(dict.fromkeys(pending))
        got = srv.get_many(uniq)
        miss, seen = [], set()
        for k in pending:  # repeats inside a batch count as hits after the first miss
            if k in got or k in seen:
                counts["hits"] += 1
            else:
                seen.add(k)
                miss.append((k, val))
            counts["gets"] += 1
        if miss:
            srv.set_many(miss)
        pending.clear()

    def run(n):
        counts["gets"] = counts["hits"] = 0
        for _ in range(n):
            kid = next(stream)
            pending.append(key("scan" if kid < 0 else "w", abs(kid)))
            if len(pending) == 50:
                flush()
        if pending:
            flush()
        return counts["hits"] / max(1, counts["gets"])

    def evicted():
        st = srv.stats()
        return int(st.get("evictions", "0")), int(st.get("curr_items", "0"))

    stream = workload(name, universe, rnd)
    cold_hr = run(cold)
    run(warm - cold)
    ev_warm, items_warm = evicted()
    steady_hr = run(measure)
    ev_end, items_end = evicted()
    info = {"warm_turnover": ev_warm / max(1, items_warm),
            "window_turnover": (ev_end - ev_warm) / max(1, items_end), "items": items_end}
    return cold_hr, steady_hr, info


HIT_MB = 16
COLD = 1000000
WARM = 4000000
MEASURE = 8000000
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


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ringcached")
    ap.add_argument("--only", choices=["memcached", "ringcached"])
    ap.add_argument("--quick", action="store_true", help="short runs (a smoke test, not figures)")
    ap.add_argument("--cold", type=int, default=COLD, help="requests of the cold-start figure")
    ap.add_argument("--warm", type=int, default=WARM, help="warm-up requests (cold ones included)")
    ap.add_argument("--measure", type=int, default=MEASURE, help="requests of the measured window")
    ap.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset")
    ap.add_argument("--no-capacity", action="store_true", help="hit ratios only")
    ap.add_argument("--dump", metavar="DIR", help="only write each workload's key stream "
                    "(int32 ids, scans negative) to DIR/<workload>.bin for in-process replay")
    args = ap.parse_args()
    if args.quick:
        args.cold, args.warm, args.measure = 200000, 400000, 400000
    args.warm = max(args.warm, args.cold)
    return args


def dump(args, universe):
    import array
    os.makedirs(args.dump, exist_ok=True)
    for i, w in enumerate(WORKLOADS):
        if w not in args.workloads.split(","):
            continue
        stream = workload(w, universe, random.Random(1000 + i))
        ids = array.array("i", (next(stream) for _ in range(args.warm + args.measure)))
        with open(os.path.join(args.dump, w + ".bin"), "wb") as f:
            ids.tofile(f)
        print("wrote %s/%s.bin (%d requests)" % (args.dump, w, len(ids)))


def server_argvs(args):
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
    return servers


def run_capacity(name, argv, r):
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


def run_hits(name, argv, r, args, universe):
    for i, w in enumerate(WORKLOADS):
        if w not in args.workloads.split(","):
            continue
        srv = Server(name, argv, HIT_MB)
        try:
            cold, steady, info = hit_ratio(srv, w, universe, 1000 + i, args.cold, args.warm,
                                           args.measure)
        finally:
            srv.stop()
        r["cold " + w], r["steady " + w] = cold, steady
        print("%-10s %-16s cold=%.4f steady=%.4f items=%d turnovers: warm-up %.1f, window %.1f%s"
              % (name, w, cold, steady, info["items"], info["warm_turnover"],
                 info["window_turnover"], "" if info["warm_turnover"] >= 1 else "  NOT WARM"),
              flush=True)


def report(res, args):
    m, g = res["memcached"], res["ringcached"]
    print("--- ringcached vs memcached")
    for mix in ("fixed-100", "mixed-50-2000"):
        if "held " + mix in g:
            print("items held %-14s ratio=%.3f  overhead %.1f vs %.1f bytes/item"
                  % (mix, g["held " + mix] / m["held " + mix], g["overhead " + mix],
                     m["overhead " + mix]))
    ws = [w for w in WORKLOADS if "cold " + w in g]
    for phase in ("cold", "steady"):
        gains = [g[phase + " " + w] - m[phase + " " + w] for w in ws]
        for w, d in zip(ws, gains):
            print("hit ratio %-6s %-16s %.4f vs %.4f  %+.4f"
                  % (phase, w, g[phase + " " + w], m[phase + " " + w], d))
        if gains:
            print("hit ratio %-6s mean gain %+.4f, worst %+.4f"
                  % (phase, sum(gains) / len(gains), min(gains)))


def main():
    args = parse_args()
    universe = 1000000
    if args.dump:
        dump(args, universe)
        return 0
    servers = server_argvs(args)
    commit = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse",
                             "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print("storage_compare commit=%s universe=%d hit ratios at -m %d: cold = first %d requests, "
          "steady = %d requests after %d of warm-up" % (commit, universe, HIT_MB, args.cold,
                                                        args.measure, args.warm), flush=True)
    res = {}
    for name, argv in servers.items():
        res[name] = {}
        if not args.no_capacity:
            run_capacity(name, argv, res[name])
        run_hits(name, argv, res[name], args, universe)
    if len(res) == 2:
        report(res, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
