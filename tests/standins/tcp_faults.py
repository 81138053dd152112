"""A TCP proxy on 127.0.0.1 that can refuse or black-hole, for database fault tests.

``PASS`` forwards bytes both ways to the real server (PostgreSQL); ``REFUSE``
closes the listening socket and aborts every open connection, so connects get
ECONNREFUSED like a stopped server; ``BLACKHOLE`` keeps accepting but forwards
nothing, in either direction, on new and open connections alike, like a server
behind a dropped route. The database's own protocol is untouched.
"""

from __future__ import annotations

import asyncio
import enum

from bot.lifecycle import Lifecycle


class Mode(enum.Enum):
    PASS = "pass"
    REFUSE = "refuse"
    BLACKHOLE = "blackhole"


class FaultyProxy(Lifecycle):
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.mode = Mode.PASS
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self._close_server()
        self._abort_all()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        if mode is Mode.REFUSE:
            await self._close_server()
            self._abort_all()
        elif self._server is None:
            await self.start()  # same port again

    async def _close_server(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def _abort_all(self) -> None:
        for w in list(self._writers):
            w.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        if self.mode is Mode.BLACKHOLE:
            await self._swallow(reader)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.add(up_writer)
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pump(src, dst))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        while await reader.read(65536):
            pass

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                if self.mode is Mode.BLACKHOLE:
                    continue  # read and dropped: the peer waits forever
                dst.write(data)
                await dst.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            if self.mode is not Mode.BLACKHOLE:
                dst.transport.abort()
