"""The Telegram stand-in speaks the Bot API well enough for the real python-telegram-bot.

Every test drives PTB's real ``Bot``/``Application`` over a real socket: updates
arrive by long polling or webhook, replies are recorded, and Telegram's error
answers surface as PTB's own exceptions (RetryAfter, Forbidden, ChatMigrated,
BadRequest, Conflict).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, Update
from telegram import InlineKeyboardMarkup as Keyboard
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
)
from telegram.ext import ContextTypes as Ctx

from tests.standins.telegram_api import SECRET_HEADER, TelegramStandin
from tests.standins.telegram_limits import LimitConfig

pytest_plugins = ["tests.standins.fixtures_telegram"]

PRIVATE, GROUP, USER = 5001, -1001234567890, 5001


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size (what matplotlib would upload)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@asynccontextmanager
async def polling_app(
    builder: ApplicationBuilder,  # type: ignore[type-arg]
    *handlers: BaseHandler[Any, Any, Any],
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A real PTB Application long-polling the stand-in, shut down cleanly afterwards."""
    app = builder.build()
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def ping(update: Update, context: Ctx.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("pong")


async def test_ping_command_round_trip_private_and_group(
    telegram_standin: TelegramStandin,
    ptb_builder: ApplicationBuilder,  # type: ignore[type-arg]
) -> None:
    """/ping from a private chat and /ping@bot from a group each get "pong" in that chat."""
    tg = telegram_standin
    async with polling_app(ptb_builder, CommandHandler("ping", ping)):
        tg.inject_message(PRIVATE, "/ping", user_id=USER, username="alice")
        await tg.wait_for(lambda s: s.chat_id == PRIVATE)
        tg.inject_message(GROUP, f"/ping@{tg.bot_username}", user_id=USER, chat_type="supergroup")
        tg.inject_message(GROUP, "just chatting", user_id=USER)
        await tg.wait_for(lambda s: s.chat_id == GROUP)
    assert [(s.chat_id, s.text) for s in tg.sent] == [(PRIVATE, "pong"), (GROUP, "pong")]
    assert tg.messages_to(GROUP)[0].message_id == 3  # after the two injected group messages
    assert tg.pending_update_count == 0  # PTB confirmed every update on shutdown


async def test_callback_query_answer_and_edit(
    telegram_standin: TelegramStandin,
    ptb_builder: ApplicationBuilder,  # type: ignore[type-arg]
) -> None:
    """An inline button press reaches PTB; its answer and message edit are recorded."""
    tg = telegram_standin

    async def pressed(update: Update, context: Ctx.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("muted")
        await query.edit_message_text(f"muted: {query.data}")

    async with polling_app(ptb_builder, CallbackQueryHandler(pressed)) as app:
        markup = Keyboard([[InlineKeyboardButton("Mute", callback_data="mute:usdjpy")]])
        sent = await app.bot.send_message(PRIVATE, "USD/JPY alert", reply_markup=markup)
        tg.inject_callback_query(PRIVATE, USER, "mute:usdjpy", sent.message_id)
        edit = await tg.wait_for(lambda s: s.method == "editMessageText")
    assert edit.plain_text == "muted: mute:usdjpy"
    assert edit.reply_markup is None
    assert [a.text for a in tg.callback_answers] == ["muted"]


async def test_retry_after_forbidden_and_migration_surface_as_ptb_errors(
    telegram_standin: TelegramStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """429 -> RetryAfter(retry_after), 403 -> Forbidden, migrate -> ChatMigrated(new id)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB warns when building RetryAfter otherwise
    tg = telegram_standin
    tg.fail_next(PRIVATE, 429, retry_after=7)
    tg.block(42)
    tg.migrate(-4242, -1009999999999)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(PRIVATE, "hello")
        assert flood.value.retry_after == dtm.timedelta(seconds=7)
        await bot.send_message(PRIVATE, "hello again")  # the fault was for one send only
        with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
            await bot.send_message(42, "hi")
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(-4242, "hi")
        assert migrated.value.new_chat_id == -1009999999999
        await bot.send_message(-1009999999999, "hi")
    assert [r.error_code for r in tg.rejected] == [429, 403, 400]
    assert [s.chat_id for s in tg.sent] == [PRIVATE, -1009999999999]


async def test_send_photo_is_a_multipart_upload(telegram_standin: TelegramStandin) -> None:
    """sendPhoto uploads bytes; the record has their length, the reply real photo sizes."""
    tg = telegram_standin
    image = png(640, 480)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        message = await bot.send_photo(
            GROUP, image, caption="<b>Risk 72</b>", parse_mode="HTML", message_thread_id=7
        )
    record = tg.sent[0]
    assert (record.method, record.photo_bytes, record.thread_id) == ("sendPhoto", len(image), 7)
    assert (record.text, record.plain_text) == ("<b>Risk 72</b>", "Risk 72")
    assert (message.photo[-1].width, message.photo[-1].height) == (640, 480)
    assert message.caption == "Risk 72"


async def test_send_photo_keeps_the_uploaded_bytes_and_refuses_what_telegram_does(
    telegram_standin: TelegramStandin,
) -> None:
    """The record holds the uploaded bytes and filename; bytes that are no image, a
    caption past 1,024 characters and a 20:1 photo get Telegram's 400s; a 429 on
    sendPhoto is a 429 like any send."""
    tg = telegram_standin
    image = png(320, 200)
    tg.fail_next(PRIVATE, 429, retry_after=3)
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_photo(PRIVATE, image, filename="chart.png")
        await bot.send_photo(PRIVATE, image, filename="chart.png")
        with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
            await bot.send_photo(PRIVATE, b"<html>not an image</html>", filename="x.png")
        with pytest.raises(BadRequest, match="caption is too long"):
            await bot.send_photo(PRIVATE, image, caption="x" * 1025)
        with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
            await bot.send_photo(PRIVATE, png(2100, 100))
    [record] = tg.sent
    assert (record.photo, record.photo_filename) == (image, "chart.png")
    assert [r.error_code for r in tg.rejected] == [429, 400, 400, 400]


async def test_commands_round_trip_per_scope(telegram_standin: TelegramStandin) -> None:
    """setMyCommands then getMyCommands returns them, per scope; delete clears them."""
    tg = telegram_standin
    commands = [BotCommand("risk", "Current unwind risk"), BotCommand("ping", "Health check")]
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        assert await bot.set_my_commands(commands)
        assert await bot.set_my_commands(commands[:1], scope=BotCommandScopeChat(GROUP))
        assert tuple(await bot.get_my_commands()) == tuple(commands)
        assert tuple(await bot.get_my_commands(scope=BotCommandScopeChat(GROUP))) == (commands[0],)
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_webhook_mode_posts_updates_with_secret(telegram_standin: TelegramStandin) -> None:
    """With a webhook set, updates are POSTed with the secret header; getUpdates is 409."""
    tg = telegram_standin
    received: asyncio.Queue[tuple[str | None, dict[str, Any]]] = asyncio.Queue()

    async def receive(request: web.Request) -> web.Response:
        await received.put((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    url = f"http://{host}:{port}/hook"
    try:
        async with Bot(tg.token, base_url=tg.base_url) as bot:
            assert await bot.set_webhook(url, secret_token="s3cret-Token_1")
            assert (await bot.get_webhook_info()).url == url
            with pytest.raises(Conflict, match=r"(?i)webhook is active"):
                await bot.get_updates()
            update_id = tg.inject_message(PRIVATE, "/risk", user_id=USER)
            secret, body = await asyncio.wait_for(received.get(), 5)
            assert secret == "s3cret-Token_1"
            update = Update.de_json(body, bot)
            assert update.update_id == update_id
            assert update.message is not None
            assert update.message.text == "/risk"
            assert await bot.delete_webhook()
            assert await bot.get_updates(timeout=0) == ()
    finally:
        await runner.cleanup()
    assert [d.status for d in tg.webhook_deliveries] == [200]


async def test_formatting_and_length_are_validated(telegram_standin: TelegramStandin) -> None:
    """Broken HTML, unescaped MarkdownV2 and text over 4096 chars are 400 Bad Request."""
    tg = telegram_standin
    async with Bot(tg.token, base_url=tg.base_url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(PRIVATE, "<b>risk <i>72</b></i>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)Unsupported start tag"):
            await bot.send_message(PRIVATE, "<div>risk</div>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)reserved"):
            await bot.send_message(PRIVATE, "USD/JPY 147.2", parse_mode="MarkdownV2")
        await bot.send_message(PRIVATE, "USD/JPY 147\\.2 *up*", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(PRIVATE, "x" * 4097)
        await bot.send_message(PRIVATE, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert [s.plain_text for s in tg.sent] == ["USD/JPY 147.2 up", "x" * 4096]


async def test_raw_wire_envelopes(telegram_standin: TelegramStandin) -> None:
    """Unknown method 404, wrong token 401, JSON bodies accepted: Telegram's envelopes."""
    tg = telegram_standin
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{tg.base_url}{tg.token}/noSuchMethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.post(
            f"{tg.base_url}{tg.token}/sendMessage", json={"chat_id": PRIVATE, "text": "hi"}
        ) as resp:
            body = await resp.json()
            assert body["ok"]
            assert body["result"]["from"]["id"] == tg.bot_id
    bot = Bot("999:wrong", base_url=tg.base_url)
    try:
        with pytest.raises(InvalidToken, match="rejected"):
            await bot.initialize()
    finally:
        await bot.shutdown()


async def test_flood_limits_with_scaled_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """enforce_limits: a second message to one chat inside its window is 429, then accepted."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB warns when building RetryAfter otherwise
    async with TelegramStandin(limits=LimitConfig(time_scale=0.05)) as tg:
        async with Bot(tg.token, base_url=tg.base_url) as bot:
            await bot.send_message(PRIVATE, "one")
            with pytest.raises(RetryAfter):
                await bot.send_message(PRIVATE, "two")
            await asyncio.sleep(0.06)
            await bot.send_message(PRIVATE, "two")
        assert tg.limits is not None
        assert (tg.limits.accepted, tg.limits.rejected) == (2, 1)
        assert tg.rejected[0].retry_after == 1
