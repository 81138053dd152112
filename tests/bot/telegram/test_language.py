"""Each Telegram chat reads carrywatch in its language, through the real PTB client and
the stand-in: the chat's /language choice, else the user's app language in a private
chat, else English; the command menu per language_code; alerts in the chat's language."""

from __future__ import annotations

import re

import pytest

from bot.dispatch.dispatcher import Dispatcher
from bot.notify.base import Target
from bot.settings import TelegramSettings
from bot.store import Store
from bot.store.chat_settings import ChatSettings
from bot.telegram import TelegramAdapter, TelegramNotifier
from tests.bot.telegram.conftest import ADMIN, GROUP, OTHER, T0, USER, make_alert, make_snapshot
from tests.bot.telegram.helpers import ask, press
from tests.standins.telegram_api import TelegramStandin

pytestmark = pytest.mark.usefixtures("adapter")
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana or CJK ideographs
KANA = re.compile(r"[\u3040-\u30ff]")  # only Japanese has kana


def descriptions(commands: list[dict[str, str]]) -> dict[str, str]:
    return {c["command"]: c["description"] for c in commands}


async def test_command_menu_in_each_language(telegram_standin: TelegramStandin) -> None:
    """English for everyone, zh and ja for apps in those languages; names stay English."""
    tg = telegram_standin
    en, zh, ja = (descriptions(tg.my_commands(code)) for code in ("", "zh", "ja"))
    assert set(en) == set(zh) == set(ja) and "language" in en and "broadcast" not in en
    assert en["risk"] == "the stress score now, what drives it, and Details per part"
    assert zh["risk"] == "当前压力分数、推动因素，以及各部分的详情"
    assert ja["risk"] == "現在のストレススコア、その要因、項目ごとの詳細"
    assert ja["language"] == "このチャットで carrywatch を表示する言語"
    for name in en:  # every description translated, none left in English
        assert CJK.search(zh[name]) and KANA.search(ja[name]), name
    operator_ja = descriptions(tg.state.commands[f"chat|{ADMIN}|None|ja"])
    assert operator_ja["broadcast"] == "全購読者にメッセージを送信"


async def test_private_chat_follows_the_users_app_language(
    telegram_standin: TelegramStandin,
) -> None:
    tg = telegram_standin
    shown = await ask(tg, USER, "/language", user_id=USER, language_code="ja")
    text = shown.plain_text or ""
    assert text.startswith("このチャットでは carrywatch を日本語 (ja)（アプリの言語）で表示")
    buttons = [b["text"] for b in (shown.reply_markup or {})["inline_keyboard"][0]]
    assert buttons == ["English", "简体中文", "✓ 日本語"]
    english = await ask(tg, OTHER, "/language", user_id=OTHER, language_code="de")
    assert (english.plain_text or "").startswith("This chat reads carrywatch in English (en)")


