"""Crash injection for the fault tests, off unless its environment variables are set.

``CARRYWATCH_FAULT_KILL_AFTER_COMMIT=N`` makes the process SIGKILL itself right
after its Nth committed store transaction that wrote something (read-only ones
are no boundary): exactly what ``kill -9`` between two commits does, nothing
flushed, nothing cleaned up. ``CARRYWATCH_FAULT_TRACE=FILE``
appends one line per commit, ``<N> <store clock ISO time>``, so a test can find
which commits belong to one replayed day.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

KILL_ENV = "CARRYWATCH_FAULT_KILL_AFTER_COMMIT"
TRACE_ENV = "CARRYWATCH_FAULT_TRACE"
_WROTE = "carrywatch.fault.wrote"


class CommitFaults:
    """Counts commits; kills or traces when the environment asks for it."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        kill = os.environ.get(KILL_ENV, "")
        self._kill_after = int(kill) if kill.isdigit() else None
        self._trace = os.environ.get(TRACE_ENV) or None
        self._clock = clock
        self.commits = 0

    @property
    def active(self) -> bool:
        return self._kill_after is not None or self._trace is not None

    def watch(self, session: Session) -> None:
        """Note in ``session.info`` whether the transaction writes."""

        def note(state: ORMExecuteState) -> None:
            if state.is_insert or state.is_update or state.is_delete:
                session.info[_WROTE] = True

        event.listen(session, "do_orm_execute", note)

    def committed(self, session: Session) -> None:
        if not session.info.pop(_WROTE, False):
            return
        self.commits += 1
        if self._trace is not None:
            with open(self._trace, "a", encoding="utf-8") as out:
                out.write(f"{self.commits} {self._clock().isoformat()}\n")
        if self._kill_after is not None and self.commits >= self._kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
