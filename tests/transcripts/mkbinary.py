#!/usr/bin/python3
"""Writes the binary-protocol transcripts in tests/transcripts/binary/ from readable
descriptions: each packet below states the opcode, key, extras, value and (for replies) the status
memcached 1.6 answers with. Run it after editing a description; the .t files are what tests read.
A reply's CAS is matched as ?? (any) unless given."""

import os
import struct

ANY = None
OPS = {"get": 0x00, "set": 0x01, "add": 0x02, "replace": 0x03, "delete": 0x04, "incr": 0x05,
       "decr": 0x06, "quit": 0x07, "flush": 0x08, "getq": 0x09, "noop": 0x0A, "version": 0x0B,
       "getk": 0x0C, "getkq": 0x0D, "append": 0x0E, "prepend": 0x0F, "stat": 0x10, "setq": 0x11,
       "addq": 0x12, "replaceq": 0x13, "deleteq": 0x14, "incrq": 0x15, "decrq": 0x16,
       "quitq": 0x17, "flushq": 0x18, "appendq": 0x19, "prependq": 0x1A, "touch": 0x1C,
       "gat": 0x1D, "gatq": 0x1E, "sasl_list": 0x20, "sasl_auth": 0x21, "gatk": 0x23,
       "gatkq": 0x24}
MSG = {1: b"Not found", 2: b"Data exists for key.", 3: b"Too large.", 4: b"Invalid arguments",
       5: b"Not stored.", 6: b"Non-numeric server-side value for incr or decr",
       0x81: b"Unknown command"}


def hexs(b):
    return " ".join("%02x" % x for x in b)


def fl(flags, exptime=0):
    return struct.pack(">II", flags, exptime)


def arith(delta, initial=0, exptime=0):
    return struct.pack(">QQI", delta, initial, exptime)


def req(op, key=b"", extras=b"", value=b"", opaque=0, cas=0):
    op = OPS[op] if isinstance(op, str) else op
    hdr = struct.pack(">BBHBBHIIQ", 0x80, op, len(key), len(extras), 0, 0,
                      len(key) + len(extras) + len(value), opaque, cas)
    return ">x %s\n>x   %s\n" % (hexs(hdr), hexs(extras + key + value)) if (extras + key + value) \
        else ">x %s\n" % hexs(hdr)


def rsp(op, status=0, key=b"", extras=b"", value=None, opaque=0, cas=ANY):
    """A reply; an error status carries memcached's message as its value unless given."""
    op = OPS[op] if isinstance(op, str) else op
    if value is None:
        value = MSG.get(status, b"")
    hdr = struct.pack(">BBHBBHII", 0x81, op, len(key), len(extras), 0, status,
                      len(key) + len(extras) + len(value), opaque)
    out = "<x %s %s\n" % (hexs(hdr), "?? " * 7 + "??" if cas is ANY else
                          hexs(struct.pack(">Q", cas)))
    body = extras + key + value
    return out + ("<x   %s\n" % hexs(body) if body else "")


def hit(op, key, flags, value, opaque=0, with_key=False):
    return rsp(op, 0, key if with_key else b"", fl(flags)[:4], value, opaque)


