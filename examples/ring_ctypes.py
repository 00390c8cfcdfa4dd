#!/usr/bin/python3
"""The tutorial's consistent-hash ring, answered by ringcache's C ring through ctypes.

The tutorial this project grew from places keys with a small Python class:

    ring = ConsistentHashing(["127.0.0.1:11211", "127.0.0.1:11212"], replicas=3)
    ring.get_node("user:42")          # -> "127.0.0.1:11212"

`RingcacheHashing` below has the same interface and gives the same answers (mode
"seed/md5-ring-r3"), computed by libringcache.so; pass mode="native/hrw-xxh3" for ringcache's own
placement, or any other mode (`ringcache ring --list-modes`) to agree with libmemcached,
twemproxy, python-memcached or pymemcache clients of the same fleet.

Run:  /usr/bin/python3 examples/ring_ctypes.py [path/to/libringcache.so]
It checks that both rings agree on 20,000 keys and prints the time per get_node.
"""
import ctypes
import hashlib
import os
import sys
import time


class ConsistentHashing:
    """The tutorial's ring: `replicas` md5 points per node, first point >= md5(key), linear scan."""

    def __init__(self, nodes=None, replicas=3):
        self.replicas = replicas
        self.ring = {}
        self.sorted_keys = []
        for node in nodes or []:
            self.add_node(node)

    @staticmethod
    def hash(key):
        return int(hashlib.md5(key.encode()).hexdigest(), 16)

    def add_node(self, node):
        for i in range(self.replicas):
            point = self.hash("%s-%d" % (node, i))
            self.ring[point] = node
            self.sorted_keys.append(point)
        self.sorted_keys.sort()

    def remove_node(self, node):
        for i in range(self.replicas):
            point = self.hash("%s-%d" % (node, i))
            del self.ring[point]
            self.sorted_keys.remove(point)

    def get_node(self, key):
        if not self.ring:
            return None
        h = self.hash(key)
        for point in self.sorted_keys:
            if h <= point:
                return self.ring[point]
        return self.ring[self.sorted_keys[0]]


def load_library(path=None):
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [path, os.environ.get("RINGCACHE_LIB"),
                  os.path.join(here, "..", "build", "src", "ring", "libringcache.so"),
                  "libringcache.so"]
    for c in candidates:
        if not c:
            continue
        try:
            lib = ctypes.CDLL(c)
            break
        except OSError:
            continue
    else:
        raise OSError("libringcache.so not found: build it (make) or pass its path")
    lib.rc_ring_create_spec.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p,
                                        ctypes.c_char_p]
    lib.rc_ring_create_spec.restype = ctypes.c_int
    lib.rc_ring_lookup_name.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.rc_ring_lookup_name.restype = ctypes.c_char_p
    lib.rc_ring_destroy.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.rc_ring_destroy.restype = None
    lib.rc_strerror.argtypes = [ctypes.c_int]
    lib.rc_strerror.restype = ctypes.c_char_p
    return lib


class RingcacheHashing:
    """Same interface as ConsistentHashing; the ring lives in C and is rebuilt on every change
    (rings are immutable: a new one is built beside the old and replaces it)."""

    def __init__(self, nodes=None, replicas=3, mode="seed/md5-ring-r3", lib=None):
        if mode == "seed/md5-ring-r3" and replicas != 3:
            raise ValueError("the tutorial mode is built with replicas=3")
        self.lib = lib or load_library()
        self.mode = mode.encode()
        self.nodes = list(nodes or [])
        self.ring = ctypes.c_void_p()
        self._rebuild()

    def _rebuild(self):
        fresh = ctypes.c_void_p()
        if self.nodes:
            rc = self.lib.rc_ring_create_spec(ctypes.byref(fresh), self.mode,
                                              ",".join(self.nodes).encode())
            if rc != 0:
                raise ValueError("ring: %s" % self.lib.rc_strerror(rc).decode())
        old, self.ring = self.ring, fresh
        self.lib.rc_ring_destroy(ctypes.byref(old))

    def add_node(self, node):
        self.nodes.append(node)
        self._rebuild()

    def remove_node(self, node):
        self.nodes.remove(node)
        self._rebuild()

    def get_node(self, key):
        if not self.ring:
            return None
        k = key.encode()
        return self.lib.rc_ring_lookup_name(self.ring, k, len(k)).decode()

    def __del__(self):
        if getattr(self, "ring", None):
            self.lib.rc_ring_destroy(ctypes.byref(self.ring))


def per_call_ns(fn, keys):
    best = None
    for _ in range(3):
        t0 = time.perf_counter_ns()
        for k in keys:
            fn(k)
        t = (time.perf_counter_ns() - t0) / len(keys)
        best = t if best is None else min(best, t)
    return best


def main():
    lib = load_library(sys.argv[1] if len(sys.argv) > 1 else None)
    nodes = ["mc%02d.cache.example.com:11211" % i for i in range(1, 11)]
    keys = ["user:%d:profile" % i for i in range(20000)]
    tutorial = ConsistentHashing(nodes, replicas=3)
    ours = RingcacheHashing(nodes, lib=lib)
    disagree = sum(1 for k in keys if tutorial.get_node(k) != ours.get_node(k))
    print("tutorial ring vs ringcache seed/md5-ring-r3: %d of %d keys disagree" %
          (disagree, len(keys)))
    tutorial.add_node("mc11.cache.example.com:11211")
    ours.add_node("mc11.cache.example.com:11211")
    disagree += sum(1 for k in keys if tutorial.get_node(k) != ours.get_node(k))
    print("after add_node: %d disagree" % disagree)
    native = RingcacheHashing(nodes, mode="native/hrw-xxh3", lib=lib)
    print("get_node, 10 servers: tutorial (Python, linear scan) %.0f ns, ringcache via ctypes "
          "%.0f ns (seed mode), %.0f ns (native mode)" %
          (per_call_ns(tutorial.get_node, keys), per_call_ns(ours.get_node, keys),
           per_call_ns(native.get_node, keys)))
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
