"""Meta protocol (issue 4): a golden transcript per flag (tests/transcripts/meta), run whole and
one byte per write; the stampede scenario with ten concurrent clients."""

import os
import threading

import pytest

import harness
import transcript
from harness import ukey

FILES = transcript.files("meta")


@pytest.mark.parametrize("bytewise", [False, True], ids=["whole", "bytewise"])
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(f) for f in FILES])
def test_meta_transcript(server, path, bytewise):
    only, _ = transcript.header(transcript.parse(path))
    if only and only != harness.TARGET:
        pytest.skip("transcript only for " + only)
    transcript.run(server, path, bytewise)


def test_stampede_one_winner(server):
    """Ten clients miss the same key with `mg <key> v N30` at once: exactly one wins (W), the
    others see Z; after the winner's ms every client hits the new value."""
    key = ukey("stampede")
    clients = [server.connect() for _ in range(10)]
    try:
        barrier = threading.Barrier(len(clients), timeout=10)
        replies = [None] * len(clients)
        errors = []

        def miss(i):
            try:
                barrier.wait()
                clients[i].send("mg %s v N30 c\r\n" % key)
                replies[i] = clients[i].read_line()
                clients[i].expect(b"\r\n")  # the empty value of the vivified item
            except Exception as e:  # reported below; a thread cannot fail the test itself
                errors.append(e)

        threads = [threading.Thread(target=miss, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        assert not errors, errors
        flags = [r.split()[2:] for r in replies]
        assert all(r.startswith(b"VA 0 ") for r in replies), replies
        winners = [i for i, f in enumerate(flags) if b"W" in f]
        assert len(winners) == 1, replies
        losers = [f for i, f in enumerate(flags) if i != winners[0]]
        assert all(b"Z" in f and b"W" not in f for f in losers), replies
        w = clients[winners[0]]
        w.send("ms %s 5 T60\r\nfresh\r\n" % key)
        w.expect("HD\r\n")
        for c in clients:
            c.send("mg %s v N30\r\n" % key)
            c.expect("VA 5\r\nfresh\r\n")
    finally:
        for c in clients:
            c.close()
