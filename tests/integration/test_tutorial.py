"""The tutorial ringcache grew from: client-side consistent hashing over two nodes.

An md5 ring with 3 virtual points per node: point i of node "host:port" is md5("host:port-i") read
as a 128-bit big-endian integer; a key's hash is md5(key) the same way; the key belongs to the
first point at or after its hash, wrapping to the smallest point. One python-memcached client per
node stores and reads the keys it owns.
"""

import bisect
import hashlib

import memcache

from harness import ukey

POINTS_PER_NODE = 3
N_KEYS = 2000


def h128(s):
    return int.from_bytes(hashlib.md5(s.encode()).digest(), "big")


class Ring:
    def __init__(self, nodes):
        self.points = sorted((h128("%s-%d" % (n, i)), n) for n in nodes
                             for i in range(POINTS_PER_NODE))
        self.hashes = [p for p, _ in self.points]

    def node(self, key):
        i = bisect.bisect_left(self.hashes, h128(key))
        return self.points[i % len(self.points)][1]


def test_ring_lookup_rules():
    ring = Ring(["a:1", "b:2"])
    first_hash, first_node = ring.points[0]
    last_hash = ring.points[-1][0]
    # a hash equal to a point belongs to that point; past the last point wraps to the first
    assert ring.points[bisect.bisect_left(ring.hashes, first_hash)][1] == first_node
    assert bisect.bisect_left(ring.hashes, last_hash + 1) % len(ring.points) == 0
    assert len(ring.points) == 2 * POINTS_PER_NODE


def test_two_nodes_md5_ring(make_server):
    nodes = [make_server(), make_server()]
    names = [s.addr() for s in nodes]
    ring = Ring(names)
    clients = {s.addr(): memcache.Client([s.addr()]) for s in nodes}
    try:
        prefix = ukey("tut")
        keys = ["%s:%d" % (prefix, i) for i in range(N_KEYS)]
        share = {n: 0 for n in names}
        for k in keys:
            owner = ring.node(k)
            share[owner] += 1
            assert clients[owner].set(k, "value-of-" + k)
        for k in keys:
            assert clients[ring.node(k)].get(k) == "value-of-" + k
        assert all(share.values()), share  # both nodes own part of the ring
        for s in nodes:
            assert int(s.stats()["curr_items"]) == share[s.addr()]
    finally:
        for c in clients.values():
            c.disconnect_all()
