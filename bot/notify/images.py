"""A message's chart, drawn for one reader at send time, or None: then the text goes alone.

Every notifier asks here, inside its own language block, and passes the
language on explicitly (the drawing runs in a worker thread). A chart that
cannot be drawn — no renderer, no scores stored for the week, a matplotlib
error — is logged and the message goes out as text: the chart never costs the
reader the digest itself.
"""

from __future__ import annotations

import logging

from bot.alerts.attachments import Image
from bot.alerts.events import AlertMessage
from bot.metrics import CHART_FALLBACKS

log = logging.getLogger(__name__)


async def chart_image(message: AlertMessage, language: str) -> Image | None:
    attachment = message.attachment
    if attachment is None:
        return None
    spec = attachment.spec
    if attachment.renderer is None:
        log.warning("%s chart %s–%s: no renderer here; text only", spec.kind, spec.first, spec.last)
        CHART_FALLBACKS.inc()
        return None
    try:
        return await attachment.renderer.render(spec, language)
    except Exception:  # any drawing failure: the text still goes (cancellation passes)
        log.exception("%s chart %s–%s not drawn; text only", spec.kind, spec.first, spec.last)
        CHART_FALLBACKS.inc()
        return None
