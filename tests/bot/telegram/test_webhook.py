"""Webhook mode: setWebhook with a random secret token, checked on every request.

The stand-in POSTs updates to PTB's webhook server with the secret it was
given; a request with a wrong or missing secret is refused (403) and never
reaches a handler.
"""

from __future__ import annotations

import socket

import aiohttp
from pydantic import SecretStr

from bot.commands.service import CommandService
from bot.settings import TelegramSettings
from bot.telegram import TelegramAdapter
from tests.bot.telegram.conftest import USER
from tests.bot.telegram.helpers import ask
from tests.standins.telegram_api import SECRET_HEADER, TelegramStandin


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_with_secret_token(
    telegram_standin: TelegramStandin, service: CommandService
) -> None:
    """Updates arrive through the webhook; a forged request is refused; stop keeps the hook."""
    tg = telegram_standin
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/telegram"
    settings = TelegramSettings(
        token=SecretStr(tg.token), api_url=tg.api_root, webhook_listen="127.0.0.1",
        webhook_port=port,
    )  # fmt: skip
    adapter = TelegramAdapter(settings, service, webhook_url=url)
    other = TelegramAdapter(settings, service, webhook_url=url)
    assert adapter.secret_token != other.secret_token  # random per start
    assert adapter.mode == "webhook"
    await adapter.start()
    try:
        assert tg.webhook_url == url
        assert tg.state.webhook is not None
        assert tg.state.webhook.secret_token == adapter.secret_token
        sent = await ask(tg, USER, "/chatid", user_id=USER)
        assert f"Chat id: {USER}" in (sent.plain_text or "")
        assert all(d.status == 200 for d in tg.webhook_deliveries)

        forged = {
            "update_id": 1,
            "message": {
                "message_id": 1, "date": 0, "text": "/status",
                "chat": {"id": USER, "type": "private"},
                "from": {"id": USER, "is_bot": False, "first_name": "Mallory"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
            },
        }  # fmt: skip
        async with aiohttp.ClientSession() as http:
            for headers in ({SECRET_HEADER: "wrong"}, {}):
                async with http.post(url, json=forged, headers=headers) as resp:
                    assert resp.status == 403
            # The right secret with a body that is not JSON: refused as a bad request.
            good = {SECRET_HEADER: adapter.secret_token, "Content-Type": "application/json"}
            for body in (b'{"update_id": 1, "message": {', b"\xff\xfe not utf-8"):
                async with http.post(url, data=body, headers=good) as resp:
                    assert resp.status == 400
        assert len(tg.messages_to(USER)) == 1
        sent = await ask(tg, USER, "/chatid", user_id=USER)  # and the webhook still works
        assert f"Chat id: {USER}" in (sent.plain_text or "")
    finally:
        await adapter.stop()
