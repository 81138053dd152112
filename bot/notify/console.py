"""The console notifier: alerts printed to the terminal (the embedded demo's channel).

A message with a chart (the weekly digest) prints its text, then one line naming
the PNG it would send and its size; with ``image_dir`` the PNG is also written
there and the line gives its path.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from bot import i18n
from bot.alerts.attachments import Image
from bot.alerts.events import AlertMessage
from bot.notify.base import Delivered, SendResult, Target
from bot.notify.images import chart_image
from bot.render.plain import render_message

CONSOLE_TARGET = Target("console", "stdout")


def stamp(message: AlertMessage) -> str:
    """``[2024-08-05 05:00 UTC] `` — when the alert was made (in a replay, simulated time)."""
    at = min(e.created_at for e in message.events).astimezone(dt.UTC)
    return f"[{at:%Y-%m-%d %H:%M} UTC] "


class ConsoleNotifier:
    def __init__(
        self, stream: TextIO | None = None, tz: str = "UTC", image_dir: Path | None = None
    ) -> None:
        self._stream = stream
        self._tz = tz
        self._image_dir = image_dir
        self.sent: list[AlertMessage] = []  # what went out, for the demo summary and tests

    @property
    def platform(self) -> str:
        return "console"

    async def send(self, target: Target, message: AlertMessage) -> SendResult:
        stream = self._stream or sys.stdout
        text = stamp(message) + render_message(message, message.tz or self._tz)
        image = await chart_image(message, i18n.current())
        if image is not None:
            text += "\n" + self._image_line(image)
        stream.write(text + "\n\n")
        stream.flush()
        self.sent.append(message)
        return Delivered(message_id=str(len(self.sent)))

    def _image_line(self, image: Image) -> str:
        where = image.filename
        if self._image_dir is not None:
            path = self._image_dir / image.filename
            path.write_bytes(image.png)
            where = str(path)
        return f"[chart {where}, {image.size:,} bytes: {image.title}]"