FILES = {
    "get.t": ("get: a hit carries 4 bytes of flags and the value; a miss is status 1; the opaque "
              "comes back",
              [req("set", b"bget_a", fl(7), b"val", opaque=1), rsp("set", opaque=1),
               req("get", b"bget_a", opaque=0xABCD), hit("get", b"bget_a", 7, b"val", 0xABCD),
               req("get", b"bget_missing", opaque=2), rsp("get", 1, opaque=2, cas=0)]),
    "getq.t": ("getq: a miss is silent, a hit answers; noop ends the batch",
               [req("set", b"bgetq_a", fl(1), b"q"), rsp("set"),
                req("getq", b"bgetq_missing", opaque=1), req("getq", b"bgetq_a", opaque=2),
                req("noop", opaque=3),
                hit("getq", b"bgetq_a", 1, b"q", 2), rsp("noop", opaque=3, cas=0)]),
    "getk.t": ("getk: the key comes back, also on a miss",
               [req("set", b"bgetk_a", fl(2), b"kv"), rsp("set"),
                req("getk", b"bgetk_a"), hit("getk", b"bgetk_a", 2, b"kv", with_key=True),
                req("getk", b"bgetk_missing"),
                rsp("getk", 1, key=b"bgetk_missing", value=b"", cas=0)]),
    "getkq.t": ("getkq: quiet getk",
                [req("set", b"bgetkq_a", fl(3), b"v"), rsp("set"),
                 req("getkq", b"bgetkq_missing"), req("getkq", b"bgetkq_a"), req("noop"),
                 hit("getkq", b"bgetkq_a", 3, b"v", with_key=True), rsp("noop", cas=0)]),
    "set.t": ("set and setq; 32-bit flags; a CAS that does not match is status 2, on a missing "
              "key status 1",
              [req("set", b"bset_a", fl(0xFFFFFFFF), b"abc"), rsp("set"),
               req("get", b"bset_a"), hit("get", b"bset_a", 0xFFFFFFFF, b"abc"),
               req("setq", b"bset_b", fl(0), b"quiet"), req("get", b"bset_b"),
               hit("get", b"bset_b", 0, b"quiet"),
               req("set", b"bset_a", fl(0), b"x", cas=1), rsp("set", 2, cas=0),
               req("set", b"bset_missing", fl(0), b"x", cas=1), rsp("set", 1, cas=0),
               req("setq", b"bset_a", fl(0), b"x", cas=1, opaque=5), rsp("setq", 2, opaque=5,
                                                                          cas=0)]),
    "add.t": ("add and addq: status 2 when the key exists",
              [req("add", b"badd_a", fl(4), b"a"), rsp("add"),
               req("add", b"badd_a", fl(4), b"b"), rsp("add", 2, cas=0),
               req("addq", b"badd_b", fl(4), b"b"), req("addq", b"badd_a", fl(4), b"c"),
               rsp("addq", 2, cas=0), req("get", b"badd_b"), hit("get", b"badd_b", 4, b"b")]),
    "replace.t": ("replace and replaceq: status 1 when the key is missing",
                  [req("replace", b"brep_missing", fl(0), b"x"), rsp("replace", 1, cas=0),
                   req("set", b"brep_a", fl(0), b"x"), rsp("set"),
                   req("replace", b"brep_a", fl(9), b"y"), rsp("replace"),
                   req("replaceq", b"brep_a", fl(8), b"z"),
                   req("replaceq", b"brep_missing", fl(0), b"x"), rsp("replaceq", 1, cas=0),
                   req("get", b"brep_a"), hit("get", b"brep_a", 8, b"z")]),
    "delete.t": ("delete and deleteq: status 1 on a miss",
                 [req("set", b"bdel_a", fl(0), b"x"), rsp("set"),
                  req("delete", b"bdel_a"), rsp("delete", cas=ANY),
                  req("delete", b"bdel_a"), rsp("delete", 1, cas=0),
                  req("set", b"bdel_b", fl(0), b"x"), rsp("set"),
                  req("deleteq", b"bdel_b"), req("deleteq", b"bdel_b"), rsp("deleteq", 1, cas=0),
                  req("get", b"bdel_b"), rsp("get", 1, cas=0)]),
    "incr.t": ("increment: creates with the initial value unless exptime is 0xffffffff; wraps at "
               "2^64; status 6 on a non-numeric value; incrq is silent",
               [req("incr", b"bincr_a", arith(5, 100)), rsp("incr", value=struct.pack(">Q", 100)),
                req("incr", b"bincr_a", arith(5, 100)), rsp("incr", value=struct.pack(">Q", 105)),
                req("incr", b"bincr_b", arith(1, 0, 0xFFFFFFFF)), rsp("incr", 1, cas=0),
                req("set", b"bincr_c", fl(0), b"18446744073709551615"), rsp("set"),
                req("incr", b"bincr_c", arith(2)), rsp("incr", value=struct.pack(">Q", 1)),
                req("set", b"bincr_d", fl(0), b"abc"), rsp("set"),
                req("incr", b"bincr_d", arith(1)), rsp("incr", 6, cas=0),
                req("incrq", b"bincr_a", arith(10)), req("get", b"bincr_a"),
                hit("get", b"bincr_a", 0, b"115")]),
    "decr.t": ("decrement stops at 0; decrq is silent",
               [req("decr", b"bdecr_a", arith(1, 50)), rsp("decr", value=struct.pack(">Q", 50)),
                req("decr", b"bdecr_a", arith(7)), rsp("decr", value=struct.pack(">Q", 43)),
                req("decr", b"bdecr_a", arith(1000)), rsp("decr", value=struct.pack(">Q", 0)),
                req("decrq", b"bdecr_a", arith(1)), req("decrq", b"bdecr_missing",
                                                        arith(1, 0, 0xFFFFFFFF)),
                rsp("decrq", 1, cas=0)]),
    "append.t": ("append/prepend and their quiet forms; status 5 on a missing key",
                 [req("set", b"bapp_a", fl(6), b"val"), rsp("set"),
                  req("append", b"bapp_a", value=b"A"), rsp("append"),
                  req("prepend", b"bapp_a", value=b"P"), rsp("prepend"),
                  req("appendq", b"bapp_a", value=b"a"), req("prependq", b"bapp_a", value=b"p"),
                  req("get", b"bapp_a"), hit("get", b"bapp_a", 6, b"pPvalAa"),
                  req("append", b"bapp_missing", value=b"A"), rsp("append", 5, cas=0),
                  req("prependq", b"bapp_missing", value=b"A"), rsp("prependq", 5, cas=0)]),
    "touch_gat.t": ("touch answers with the flags; gat/gatk like get/getk; gatq/gatkq are "
                    "silent on a miss",
                    [req("set", b"btouch_a", fl(7), b"val"), rsp("set"),
                     req("touch", b"btouch_a", struct.pack(">I", 100)),
                     rsp("touch", extras=fl(7)[:4], value=b""),
                     req("touch", b"btouch_missing", struct.pack(">I", 100)),
                     rsp("touch", 1, cas=0),
                     req("gat", b"btouch_a", struct.pack(">I", 100)),
                     hit("gat", b"btouch_a", 7, b"val"),
                     req("gatk", b"btouch_a", struct.pack(">I", 100)),
                     hit("gatk", b"btouch_a", 7, b"val", with_key=True),
                     req("gat", b"btouch_missing", struct.pack(">I", 100)),
                     rsp("gat", 1, cas=0),
                     req("gatq", b"btouch_missing", struct.pack(">I", 100)),
                     req("gatkq", b"btouch_missing", struct.pack(">I", 100)),
                     req("gatkq", b"btouch_a", struct.pack(">I", 100)),
                     hit("gatkq", b"btouch_a", 7, b"val", with_key=True),
                     req("gatq", b"btouch_a", struct.pack(">I", 100)),
                     hit("gatq", b"btouch_a", 7, b"val")]),
    "flush_noop.t": ("flush and flushq empty the cache; noop answers",
                     [req("set", b"bflush_a", fl(0), b"x"), rsp("set"),
                      req("flush"), rsp("flush", cas=0),
                      req("get", b"bflush_a"), rsp("get", 1, cas=0),
                      req("set", b"bflush_a", fl(0), b"x"), rsp("set"),
                      req("flushq"), req("noop", opaque=9), rsp("noop", opaque=9, cas=0)]),
    "quit.t": ("quit answers, then the server closes",
               [req("quit", opaque=4), rsp("quit", opaque=4, cas=0), "% eof\n"]),
    "quitq.t": ("quitq closes without an answer",
                [req("quitq"), "% eof\n"]),
    "unknown.t": ("an unknown opcode is status 0x81; SASL is answered as unsupported the same way",
                  [req(0x55, opaque=1), rsp(0x55, 0x81, opaque=1, cas=0),
                   req("sasl_list"), rsp("sasl_list", 0x81, cas=0),
                   req("sasl_auth", b"PLAIN", value=b"\0u\0p"), rsp("sasl_auth", 0x81, cas=0)]),
    "errors.t": ("extras on a get are invalid arguments, after which memcached closes",
                 [req("get", b"berr_a", extras=b"abcd"), rsp("get", 4, cas=0), "% eof\n"]),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "binary")
    os.makedirs(out, exist_ok=True)
    for name, (doc, parts) in FILES.items():
        with open(os.path.join(out, name), "w") as f:
            f.write("# %s\n# generated by tests/transcripts/mkbinary.py\n%% binary\n" % doc)
            f.write("".join(parts))


if __name__ == "__main__":
    main()
