"""Shared fixtures: one server per test module (tests there use unique keys), a factory for tests
that need their own server (flags, flush_all, connection limits), and a connection per test.
Tests marked ringcached_only check things memcached does not have and are skipped for the oracle.
"""

import os
import signal

import pytest

import harness


def _interrupt(signum, frame):
    raise KeyboardInterrupt("SIGTERM")


def pytest_configure(config):
    config.addinivalue_line("markers", "ringcached_only: behaviour memcached does not have")
    # an outer timeout's SIGTERM becomes an interrupt, so fixtures still stop their servers
    signal.signal(signal.SIGTERM, _interrupt)


def pytest_report_header(config):
    return "target: %s (%s)" % (harness.TARGET, harness.server_binary())


def pytest_collection_modifyitems(config, items):
    if harness.TARGET != "memcached":
        return
    skip = pytest.mark.skip(reason="ringcached-only behaviour")
    for item in items:
        if "ringcached_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _binary_exists():
    path = harness.server_binary()
    if not os.access(path, os.X_OK):
        pytest.exit("server binary %s is missing: build it or set RINGCACHED / RC_TARGET" % path,
                    returncode=2)


@pytest.fixture(scope="module")
def server():
    srv = harness.Server(["-m", "64", "-t", "2"]).start()
    yield srv
    err = srv.stop()
    assert "AddressSanitizer" not in err and "runtime error" not in err, err


@pytest.fixture
def conn(server):
    c = server.connect()
    yield c
    c.close()


@pytest.fixture
def make_server():
    """make_server(args) starts a private server, stopped at teardown."""
    started = []

    def make(args=("-m", "64", "-t", "2")):
        srv = harness.Server(args).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        err = srv.stop()
        assert "AddressSanitizer" not in err and "runtime error" not in err, err
