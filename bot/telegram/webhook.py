"""PTB's webhook endpoint, answering 400 (not 500) to a body that is not JSON.

python-telegram-bot 22's ``TelegramHandler.post`` checks the secret token and
then calls ``json.loads`` unguarded, so a request with the right secret and a
broken body ends in tornado's 500 and a logged traceback. This subclass checks
the body first and refuses it with 400; everything else is PTB's own code.
``install()`` points PTB's webhook application at it (it looks the handler up
by module name when the webhook server starts).
"""

from __future__ import annotations

import json
from http import HTTPStatus

import tornado.web
from telegram.ext._utils import webhookhandler


class JsonCheckingTelegramHandler(webhookhandler.TelegramHandler):
    async def post(self) -> None:
        self._validate_post()  # secret token and content type first, as PTB does
        try:
            json.loads(self.request.body.decode())
        except (UnicodeDecodeError, ValueError):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Invalid JSON") from None
        await super().post()


def install() -> None:
    webhookhandler.TelegramHandler = JsonCheckingTelegramHandler  # type: ignore[misc]
