"""The server's HTTP endpoints outside the pages: token, revocation, metadata."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.oauth.server import (
    METADATA_PATH,
    REVOKE_PATH,
    TOKEN_PATH,
    CarnetAuthorizationServer,
    metadata,
)


def oauth_routes(server: CarnetAuthorizationServer) -> list[Route]:
    async def token(request: Request) -> Response:
        return await server.token_response(request)

    async def revoke(request: Request) -> Response:
        return await server.revocation_response(request)

    async def server_metadata(request: Request) -> Response:
        issuer = str(request.base_url).rstrip("/")
        if server.production:
            issuer = issuer.replace("http://", "https://", 1)
        return JSONResponse(dict(metadata(issuer)))

    return [
        Route(TOKEN_PATH, token, methods=["POST"]),
        Route(REVOKE_PATH, revoke, methods=["POST"]),
        Route(METADATA_PATH, server_metadata, methods=["GET"]),
    ]
