"""The platform-neutral ``/digest`` service: opt in or out of the weekly digest.

``/digest on [day] [HH:00] [zone]`` — day and hour in the chat's time zone
(default Monday 08:00; the zone defaults to the one set with /settings, else
UTC). ``/digest off`` stops it; ``/digest`` says what is set.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from babel import dates as babel_dates

from bot.commands.answers import CommandError
from bot.digest.job import delivery_target
from bot.digest.schedule import WEEKDAYS, next_due
from bot.i18n import N_, _, babel_locale
from bot.i18n.formats import decimal
from bot.notify.base import Target
from bot.store.digests import DigestPrefs, Digests
from bot.store.store import Store

USAGE = N_("/digest on|off [day] [HH:00] [zone] — e.g. /digest on fri 18:00 Europe/Berlin")
DEFAULT_DAY, DEFAULT_HOUR = 0, 8
MAX_ARGS = 200
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAYS = {**{d: i for i, d in enumerate(WEEKDAYS)}, **{d: i for i, d in enumerate(_FULL)}}


@dataclass(frozen=True, slots=True)
class DigestAnswer:
    prefs: DigestPrefs | None
    next_at: dt.datetime | None  # UTC

    @property
    def lines(self) -> list[str]:
        p = self.prefs
        if p is None or not p.enabled:
            return [
                _("Weekly digest: off."),
                _("Turn it on with /digest on (default Monday 08:00)."),
            ]
        locale = babel_locale()
        day = babel_dates.get_day_names("abbreviated", locale=locale)[p.weekday]
        lines = [
            _("Weekly digest: on, {day} {hour}:00 {zone}.").format(
                day=day, hour=f"{p.hour:02d}", zone=p.tz
            )
        ]
        if self.next_at is not None:
            local = self.next_at.astimezone(zoneinfo.ZoneInfo(p.tz))
            # TRANSLATORS: a CLDR date pattern (EEE weekday, dd day, MMM month, y year).
            when = babel_dates.format_datetime(local, _("EEE dd MMM y HH:mm"), locale=locale)
            lines.append(_("Next one: {when} {zone}.").format(when=when, zone=local.tzname()))
        lines.append(_("Score path, biggest moves in JGB 20–40y, USD/JPY and BTC, and the alerts."))
        return lines


def _parse(args: list[str], tz: str) -> tuple[int, int, str]:
    day, hour = DEFAULT_DAY, DEFAULT_HOUR
    for raw in args:
        word = raw.strip()
        low = word.lower()
        if low in _DAYS:
            day = _DAYS[low]
        elif word[:2].isdigit() and (len(word) == 2 or word[2:] == ":00"):
            if not 0 <= int(word[:2]) <= 23:
                raise CommandError(_("hour {hour} is not 00–23").format(hour=repr(word)), _(USAGE))
            hour = int(word[:2])
        elif ":" in word and word.replace(":", "").isdigit():
            raise CommandError(
                _("the digest goes out on the hour: {time} → use HH:00").format(time=repr(word)),
                _(USAGE),
            )
        elif "/" in word or word.upper() == "UTC":
            try:
                zoneinfo.ZoneInfo(word)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise CommandError(
                    _("unknown time zone {zone}; use an IANA name like Asia/Tokyo").format(
                        zone=repr(word[:40])
                    ),
                    _(USAGE),
                ) from None
            tz = word
        else:
            raise CommandError(
                _("expected a day (mon…sun), HH:00 or a zone, got {word}").format(
                    word=repr(word[:30])
                ),
                _(USAGE),
            )
    return day, hour, tz


class DigestService:
    def __init__(self, store: Store, clock: Callable[[], dt.datetime]) -> None:
        self._store = store
        self._digests = Digests(store)
        self._clock = clock

    async def _zone(self, owner: Target) -> str:
        target = await delivery_target(self._store, owner)
        sub = await self._store.get_subscription(target) if target is not None else None
        return sub.tz if sub is not None else "UTC"

    async def show(self, owner: Target) -> DigestAnswer:
        prefs = await self._digests.get(owner)
        return self._answer(prefs)

    async def handle(self, owner: Target, text: str) -> DigestAnswer:
        """``on …`` / ``off`` / empty, as typed after /digest."""
        if len(text) > MAX_ARGS:
            raise CommandError(
                _("too long ({length} characters)").format(length=decimal(len(text))), _(USAGE)
            )
        verb, *args = text.split() or [""]
        verb = verb.lower()
        if verb == "":
            return await self.show(owner)
        if verb == "off":
            prefs = await self._digests.get(owner)
            if prefs is not None:
                prefs = await self._digests.put(
                    DigestPrefs(owner, False, prefs.weekday, prefs.hour, prefs.tz), self._clock()
                )
            return self._answer(prefs)
        if verb != "on":
            raise CommandError(
                _("expected on or off, got {word}").format(word=repr(verb[:20])), _(USAGE)
            )
        if owner.platform == "discord" and await delivery_target(self._store, owner) is None:
            raise CommandError(
                _("this server has no alert channel yet"), "/alerts channel <channel>"
            )
        day, hour, tz = _parse(args, await self._zone(owner))
        prefs = await self._digests.put(DigestPrefs(owner, True, day, hour, tz), self._clock())
        return self._answer(prefs)

    def _answer(self, prefs: DigestPrefs | None) -> DigestAnswer:
        if prefs is None or not prefs.enabled:
            return DigestAnswer(prefs, None)
        return DigestAnswer(prefs, next_due(self._clock(), prefs.weekday, prefs.hour, prefs.tz))
