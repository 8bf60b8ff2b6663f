"""The professional's workspace: the patients who shared with them, deposits, emergency
access and messages. Each area is a module with its own ``routes``; they are gathered here.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from web.pro import deposit, emergency, messages, records, sections, workspace

routes: list[BaseRoute] = [*workspace.routes, *records.routes, *sections.routes,
                           *deposit.routes, *emergency.routes, *messages.routes]
