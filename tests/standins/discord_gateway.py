"""The Discord gateway websocket, as discord.py 2.7 speaks it.

discord.py connects to `<gateway>?v=10&encoding=json&compress=zlib-stream`
(zstd-stream only when the `zstandard` package is importable; it is not in
this venv). With zlib-stream every server frame is binary: the payload run
through ONE zlib compressor per connection and flushed with Z_SYNC_FLUSH, so
each frame ends in ``00 00 ff ff``. Client frames are plain JSON text.

Flow: HELLO(op 10) -> client heartbeats (op 1 -> ACK op 11) and IDENTIFY
(op 2) -> READY (dispatch, op 0) then one GUILD_CREATE per guild. A session
outlives its socket: dispatches sent while the bot is away are buffered, and
RESUME (op 6) replays those after the client's last `seq`, then RESUMED.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import WSMsgType, web

Payload = dict[str, Any]
_log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, REQUEST_MEMBERS = 0, 1, 2, 6, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11
ZLIB_SUFFIX = b"\x00\x00\xff\xff"


class GatewayWorld(Protocol):
    """What the gateway needs from the stand-in's state."""

    token: str

    def ready_payload(
        self, session_id: str, resume_url: str, shard: list[int] | None
    ) -> Payload: ...

    def guild_create_payloads(self) -> list[Payload]: ...

    def member_payloads(self, guild_id: int) -> list[Payload]: ...

    def check_intents(self, intents: int) -> bool: ...


@dataclass
class Session:
    session_id: str
    intents: int
    seq: int = 0
    frames: list[Payload] = field(default_factory=list)  # every dispatch, for RESUME replay
    conn: Connection | None = None
    invalidated: bool = False


class Connection:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request, *, compress: bool) -> None:
        self.ws = ws
        self.request = request
        self._compressor = zlib.compressobj() if compress else None
        self._lock = asyncio.Lock()

    async def send(self, payload: Payload) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self._compressor is None:
                await self.ws.send_str(text)
                return
            data = self._compressor.compress(text.encode()) + self._compressor.flush(
                zlib.Z_SYNC_FLUSH
            )
            await self.ws.send_bytes(data)


class Gateway:
    def __init__(
        self,
        world: GatewayWorld,
        *,
        heartbeat_interval_ms: int,
        on_change: Callable[[], None],
        errors: list[str],
    ) -> None:
        self.world = world
        self.errors = errors  # stand-in bugs, surfaced by the test fixture
        self._on_change = on_change
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.heartbeats = 0
        self.identifies = 0
        self.resumes = 0

    def url(self, request: web.Request) -> str:
        return f"ws://{request.host}/gateway"

    @property
    def connected(self) -> bool:
        """True once a session has been READY or RESUMED on a socket that is still open."""
        return any(s.conn is not None and not s.conn.ws.closed for s in self.live_sessions)

    @property
    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if not s.invalidated]

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        query = request.query
        compress = query.get("compress")
        if query.get("v") != "10":
            await ws.close(code=4012, message=b"Invalid API version")
            return ws
        if query.get("encoding", "json") != "json" or compress not in (None, "zlib-stream"):
            # etf and zstd-stream are real Discord options this stand-in does not speak.
            await ws.close(code=4002, message=b"Decode error (unsupported by stand-in)")
            return ws
        conn = Connection(ws, request, compress=compress == "zlib-stream")
        self.connections.append(conn)
        session: Session | None = None
        try:
            await conn.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Decode error")
                    break
                try:
                    frame = json.loads(msg.data)
                except ValueError:
                    await ws.close(code=4002, message=b"Decode error")
                    break
                session = await self._on_frame(conn, session, frame)
        except Exception as exc:  # noqa: BLE001 - a stand-in bug must fail the test, not hang it
            self.errors.append(f"gateway: {exc!r}")
            await ws.close(code=4000, message=b"stand-in error")
        finally:
            self.connections.remove(conn)
            if session is not None and session.conn is conn:
                session.conn = None
            self._on_change()
        return ws

    async def _on_frame(
        self, conn: Connection, session: Session | None, frame: Payload
    ) -> Session | None:
        op, data = frame.get("op"), frame.get("d")
        if op == HEARTBEAT:
            self.heartbeats += 1
            await conn.send({"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            return await self._identify(conn, session, data or {})
        elif op == RESUME:
            return await self._resume(conn, session, data or {})
        elif session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated.")
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(session, data or {})
        elif op in (3, 4):  # presence / voice state updates: accepted, nothing to do
            pass
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode.")
        return session

    async def _identify(
        self, conn: Connection, session: Session | None, data: Payload
    ) -> Session | None:
        if session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
            return session
        if data.get("token") != self.world.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = data.get("intents")
        if not isinstance(intents, int):
            await conn.ws.close(code=4013, message=b"Invalid intent(s).")
            return None
        if not self.world.check_intents(intents):
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        self.identifies += 1
        session = Session(session_id=secrets.token_hex(16), intents=intents, conn=conn)
        self.sessions[session.session_id] = session
        ready = self.world.ready_payload(
            session.session_id, self.url(conn.request), data.get("shard")
        )
        await self._send_dispatch(session, "READY", ready)
        for guild in self.world.guild_create_payloads():
            await self._send_dispatch(session, "GUILD_CREATE", guild)
        self._on_change()
        return session

    async def _resume(
        self, conn: Connection, session: Session | None, data: Payload
    ) -> Session | None:
        found = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self.world.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return None
        if session is not None or found is None or found.invalidated:
            await conn.send({"op": INVALID_SESSION, "d": False})
            return session
        self.resumes += 1
        last_seq = int(data.get("seq") or 0)
        found.conn = conn
        for frame in found.frames:
            if frame["s"] > last_seq:
                await conn.send(frame)
        await self._send_dispatch(found, "RESUMED", {})
        self._on_change()
        return found

    async def _members_chunk(self, session: Session, data: Payload) -> None:
        guild_id = int(data.get("guild_id", 0))
        chunk: Payload = {
            "guild_id": str(guild_id),
            "members": self.world.member_payloads(guild_id),
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(self, session: Session, event: str, data: Payload) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.frames.append(frame)
        if session.conn is None or session.conn.ws.closed:
            return  # buffered; RESUME replays it
        try:
            await session.conn.send(frame)
        except ConnectionError:
            _log.debug("dispatch %s buffered: socket went away mid-send", event)

    async def dispatch(self, event: str, data: Payload, *, intent: int | None = None) -> int:
        """Send a dispatch to every live session (buffered if it is disconnected).

        Returns how many sessions it was queued for; `intent` filters on IDENTIFY intents.
        """
        targets = [s for s in self.live_sessions if intent is None or s.intents & intent]
        for session in targets:
            await self._send_dispatch(session, event, data)
        return len(targets)

    async def disconnect(self, code: int | None, *, invalidate: bool) -> None:
        """Drop every socket: with a close `code`, or (None) by cutting the TCP connection."""
        for conn in list(self.connections):
            if code is None:
                transport = conn.request.transport
                if transport is not None:
                    transport.abort()
            else:
                await conn.ws.close(code=code, message=b"stand-in disconnect")
        if invalidate:
            for session in self.sessions.values():
                session.invalidated = True
        self._on_change()

    async def close(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"stand-in shutting down")
