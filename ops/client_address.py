"""The address of the client that sent a request, through trusted reverse proxies."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """Return the client's IP address as a string.

    With KB_TRUSTED_PROXY_COUNT = N > 0, each of the N proxies in front of the
    application appends the address it received the request from to
    X-Forwarded-For, so the client is the N-th entry from the right. Entries
    further left were written by the client and are ignored. With a missing or
    too short header, REMOTE_ADDR is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.KB_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def address_allowed(address: str, allowed: list[str]) -> bool:
    """Whether `address` is one of `allowed`, which holds addresses or CIDR networks."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in allowed:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False
