"""Outbound HTTP to addresses a tenant chose (e.g. a seller's own LLM base URL).

A URL typed into a settings form must not turn the server into a probe of its own network.
Two layers:

- `check_public_url()` at save time: https only (unless the host is on the operator's
  allow-list), and every address the name resolves to must be public.
- `public_only_client()` at connect time: the same check runs again inside the connection
  pool, on the addresses the socket will really connect to, so a name that resolved to a
  public address at save time and to 127.0.0.1 now (DNS rebinding) is still refused.
  Redirects are not followed, and a refused connection looks exactly like any other
  connection failure, so the caller learns nothing about what listens inside.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

from agentiq.kit.errors import ValidationFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(httpcore.ConnectError):
    """The destination resolved to an address a tenant may not reach."""


def normalise_hosts(hosts: Iterable[str]) -> frozenset[str]:
    return frozenset(h.strip().lower().rstrip(".") for h in hosts if h.strip())


def is_public_address(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public_address(address.ipv4_mapped)
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to now (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def public_addresses(host: str, port: int) -> list[IPAddress]:
    """The addresses to connect to; BlockedAddress if any of them is not public."""
    try:
        addresses = await resolve(host, port)
    except OSError as exc:
        raise httpcore.ConnectError("name resolution failed") from exc
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise BlockedAddress("destination not allowed")
    return addresses


class PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """Resolves the name itself, refuses non-public results, connects to the checked IP.

    TLS still verifies the certificate against the original host name: httpcore passes the
    URL's host as `server_hostname` when it upgrades the stream.
    """

    def __init__(self, allowed_hosts: frozenset[str] = frozenset()) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.allowed_hosts = allowed_hosts

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if host.lower().rstrip(".") in self.allowed_hosts:
            return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            with anyio.fail_after(timeout):
                addresses = await public_addresses(host, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout("name resolution timed out") from exc
        return await self.inner.connect_tcp(
            str(addresses[0]), port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def public_only_transport(allowed_hosts: frozenset[str] = frozenset()) -> httpx.AsyncHTTPTransport:
    # trust_env=False: an HTTP(S)_PROXY in the environment must not route around the check.
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx builds its pool without a network-backend hook; swap in one that has ours.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        network_backend=PublicOnlyBackend(allowed_hosts),
    )
    return transport


def public_only_client(
    *, timeout: float, allowed_hosts: frozenset[str] = frozenset()
) -> httpx.AsyncClient:
    """An httpx client for tenant-chosen URLs: no redirects, no proxies, public IPs only."""
    return httpx.AsyncClient(
        transport=public_only_transport(allowed_hosts),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


URL_MESSAGE = (
    "Укажите адрес https://… публичного сервера модели; адреса внутренней сети "
    "и http без шифрования не поддерживаются"
)


async def check_public_url(
    url: str, *, allowed_hosts: frozenset[str] = frozenset(), field: str = "base_url"
) -> str:
    """The URL, or ValidationFailed with one Russian sentence (the same for every refusal,
    so the answer does not tell which internal names exist)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    refused = ValidationFailed(URL_MESSAGE, details={field: URL_MESSAGE})
    if not host or parts.username or parts.password:
        raise refused
    if host in allowed_hosts:
        if parts.scheme not in {"http", "https"}:
            raise refused
        return url.strip()
    if parts.scheme != "https":
        raise refused
    try:
        port = parts.port or 443
    except ValueError:
        raise refused from None
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError):
        # Not resolvable now: nothing to probe; the connect-time check decides later.
        return url.strip()
    if not all(is_public_address(a) for a in addresses):
        raise refused
    return url.strip()
