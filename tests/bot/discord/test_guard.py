"""Discord misuse: a 5,000-character option is refused in one ephemeral line before parsing,
and one member flooding a command is told to slow down; autocomplete is never limited."""

from __future__ import annotations

from bot.discord import DiscordAdapter
from bot.discord.throttle import GuardedTree, command_and_args
from bot.notify.base import Target
from bot.store.store import Store
from bot.throttle.commands import CommandGuard
from tests.bot.discord.helpers import option, run, sub
from tests.standins.discord_api import DiscordStandin
from tests.standins.fixtures_discord import CHANNEL_ID

CHANNEL = Target("discord", str(CHANNEL_ID))


def test_command_and_args_walks_subcommands() -> None:
    data = {"name": "alerts", "options": sub("mute", option("duration", "2h"))}
    assert command_and_args(data) == ("alerts mute", "2h")


async def test_huge_option_gets_one_ephemeral_line(
    adapter: DiscordAdapter, discord_standin: DiscordStandin, store: Store
) -> None:
    await run(discord_standin, "alerts", sub("channel", option("channel", CHANNEL_ID, 7)))
    refused = await run(discord_standin, "alerts", sub("mute", option("duration", "1" * 5000)))
    assert refused.ephemeral
    assert "too long for /alerts mute" in refused.content and "\n" not in refused.content
    sub_after = await store.get_subscription(CHANNEL)
    assert sub_after is not None and sub_after.mute_until is None


async def test_flooding_member_is_told_to_slow_down(
    adapter: DiscordAdapter, discord_standin: DiscordStandin
) -> None:
    tree = adapter._tree  # the running tree; its guard's clock is frozen for this test
    assert isinstance(tree, GuardedTree)
    tree.guard = CommandGuard(clock=lambda: 1000.0)
    answers = [await run(discord_standin, "help") for _ in range(12)]
    told = [a for a in answers if "Try again in" in (a.content or "")]
    assert len(told) == 2 and all(a.ephemeral for a in told)  # 10 at once; the clock stands still
    assert answers[-1] in told
