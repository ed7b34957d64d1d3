"""The account part of a camera URL (``rtsp://user:password@host/...``): read, replaced,
removed or masked. One place for the registry, its history and the CLI, because each of
them must treat a password the same way (``events`` may not import ``video.mask_url``).
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit


def account_of(url: str) -> tuple[str, str] | None:
    """The (user, password) ``url`` carries, decoded; None when it carries none or is too
    broken to tell (the URL check refuses such a URL anyway)."""
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return None
    if user is None and password is None:
        return None
    return unquote(user or ""), unquote(password or "")


def with_account(url: str, user: str, password: str) -> str:
    """``url`` with its account replaced by (``user``, ``password``), or removed when both
    are empty. Characters that would end the account early (``@ : /``) are %-escaped, as
    the capture's URL parser expects."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # host and port as written
    if user or password:
        netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def masked(url: str | None) -> str | None:
    """``rtsp://user:pw@host/x`` → ``rtsp://***@host/x``, as ``video.mask_url`` shows it."""
    if url is None or account_of(url) is None:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))
