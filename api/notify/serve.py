"""`carnet serve` on SQLite: the web server and the job worker in one process.

The worker starts once the app's lifespan has opened the database and stops before the
lifespan closes it. It is procrastinate's worker on the in-memory connector (see
api.notify.queue): the demo needs no second process and no PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import socket

import uvicorn

from api.notify.queue import run_worker
from api.settings import Settings

log = logging.getLogger(__name__)


class ServerWithJobs(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, settings: Settings) -> None:
        super().__init__(config)
        self.settings = settings
        self.jobs: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            self.jobs = asyncio.create_task(run_worker(self.settings, in_process=True),
                                            name="carnet-jobs")
            self.jobs.add_done_callback(_report_end)
            log.info("background jobs run in this process (SQLite)")

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.jobs is not None:
            self.jobs.cancel()
            await asyncio.gather(self.jobs, return_exceptions=True)
        await super().shutdown(sockets)


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the in-process job worker stopped", exc_info=task.exception())


def serve_with_jobs(app: object, settings: Settings, host: str, port: int) -> None:
    config = uvicorn.Config(app, host=host, port=port, proxy_headers=True,  # type: ignore[arg-type]
                            log_level="info")
    ServerWithJobs(config, settings).run()
