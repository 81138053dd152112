"""The console notifier: alerts printed to the terminal (the embedded demo's channel)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TextIO

from bot.alerts.events import AlertMessage
from bot.notify.base import Delivered, SendResult, Target
from bot.render.plain import render_message

CONSOLE_TARGET = Target("console", "stdout")


def stamp(message: AlertMessage) -> str:
    """``[2024-08-05 05:00 UTC] `` — when the alert was made (in a replay, simulated time)."""
    at = min(e.created_at for e in message.events).astimezone(dt.UTC)
    return f"[{at:%Y-%m-%d %H:%M} UTC] "


class ConsoleNotifier:
    def __init__(self, stream: TextIO | None = None, tz: str = "UTC") -> None:
        self._stream = stream
        self._tz = tz
        self.sent: list[AlertMessage] = []  # what went out, for the demo summary and tests

    @property
    def platform(self) -> str:
        return "console"

    async def send(self, target: Target, message: AlertMessage) -> SendResult:
        stream = self._stream or sys.stdout
        stream.write(stamp(message) + render_message(message, message.tz or self._tz) + "\n\n")
        stream.flush()
        self.sent.append(message)
        return Delivered(message_id=str(len(self.sent)))
