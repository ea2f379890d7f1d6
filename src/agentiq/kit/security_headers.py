"""Security headers on every response (pure ASGI).

- Content-Security-Policy: scripts, styles, fonts and connections only from our own origin
  (templates carry no inline script, style or event-handler attribute; see static/csp.js),
  no plugins, no framing, forms post only to us.
- X-Frame-Options and frame-ancestors: no other site may frame a page (clickjacking).
- X-Content-Type-Options: nosniff; Referrer-Policy: same-origin.
- Strict-Transport-Security in production (served over https behind the proxy).
- Cache-Control: no-store on everything answered to a signed-in browser (and on the
  sign-in response itself), so Back after sign-out or a shared computer's cache never shows
  the inbox again. Static files keep their own caching.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HSTS = b"max-age=31536000; includeSubDomains"
# FastAPI's interactive docs load their own inline script; they are off in production.
NO_CSP_PREFIXES = ("/docs", "/redoc")


def _has_session_cookie(scope: Scope, cookie_name: bytes) -> bool:
    for key, value in scope.get("headers") or []:
        if key == b"cookie" and cookie_name + b"=" in value:
            return True
    return False


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool, session_cookie: str) -> None:
        self.app = app
        self.hsts = hsts
        self.session_cookie = session_cookie.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        signed_in = _has_session_cookie(scope, self.session_cookie)
        static = path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                added: list[tuple[bytes, bytes]] = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if not path.startswith(NO_CSP_PREFIXES):
                    added.append((b"content-security-policy", CSP.encode()))
                if self.hsts:
                    added.append((b"strict-transport-security", HSTS))
                sets_session = any(
                    k.lower() == b"set-cookie" and v.startswith(self.session_cookie + b"=")
                    for k, v in headers
                )
                if (signed_in or sets_session) and not static:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    present.discard(b"cache-control")
                    added.append((b"cache-control", b"no-store"))
                headers.extend((k, v) for k, v in added if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