async def test_choosing_by_button_confirms_in_the_new_language(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    tg = telegram_standin
    shown = await ask(tg, USER, "/language", user_id=USER, language_code="en")
    await press(tg, USER, USER, "lang:zh", shown.message_id)
    assert tg.callback_answers[-1].text == "已完成：此聊天现在以简体中文 (zh)使用 carrywatch。"
    edited = await tg.wait_for(lambda s: s.method == "editMessageText", timeout=10)
    assert edited.plain_text == "已完成：此聊天现在以简体中文 (zh)使用 carrywatch。"
    assert await ChatSettings(store).language("telegram", str(USER)) == "zh"
    # the choice outranks the app language from now on
    again = await ask(tg, USER, "/language", user_id=USER, language_code="ja")
    assert (again.plain_text or "").startswith("此聊天以简体中文 (zh)使用 carrywatch。")


async def test_group_language_is_for_admins_and_english_until_set(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    tg = telegram_standin
    tg.set_admins(GROUP, [ADMIN])
    before = await ask(
        tg, GROUP, "/language", user_id=USER, chat_type="supergroup", language_code="ja"
    )  # a Japanese member's app language does not decide for the group
    assert (before.plain_text or "").startswith(
        "This chat reads carrywatch in English (en), the default until an admin chooses one."
    )
    refused = await ask(tg, GROUP, "/language zh", user_id=USER, chat_type="supergroup")
    assert refused.plain_text == "Only this group's admins can change its language."
    assert await ChatSettings(store).language("telegram", str(GROUP)) is None
    done = await ask(tg, GROUP, "/language zh", user_id=ADMIN, chat_type="supergroup")
    assert done.plain_text == "已完成：此聊天现在以简体中文 (zh)使用 carrywatch。"
    after = await ask(tg, GROUP, "/language", user_id=USER, chat_type="supergroup")
    assert (after.plain_text or "").startswith("此聊天以简体中文 (zh)使用 carrywatch。")
    refused_zh = await ask(tg, GROUP, "/language en", user_id=USER, chat_type="supergroup")
    assert refused_zh.plain_text == "只有本群管理员可以更改本群的语言。"
    refused_alerts = await ask(tg, GROUP, "/subscribe", user_id=USER, chat_type="supergroup")
    assert refused_alerts.plain_text == "只有本群管理员才能更改本群的警报设置。"


async def test_a_bad_language_is_one_line_and_changes_nothing(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    tg = telegram_standin
    bad = await ask(tg, USER, "/language klingon", user_id=USER)
    assert (bad.plain_text or "").splitlines()[0] == (
        "⚠ klingon is not a language I speak; choose en, zh or ja."
    )
    assert await ChatSettings(store).language("telegram", str(USER)) is None
    tagged = await ask(tg, USER, "/language ja-JP", user_id=USER)  # a platform tag is fine
    assert (
        tagged.plain_text
        == "設定しました：このチャットでは今後 carrywatch を日本語 (ja)で表示します。"
    )


async def test_a_japanese_users_risk_arrives_in_japanese(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    await store.save_evaluation(make_snapshot(), T0)
    sent = await ask(telegram_standin, USER, "/risk", user_id=USER, language_code="ja")
    text = sent.plain_text or ""
    assert KANA.search(text) and "Data is out of date" not in text and "severe" not in text


async def test_a_chinese_group_receives_a_dispatched_alert_in_chinese(
    telegram_standin: TelegramStandin, store: Store, adapter: TelegramAdapter
) -> None:
    tg = telegram_standin
    tg.set_admins(GROUP, [ADMIN])
    await ask(tg, GROUP, "/language zh", user_id=ADMIN, chat_type="supergroup")
    group, private = Target("telegram", str(GROUP)), Target("telegram", str(USER))
    await store.upsert_subscription(group, "group")
    await store.upsert_subscription(private, "private")
    await store.enqueue_alert(make_alert(), [group, private])
    await Dispatcher(store, {"telegram": adapter.notifier}).run_once()
    [english] = tg.messages_to(USER)
    assert "Severe alert" in (english.plain_text or "")  # the chat that chose nothing
    [chinese] = [m for m in tg.messages_to(GROUP) if "已完成" not in (m.plain_text or "")]
    text = chinese.plain_text or ""
    assert CJK.search(text) and "Severe alert" not in text and "警报" in text


def test_notifier_language_channel_setting_then_chat_choice_then_english(
    tg_settings: TelegramSettings,
) -> None:
    """Configured broadcast channels read in their language, whatever was chosen there;
    any other chat in its choice (the dispatcher fills it), else English."""
    settings = tg_settings.model_copy(
        update={"channel": "@cw_ja", "channel_language": "ja", "channels": {"@cw_zh": "zh"}}
    )
    notifier = TelegramNotifier.from_settings(settings)
    assert notifier.language(Target("telegram", "@cw_ja")) == "ja"
    assert notifier.language(Target("telegram", "@cw_zh", language="en")) == "zh"
    assert notifier.language(Target("telegram", str(GROUP), language="zh")) == "zh"
    assert notifier.language(Target("telegram", str(GROUP))) == "en"


async def test_several_channels_each_get_the_alert_in_their_language(
    telegram_standin: TelegramStandin, store: Store, tg_settings: TelegramSettings
) -> None:
    tg = telegram_standin
    en, zh, ja = -1001000000001, -1001000000002, -1001000000003
    for chat in (en, zh, ja):
        tg.add_chat(chat, "channel", title=f"carrywatch {chat}")
    settings = tg_settings.model_copy(
        update={"channels": {str(en): "en", str(zh): "zh", str(ja): "ja"}}
    )
    targets = [Target("telegram", str(c)) for c in (en, zh, ja)]
    for target in targets:
        await store.upsert_subscription(target, "channel")
    await store.enqueue_alert(make_alert(), targets)
    async with TelegramNotifier.from_settings(settings) as notifier:
        await Dispatcher(store, {"telegram": notifier}).run_once()
    [en_text, zh_text, ja_text] = [tg.messages_to(c)[0].plain_text or "" for c in (en, zh, ja)]
    assert "Severe alert" in en_text
    assert CJK.search(zh_text) and not KANA.search(zh_text) and "Severe alert" not in zh_text
    assert KANA.search(ja_text) and "Severe alert" not in ja_text and "アラート" in ja_text
    assert "警报" in zh_text


async def test_a_private_subscriber_keeps_their_app_language_for_alerts(
    telegram_standin: TelegramStandin, store: Store
) -> None:
    """Alerts go out with no user at hand: /subscribe in a private chat keeps the app
    language unless /language chose one; a group's members' languages are not adopted."""
    tg = telegram_standin
    chats = ChatSettings(store)
    await ask(tg, USER, "/subscribe", user_id=USER, language_code="ja")
    assert await chats.language("telegram", str(USER)) == "ja"
    await ask(tg, OTHER, "/language zh", user_id=OTHER, language_code="ja")
    await ask(tg, OTHER, "/subscribe", user_id=OTHER, language_code="ja")
    assert await chats.language("telegram", str(OTHER)) == "zh"  # the choice stays
    tg.set_admins(GROUP, [ADMIN])
    await ask(tg, GROUP, "/subscribe", user_id=ADMIN, chat_type="supergroup", language_code="ja")
    assert await chats.language("telegram", str(GROUP)) is None
