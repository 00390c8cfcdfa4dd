"""Binary protocol (issue 4): a golden transcript per opcode (tests/transcripts/binary, written by
tests/transcripts/mkbinary.py), run whole and one byte per write; replies whose length depends on
the server (version, stat) and CAS round trips here; memccapable -b and pylibmc in binary mode."""

import os
import struct

import pylibmc
import pytest

import harness
import transcript
from harness import ukey
from test_clients import run_memccapable

FILES = transcript.files("binary")
HDR = struct.Struct(">BBHBBHIIQ")


@pytest.mark.parametrize("bytewise", [False, True], ids=["whole", "bytewise"])
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(f) for f in FILES])
def test_binary_transcript(server, path, bytewise):
    transcript.run(server, path, bytewise)


def packet(op, key=b"", extras=b"", value=b"", opaque=0, cas=0):
    return HDR.pack(0x80, op, len(key), len(extras), 0, 0, len(key) + len(extras) + len(value),
                    opaque, cas) + extras + key + value


def read_packet(c):
    """(opcode, status, key, extras, value, opaque, cas) of the next reply."""
    magic, op, klen, elen, _, status, blen, opaque, cas = HDR.unpack(c.read_exact(24))
    assert magic == 0x81
    body = c.read_exact(blen) if blen else b""
    return op, status, body[elen:elen + klen], body[:elen], body[elen + klen:], opaque, cas


def test_version(conn):
    conn.send(packet(0x0B, opaque=7))
    op, status, key, extras, value, opaque, _ = read_packet(conn)
    assert (op, status, key, extras, opaque) == (0x0B, 0, b"", b"", 7)
    with harness.Conn(conn.sock.getpeername()) as text:  # a connection speaks one protocol
        text.send(b"version\r\n")
        assert text.read_line() == b"VERSION " + value + b"\r\n"


def test_stat_groups(conn):
    conn.send(packet(0x10, opaque=3))
    stats = {}
    while True:
        op, status, key, extras, value, opaque, _ = read_packet(conn)
        assert (op, status, opaque) == (0x10, 0, 3)
        if not key:
            assert value == b""
            break
        stats[key.decode()] = value.decode()
    assert int(stats["pid"]) > 0 and "curr_items" in stats and "get_hits" in stats
    conn.send(packet(0x10, key=b"settings"))
    settings = {}
    while True:
        op, status, key, extras, value, opaque, _ = read_packet(conn)
        assert status == 0
        if not key:
            break
        settings[key.decode()] = value.decode()
    assert int(settings["maxbytes"]) == 64 * 1024 * 1024
    conn.send(packet(0x10, key=b"reset"))
    op, status, key, extras, value, opaque, _ = read_packet(conn)
    assert (op, status, key, value) == (0x10, 0, b"", b"")
    conn.send(packet(0x10, key=b"no_such_group"))
    op, status, key, extras, value, opaque, _ = read_packet(conn)
    assert (op, status, value) == (0x10, 1, b"Not found")


def test_cas_round_trip(conn):
    k = ukey("bcas").encode()
    conn.send(packet(0x01, k, struct.pack(">II", 0, 0), b"one"))
    _, status, _, _, _, _, cas1 = read_packet(conn)
    assert status == 0 and cas1 != 0
    conn.send(packet(0x00, k))
    _, status, _, _, value, _, cas = read_packet(conn)
    assert (status, value, cas) == (0, b"one", cas1)
    conn.send(packet(0x01, k, struct.pack(">II", 0, 0), b"two", cas=cas1))
    _, status, _, _, _, _, cas2 = read_packet(conn)
    assert status == 0 and cas2 not in (0, cas1)
    conn.send(packet(0x01, k, struct.pack(">II", 0, 0), b"three", cas=cas1))
    assert read_packet(conn)[1] == 2
    conn.send(packet(0x04, k, cas=cas1))
    assert read_packet(conn)[1] == 2
    conn.send(packet(0x04, k, cas=cas2))
    assert read_packet(conn)[1] == 0


def test_value_too_large(conn):
    k = ukey("bbig").encode()
    conn.send(packet(0x01, k, struct.pack(">II", 0, 0), b"x" * (1024 * 1024 + 1), opaque=5))
    op, status, _, _, value, opaque, _ = read_packet(conn)
    assert (op, status, value, opaque) == (0x01, 3, b"Too large.", 5)
    conn.send(packet(0x0A, opaque=6))
    assert read_packet(conn)[0] == 0x0A


def test_text_and_binary_on_separate_connections(server):
    k = ukey("bmix")
    with server.connect() as t, server.connect() as b:
        t.set(k, "shared", flags=3)
        b.send(packet(0x00, k.encode()))
        _, status, _, extras, value, _, _ = read_packet(b)
        assert (status, extras, value) == (0, struct.pack(">I", 3), b"shared")


def test_memccapable_binary(make_server):
    srv = make_server()
    rc, out, results = run_memccapable(srv, "-b")
    assert len(results) >= 20, out
    failed = [name for name, res in results if res != "pass"]
    assert not failed, "memccapable -b failed: %s\n%s" % (failed, out)
    assert all(name.startswith("binary ") for name, _ in results)
    assert rc == 0 and "All tests passed" in out, out


def test_pylibmc_binary(server):
    c = pylibmc.Client([server.addr()], binary=True)
    try:
        k = ukey("plb")
        c.set(k, "bin")
        assert c.get(k) == "bin"
        c.set(k, 12345)
        assert c.get(k) == 12345
        c.set(k, {"x": (1, 2)})
        assert c.get(k) == {"x": (1, 2)}
        assert c.add(k, "no") is False
        c.replace(k, "yes")
        c.append(k, "!")
        c.prepend(k, "<")
        assert c.get(k) == "<yes!"
        n = ukey("plbn")
        c.set(n, "5")
        assert c.incr(n, 10) == 15 and c.decr(n, 100) == 0
        with pytest.raises(pylibmc.NotFound):
            c.incr(ukey("plb_missing"))
        items = {ukey("plbm"): "v" * i for i in range(1, 300)}
        assert c.set_multi(items) == []
        assert c.get_multi(list(items) + [ukey("plb_missing")]) == items
        assert c.touch(n, 100)
        assert c.delete(k) and c.get(k) is None
        big = "B" * (800 * 1024)
        c.set(k, big)
        assert c.get(k) == big
        stats = c.get_stats()
        assert stats and "curr_items" in stats[0][1]
    finally:
        c.disconnect_all()


def test_binding_protocol_ascii(make_server):
    srv = make_server(["-B", "ascii"])
    with srv.connect() as c:
        c.sync()
        # a binary NOOP is text to an ascii-only server: "\x80\n" is an unknown command line
        c.send(packet(0x0A, opaque=1))
        c.expect(b"ERROR\r\n")


def test_binding_protocol_binary(make_server):
    srv = make_server(["-B", "binary"])
    with srv.connect() as c:
        c.send(packet(0x0A, opaque=1))
        assert read_packet(c)[0] == 0x0A
    with srv.connect() as c:  # text is not a valid binary header (bad magic): closed, no reply
        c.send(b"version\r\n" * 3)
        assert c.closed_by_peer()
        assert c.buf == b""
