"""The configured broadcast channel as a subscription the runtime upserts on start.

The channel (``CARRYWATCH_TELEGRAM__CHANNEL``, ``@name`` or ``-100…`` id) is
the public feed: it gets *every* alert event (firing, escalated, resolved), so
its minimum level is ``low``, it has no quiet hours, and times render in UTC
with JST beside them. The bot must be an administrator of the channel with
the right to post; if it is not, the first send answers 403/400 and the
dispatcher deactivates the row until the next start upserts it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.notify.base import Target
from bot.settings import TelegramSettings
from signals.levels import Level

CHANNEL_MIN_LEVEL = Level.LOW


@dataclass(frozen=True, slots=True)
class ChannelSubscription:
    target: Target
    kind: str = "channel"
    min_level: Level = CHANNEL_MIN_LEVEL


def channel_subscription(settings: TelegramSettings) -> ChannelSubscription | None:
    """What to upsert for the configured channel, or None when none is configured.

    Runtime: ``await store.upsert_subscription(sub.target, "channel",
    min_level=sub.min_level)``.
    """
    raw = (settings.channel or "").strip()
    if not settings.enabled or not raw:
        return None
    chat_id = raw if raw.startswith("@") or raw.lstrip("-").isdigit() else f"@{raw}"
    return ChannelSubscription(Target("telegram", chat_id))
