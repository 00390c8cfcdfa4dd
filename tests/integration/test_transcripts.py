"""Golden text-protocol transcripts (tests/transcripts/text), each run whole and one byte per
write, against a server shared by this module (each file starts with flush_all)."""

import os

import pytest

import harness
import transcript

FILES = transcript.files("text")


@pytest.mark.parametrize("bytewise", [False, True], ids=["whole", "bytewise"])
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(f) for f in FILES])
def test_text_transcript(server, path, bytewise):
    only, _ = transcript.header(transcript.parse(path))
    if only and only != harness.TARGET:
        pytest.skip("transcript only for " + only)
    transcript.run(server, path, bytewise)


def test_transcripts_exist():
    assert len(FILES) >= 10
