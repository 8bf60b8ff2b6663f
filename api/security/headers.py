"""Security headers on every response, and the cookies the app sets."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.security import csrf

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-src 'self'",
        "frame-ancestors 'self'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)


class SecurityHeadersMiddleware:
    """Adds the headers, and the CSRF cookie when a page created a token."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in self._headers():
                    if name not in names:
                        headers.append((name, value))
                token = scope.get("state", {}).get("new_csrf_token")
                if token:
                    headers.append((b"set-cookie", self._csrf_cookie(token)))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"geolocation=(), microphone=(), payment=()"),
        ]
        if self.production:
            headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        return headers

    def _csrf_cookie(self, token: str) -> bytes:
        return cookie_header(csrf.COOKIE, token, production=self.production, max_age=None)


def cookie_header(name: str, value: str, *, production: bool, max_age: int | None) -> bytes:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if production:
        parts.append("Secure")
    return "; ".join(parts).encode()
