"""The test-wide guard must refuse anything beyond loopback."""

import socket

import pytest

from tests.conftest import NetworkGuardError


def test_guard_refuses_public_address() -> None:
    with socket.socket() as s, pytest.raises(NetworkGuardError):
        s.connect(("93.184.216.34", 80))


def test_guard_refuses_name_resolution_of_remote_host() -> None:
    with pytest.raises(NetworkGuardError):
        socket.getaddrinfo("api.telegram.org", 443)


def test_guard_allows_loopback() -> None:
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        with socket.socket() as c:
            c.connect(srv.getsockname())
            assert c.getpeername() == srv.getsockname()
