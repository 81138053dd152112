"""Start-up failures a person must fix, turned into one clear, secret-free line.

A token the platform rejects (Telegram's 401 ``InvalidToken``, Discord's
``LoginFailure``) will not fix itself by retrying, so ``run`` stops with a
:class:`~bot.errors.StartupError` naming the setting to check. The original
exception is dropped on purpose: python-telegram-bot quotes the token in it.
"""

from __future__ import annotations

from bot.errors import StartupError


def rejected_token(platform: str, exc: BaseException) -> StartupError | None:
    """A :class:`StartupError` if ``exc`` means the platform refused the token, else None."""
    if platform == "telegram":
        from telegram.error import InvalidToken

        if isinstance(exc, InvalidToken):
            return StartupError(
                "Telegram rejected the bot token (401 Unauthorized): "
                "check CARRYWATCH_TELEGRAM__TOKEN"
            )
    if platform == "discord":
        import discord

        if isinstance(exc, discord.LoginFailure):
            return StartupError(
                "Discord rejected the bot token (401 Unauthorized): check CARRYWATCH_DISCORD__TOKEN"
            )
    return None
