"""Who may connect and what a page may load.

- `check_bind`: the app listens on a loopback address unless an access token is set.
- `Guard`: with a token, every request must carry it (an `Authorization: Bearer` header, or the
  `dhr_token` cookie the app sets when a link with `?token=...` is opened); otherwise 401. Every
  response gets a Content-Security-Policy that allows nothing from another origin (no scripts at
  all), and headers that stop framing, MIME sniffing and referrer leaks.
"""

from __future__ import annotations

import hmac
import ipaddress
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kb.errors import DHRError

COOKIE = "dhr_token"
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
FILE_CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'"  # lets the browser's PDF viewer run
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}
LOOPBACK_NAMES = ("localhost",)


class ServeError(DHRError):
    """The server cannot start as asked (e.g. a public address without a token)."""


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without an access token."""
    if not is_loopback(host) and not token:
        raise ServeError(
            f"refusing to listen on {host}, which other machines can reach, without an access token: "
            "set --token or DHR_TOKEN (or keep the default --host 127.0.0.1)"
        )


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def host_name(header: str) -> str:
    """'127.0.0.1:8765' -> '127.0.0.1'; '[::1]:8765' -> '[::1]'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[: header.find("]") + 1]
    return header.split(":")[0]


class Guard:
    """ASGI middleware: the access token (when set), the Host check (when given) and the security headers.

    A loopback server answers only loopback host names, so a web page elsewhere cannot point a name of
    its own at 127.0.0.1 ("DNS rebinding") and read the knowledge base through the visitor's browser.
    """

    def __init__(self, app: ASGIApp, token: str | None = None, hosts: tuple[str, ...] | None = None) -> None:
        self.app = app
        self.token = token or None
        self.hosts = hosts

    def _matches(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())  # type: ignore[union-attr]

    def _presented(self, scope: Scope) -> bool:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and self._matches(auth[7:].strip()):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header is simply not a token
            return False
        return COOKIE in cookie and self._matches(cookie[COOKIE].value)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("content-security-policy", PAGE_CSP)
            await send(message)

        if self.hosts is not None:
            host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
            if host_name(host) not in self.hosts:
                await PlainTextResponse("400 Bad Request: unknown host name.", status_code=400)(
                    scope, receive, send_with_headers)
                return
        if self.token and not self._presented(scope):
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
            if self._matches(query.get("token")):  # a shared link: keep the token in a cookie, drop it from the URL
                rest = urlencode({k: v for k, v in query.items() if k != "token"})
                response = RedirectResponse(scope["path"] + ("?" + rest if rest else ""), status_code=303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
            else:
                response = PlainTextResponse(
                    "401 Unauthorized: this knowledge base needs its access token. Open the link you were "
                    "given (it ends in ?token=...), or send 'Authorization: Bearer TOKEN'.",
                    status_code=401,
                    headers={"www-authenticate": "Bearer"},
                )
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
