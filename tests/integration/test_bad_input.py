"""Bad input: huge lines, random bytes, clients vanishing mid-request or mid-reply. Each gets the
reply memcached gives; the server keeps serving another connection opened before the abuse, and
nothing stored before it is lost or changed (checked after every test)."""

import random

import pytest

from harness import ukey

N_KEEP = 200


@pytest.fixture(scope="module")
def stored(server):
    """Items written before any abuse: checked intact after every test of the module."""
    items = {ukey("keep"): bytes(random.Random(i).randbytes(1 + i * 13)) for i in range(N_KEEP)}
    with server.connect() as c:
        for k, v in items.items():
            c.set(k, v, flags=len(v))
    return items


@pytest.fixture
def bystander(server, stored):
    """A connection open across the abuse; afterwards it must still work and see every item."""
    c = server.connect()
    c.sync()
    yield c
    c.sync()
    for k, v in stored.items():
        assert c.get(k) == v, "item %s lost or changed" % k
    assert server.alive()
    c.close()


def test_huge_line_without_newline_is_closed(server, bystander):
    with server.connect() as c:
        c.send(b"x" * (64 * 1024))
        assert c.closed_by_peer(), "server kept reading an unbounded line"
        assert c.buf == b"", "memcached closes without a reply, got %r" % c.buf


def test_long_line_with_newline_is_an_error(server, bystander):
    with server.connect() as c:
        c.cmd(b"y" * 3000, b"ERROR\r\n")
        c.sync()


def test_line_without_crlf_then_vanish(server, bystander):
    k = ukey("partial_line")
    with server.connect() as c:
        c.send(b"set %s 0 0 1" % k.encode())  # never finished
    assert bystander.get(k) is None


def test_client_vanishes_mid_value(server, bystander, stored):
    k = next(iter(stored))
    with server.connect() as c:
        c.send(b"set %s 0 0 100\r\n" % k.encode() + b"z" * 50)
    fresh = ukey("vanish")
    with server.connect() as c:
        c.send(b"set %s 0 0 100\r\n" % fresh.encode() + b"z" * 99)
    assert bystander.get(fresh) is None


def test_client_vanishes_mid_reply(server, bystander):
    k = ukey("bigreply")
    bystander.set(k, b"r" * 500000)
    for _ in range(3):
        with server.connect() as c:
            c.send(b"get %s\r\n" % k.encode() * 40)  # 20 MB of replies nobody reads
    assert bystander.get(k) == b"r" * 500000


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes(server, bystander, seed):
    rnd = random.Random(seed)
    data = rnd.randbytes(8192)
    if seed % 2:  # half the cases: printable noise with line breaks, which reaches the parser
        data = bytes(rnd.choice(b"abcdefgetsincr 0123456789\r\n\t-") for _ in range(8192))
    with server.connect() as c:
        try:
            c.send(data)
            c.sock.shutdown(1)
            c.closed_by_peer(timeout=1)  # either answer and close, or wait for more: both fine
        except (BrokenPipeError, ConnectionResetError):
            pass
    bystander.sync()


def test_storage_command_bad_data_chunk_keeps_old_value(server, bystander, stored):
    k = list(stored)[1]
    with server.connect() as c:
        c.send(b"set %s 0 0 2\r\nabcdef\r\n" % k.encode())
        c.expect(b"CLIENT_ERROR bad data chunk\r\n")
        c.expect(b"ERROR\r\n")  # the rest of the overlong block ("ef") reads as a command
        c.sync()


def test_other_clients_unaffected_during_abuse(server, bystander):
    k = ukey("during")
    with server.connect() as bad:
        bad.send(b"set %s 0 0 10\r\nabc" % k.encode())  # stuck mid-value
        bystander.set(k, "fine")
        assert bystander.get(k) == b"fine"
        bad.send(b"\x00" * 4000)
        bystander.sync()
