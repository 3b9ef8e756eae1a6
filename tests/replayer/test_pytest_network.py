"""The plugin's network block: each concurrent test (an asyncio task) keeps the hosts its own block allows."""

from __future__ import annotations

import asyncio
import socket

import pytest

from ssetape.errors import NetworkBlockedError
from ssetape.replayer.pytest_plugin import NetworkBlock

OUTSIDE = ("192.0.2.1", 9)  # TEST-NET-1: never answers; a non-blocking connect only starts


def start_connecting() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setblocking(False)
        return sock.connect_ex(OUTSIDE)


def test_concurrent_tasks_each_keep_their_own_block() -> None:
    original = socket.socket.connect
    outcomes: dict[str, str] = {}
    both_inside = asyncio.Event()

    async def test(name: str, allowed: tuple[str, ...]) -> None:
        with NetworkBlock(allowed, hint=f"record {name}"):
            await asyncio.sleep(0)
            if name == "allowing":
                both_inside.set()
            await both_inside.wait()  # both blocks are active from here on
            try:
                start_connecting()
                outcomes[name] = "connected"
            except NetworkBlockedError as exc:
                outcomes[name] = str(exc)

    async def main() -> None:
        await asyncio.gather(test("blocking", ()), test("allowing", (OUTSIDE[0],)))

    asyncio.run(main())
    assert outcomes["allowing"] == "connected"
    assert "may not connect to 192.0.2.1:9" in outcomes["blocking"]
    assert "(record blocking, or allow the host with" in outcomes["blocking"]
    assert socket.socket.connect is original  # the last block out puts the socket back


def test_loopback_is_always_allowed_and_nothing_is_blocked_outside_a_block() -> None:
    with NetworkBlock(()), socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
        with pytest.raises(NetworkBlockedError):
            start_connecting()
    start_connecting()


def test_an_allowed_host_name_allows_the_addresses_it_has(monkeypatch: pytest.MonkeyPatch) -> None:
    """A socket connects to an address, not a name: ``allowed_hosts=["myservice.test"]`` allows that name's
    addresses (as pytest-recording's block does), looked up once, and no other."""
    looked_up: list[str] = []
    names = {"myservice.test": OUTSIDE[0], "other.test": "192.0.2.77"}

    def getaddrinfo(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        looked_up.append(host)
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with NetworkBlock(["myservice.test", "nowhere.test"]):
        start_connecting()
        start_connecting()
    assert sorted(looked_up) == ["myservice.test", "nowhere.test"]
    with NetworkBlock(["other.test"]), pytest.raises(NetworkBlockedError, match=r"may not connect to 192\.0\.2\.1:9"):
        start_connecting()
