"""Runner for the golden transcripts of tests/transcripts (format in tests/transcripts/README.md).

A file is parsed into steps (send, expect, directive); expected replies become anchored regular
expressions over bytes (literals escaped, {name} tokens as groups or bound values, ?? as any byte),
matched against the connection's buffer as bytes arrive, each read bounded by a deadline. A reply
fails fast once it has as many lines (text) or bytes (hex) as expected and still does not match.
"""

import glob
import os
import re
import struct
import time

import harness

TRANSCRIPTS = os.path.join(harness.REPO, "tests", "transcripts")
TOKEN = re.compile(rb"(?<!\\)\{([A-Za-z0-9_*]+)\}")


def files(folder):
    return sorted(glob.glob(os.path.join(TRANSCRIPTS, folder, "*.t")))


def unescape(text):
    out = bytearray()
    i = 0
    raw = text.encode()
    while i < len(raw):
        c = raw[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        e = raw[i + 1:i + 2]
        if e == b"x":
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
            continue
        out += {b"r": b"\r", b"n": b"\n", b"t": b"\t", b"\\": b"\\", b"{": b"\\{"}[e]
        i += 2
    return bytes(out)


class Expect:
    """One expected reply: a list of parts, bytes literals or ('tok', name) or ('any', 1)."""

    def __init__(self):
        self.parts = []
        self.hexmode = False

    def add_text(self, raw):
        pos = 0
        for m in TOKEN.finditer(raw):
            self.parts.append(raw[pos:m.start()].replace(b"\\{", b"{"))
            self.parts.append(("tok", m.group(1).decode()))
            pos = m.end()
        self.parts.append(raw[pos:].replace(b"\\{", b"{"))

    def add_hex(self, text):
        self.hexmode = True
        for byte in text.split():
            for j in range(0, len(byte), 2):
                pair = byte[j:j + 2]
                self.parts.append(("any", 1) if pair == "??" else bytes([int(pair, 16)]))

    def _fragment(self, p, bound, seen):
        if isinstance(p, bytes):
            return re.escape(p)
        if p[0] == "any":
            return b"."
        if p[1] == "*":
            return rb"[^ \r\n]+"
        if p[1] in bound:
            return re.escape(bound[p[1]])
        if p[1] in seen:
            return b"(?P=" + p[1].encode() + b")"
        seen.add(p[1])
        return b"(?P<" + p[1].encode() + rb">[^ \r\n]+)"

    def regex(self, bound):
        seen = set()
        rx = b"".join(self._fragment(p, bound, seen) for p in self.parts)
        return re.compile(rx, re.DOTALL)

    def prefixes(self, bound):
        """[(units, regex)] for every prefix ending at a line end (text) or a byte (hex), so a
        reply can be judged wrong as soon as a complete line or byte differs."""
        out, rx, units, seen = [], b"", 0, set()
        for p in self.parts:
            if isinstance(p, bytes) and not self.hexmode:
                for piece in re.split(rb"(?<=\r\n)", p):
                    rx += re.escape(piece)
                    if piece.endswith(b"\r\n"):
                        units += 1
                        out.append((units, re.compile(rx, re.DOTALL)))
                continue
            rx += self._fragment(p, bound, seen)
            if self.hexmode:
                units += 1
                out.append((units, re.compile(rx, re.DOTALL)))
        return out

    def size_hint(self):
        """Fail-fast threshold: bytes (hex) or CRLF count (text) of a complete reply."""
        if self.hexmode:
            return sum(1 if not isinstance(p, bytes) else len(p) for p in self.parts)
        return sum(p.count(b"\r\n") for p in self.parts if isinstance(p, bytes))

    def describe(self):
        return b"".join(p if isinstance(p, bytes) else b"{%s}" % p[1].encode() if p[0] == "tok"
                        else b"??" for p in self.parts)


def parse(path):
    steps = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            kind, _, rest = line.partition(" ")
            if kind == ">":
                data = unescape(rest)
                if steps and steps[-1][0] == "send":
                    steps[-1] = ("send", steps[-1][1] + data, lineno)
                else:
                    steps.append(("send", data, lineno))
            elif kind == ">x":
                data = bytes.fromhex(rest)
                if steps and steps[-1][0] == "send":
                    steps[-1] = ("send", steps[-1][1] + data, lineno)
                else:
                    steps.append(("send", data, lineno))
            elif kind in ("<", "<x"):
                if not (steps and steps[-1][0] == "expect"):
                    steps.append(("expect", Expect(), lineno))
                if kind == "<":
                    steps[-1][1].add_text(unescape(rest))
                else:
                    steps[-1][1].add_hex(rest)
            elif kind == "%":
                steps.append(("dir", rest.split(), lineno))
            else:
                raise ValueError("%s:%d: unknown line %r" % (path, lineno, line))
    return steps


def header(steps):
    """(only-target or None, binary?) from the directives."""
    only, binary = None, False
    for kind, arg, _ in steps:
        if kind == "dir" and arg[0] == "only":
            only = arg[1]
        if kind == "dir" and arg[0] == "binary":
            binary = True
    return only, binary


def expect_reply(conn, exp, bound, where):
    rx = exp.regex(bound)
    hint = exp.size_hint()
    prefixes = exp.prefixes(bound)
    deadline = time.monotonic() + conn.timeout
    while True:
        m = rx.match(conn.buf)
        if m:
            bound.update({k: v for k, v in m.groupdict().items() if v is not None})
            conn.buf = conn.buf[m.end():]
            return
        have = len(conn.buf) if exp.hexmode else conn.buf.count(b"\r\n")
        done = [p for n, p in prefixes if n <= have]
        if have >= hint or (done and not done[-1].match(conn.buf)):
            raise AssertionError("%s: expected %r, got %r" % (where, exp.describe(), conn.buf))
        try:
            ok = conn._fill(deadline)
        except TimeoutError:
            raise AssertionError("%s: timed out; expected %r, got %r" %
                                 (where, exp.describe(), conn.buf)) from None
        if not ok:
            raise AssertionError("%s: connection closed; expected %r, got %r" %
                                 (where, exp.describe(), conn.buf))


def substitute(data, bound):
    def rep(m):
        return bound[m.group(1).decode()]
    return TOKEN.sub(rep, data).replace(b"\\{", b"{")


def send(c, data, bytewise):
    """Sends data whole or one byte per write. A server may answer and close before a bad
    request is complete (a binary header with invalid lengths): the failed write is then
    ignored and the reply and close are checked by the steps that follow."""
    try:
        if not bytewise:
            c.send(data)
            return
        for i in range(len(data)):
            c.send(data[i:i + 1])
    except (BrokenPipeError, ConnectionResetError):
        pass


NOOP = struct.pack(">BBHBBHIIQ", 0x80, 0x0A, 0, 0, 0, 0, 0, 0xDEADBEEF, 0)


def run(server, path, bytewise=False):
    steps = parse(path)
    name = os.path.basename(path)
    _, binary = header(steps)
    with server.connect() as ctl:
        ctl.cmd("flush_all", "OK\r\n")
        before = ctl.stats()
        conns, cur, bound = {}, "1", {}
        try:
            for kind, arg, lineno in steps:
                where = "%s:%d" % (name, lineno)
                if cur not in conns:
                    conns[cur] = server.connect()
                c = conns[cur]
                if kind == "send":
                    send(c, substitute(arg, bound), bytewise)
                elif kind == "expect":
                    expect_reply(c, arg, bound, where)
                elif arg[0] == "conn":
                    cur = arg[1]
                elif arg[0] == "eof":
                    assert c.closed_by_peer(), "%s: server kept the connection open" % where
                    assert c.buf == b"", "%s: unexpected bytes before close %r" % (where, c.buf)
                    c.close()
                    del conns[cur]
                elif arg[0] == "close":
                    c.close()
                    del conns[cur]
                elif arg[0] == "stat":
                    now = ctl.stats()
                    delta = int(now[arg[1]]) - int(before[arg[1]])
                    assert delta == int(arg[2]), "%s: stat %s changed by %d, expected %s" % (
                        where, arg[1], delta, arg[2])
            for key, c in conns.items():
                if binary:
                    c.send(NOOP)
                    c.expect(b"\x81\x0a" + b"\0" * 6 + b"\0\0\0\0" + b"\xde\xad\xbe\xef" + b"\0" * 8)
                else:
                    c.sync()
                assert c.buf == b"", "%s: stray bytes on connection %s: %r" % (name, key, c.buf)
        finally:
            for c in conns.values():
                c.close()
