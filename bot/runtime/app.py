"""The running bot: one object that owns every long-lived resource.

``start()`` and ``stop()`` are the only lifecycle calls, made in one place
(like python-telegram-bot's Application). The CLI's ``run`` and ``replay`` and
the end-to-end tests all drive this same object.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol, TextIO

import pandas as pd
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.commands.feeds import WATCHED, record_poll
from bot.commands.service import CommandService
from bot.dispatch.dispatcher import DispatchConfig, Dispatcher
from bot.history.loader import load_history_panel
from bot.logs import loop_exception_handler
from bot.metrics import LEADER, POLL_LATENCY, POLLS, STALE_FEEDS
from bot.notify.base import Notifier, Target
from bot.notify.console import CONSOLE_TARGET, ConsoleNotifier
from bot.quality.gate import QualityGate
from bot.rules.load import load_rules
from bot.rules.personal_policy import PersonalAwarePolicy
from bot.runtime.adapters import AdapterStarter
from bot.runtime.health import HealthServer
from bot.runtime.jobs import PollJob, build_jobs
from bot.runtime.leader import CHECK_SECONDS, Leadership
from bot.runtime.personal import DIGEST_CHECK_MINUTES, digest_job, digest_service, rules_service
from bot.runtime.pipeline import Pipeline
from bot.settings import Settings
from bot.sources.http import HttpFetcher
from bot.sources.mof import MofSource
from bot.store.db import DbTimeouts
from bot.store.personal_rules import PersonalRules
from bot.store.rule_memory import memory_from_rows
from bot.store.store import Store
from signals.durations import parse_duration
from signals.incremental import IncrementalEngine
from signals.levels import Level

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def db_timeouts(settings: Settings) -> DbTimeouts:
    return DbTimeouts(settings.database.connect_timeout, settings.database.statement_timeout)


def app_version() -> str:
    try:
        return version("carrywatch")
    except PackageNotFoundError:
        return "dev"


class Adapter(Protocol):
    """A chat platform: commands in, alerts out through its notifier."""

    @property
    def notifier(self) -> Notifier: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = _utcnow,
        console_stream: TextIO | None = None,
        poll: bool = True,
        history: pd.DataFrame | None = None,
        dispatch_loop: bool = True,
    ) -> None:
        """``dispatch_loop=False`` (replays): the caller drives ``dispatcher.run_once``."""
        self.settings = settings
        self.dispatch_loop = dispatch_loop
        self.clock = clock
        self.poll_enabled = poll
        self._history = history
        self.store = Store(settings.database_url, clock=clock, timeouts=db_timeouts(settings))
        self.http = HttpFetcher()
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.adapters: list[Adapter] = []
        self.starters: list[AdapterStarter] = []
        self.console: ConsoleNotifier | None = None
        self._console_stream = console_stream
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.health: HealthServer | None = None
        self.started_at = clock()
        self._stale: set[str] = set()
        self._leader_jobs: set[str] = set()
        self.leadership: Leadership | None = None

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        s = self.settings
        asyncio.get_running_loop().set_exception_handler(loop_exception_handler)
        await self.store.start()
        self.rules = load_rules(s.rules_file)
        self.gate = QualityGate(self.clock)
        cfg = DispatchConfig(
            max_attempts=s.dispatch.max_attempts,
            max_age=dt.timedelta(minutes=s.dispatch.max_age_minutes),
        )
        self.dispatcher = Dispatcher(self.store, {}, config=cfg, clock=self.clock)
        self.service = CommandService(
            self.store,
            rules=[r.name for r in self.rules],
            version=app_version(),
            clock=self.clock,
            started_at=self.started_at,
        )
        self.rules_service = rules_service(s, self.store, self.clock)  # /rule (issue 13)
        self.personal_rules = PersonalRules(self.store)
        self.rules_service.on_change(self.reload_personal_rules)
        self.digest_service = digest_service(self.store, self.clock)  # /digest (issue 13)
        if self._history is None and s.history_dir is not None:
            self._history = await asyncio.to_thread(load_history_panel, s.history_dir)
        await self._build_pipeline()
        self._tasks.append(asyncio.create_task(self.rules_service.warm()))  # preview history
        await self._start_notifiers()
        if self.dispatch_loop:
            self._tasks.append(
                asyncio.create_task(self.dispatcher.run(self._stop, s.dispatch.poll_seconds))
            )
        if s.http.port:
            self.health = HealthServer(self.store, self.clock, s.http.host, s.http.port)
            await self.health.start()
        if self.poll_enabled:
            await self.http.start()
            self.scheduler.start()
            self.leadership = Leadership(self.store.engine)
            if await self.leadership.acquire():
                self._lead()
            else:
                log.info("another replica leads: dispatching and answering commands only")
            if self.leadership.exclusive:
                self.scheduler.add_job(
                    self.campaign, "interval", seconds=CHECK_SECONDS, id="leadership",
                    max_instances=1, coalesce=True,
                )  # fmt: skip

    async def _build_pipeline(self) -> None:
        """Engine warmed from history and the store; policy resumed from stored rule states.

        Run again when this replica takes over the lead, so it continues exactly
        where the previous leader stopped.
        """
        repeat = parse_duration(self.settings.alerts.repeat_interval) or None
        self.policy = PersonalAwarePolicy(
            self.rules,
            memory_from_rows(await self.store.get_rule_states()),
            repeat,
            personal=await self.personal_rules.everything(),
        )
        self.pipeline = Pipeline(
            self.store,
            IncrementalEngine(),
            self.policy,
            self.gate,
            self.clock,
            on_alerts=self.dispatcher.wake,
            router=self.policy.route,
        )
        warmed = await self.pipeline.warm_up(self._history, self.clock())
        log.info("engine warmed with %d observations", warmed)

    async def reload_personal_rules(self) -> None:
        """Re-read every chat's personal rules into the live policy (after /rule add|remove,
        and every minute for rules added on another replica)."""
        self.policy.reload(await self.personal_rules.everything())

    @property
    def leading(self) -> bool:
        return bool(self._leader_jobs)

    def _lead(self) -> None:
        before = {job.id for job in self.scheduler.get_jobs()}
        self._schedule(build_jobs(self.settings))
        self._leader_jobs = {job.id for job in self.scheduler.get_jobs()} - before
        LEADER.set(1)
        log.info("leading: polling providers and evaluating alerts")

    def _follow(self) -> None:
        for job_id in self._leader_jobs:
            if self.scheduler.get_job(job_id) is not None:
                self.scheduler.remove_job(job_id)
        self._leader_jobs = set()
        LEADER.set(0)

    async def campaign(self) -> None:
        """Keep the lead while the lock session lives; take it over when it is free."""
        assert self.leadership is not None
        if self.leading:
            if not await self.leadership.held():
                log.warning("lost the lead; standing by")
                self._follow()
            return
        try:
            acquired = await self.leadership.acquire()
        except Exception as exc:  # database down or silent: try again at the next check
            log.warning("leader lock not reachable: %s", type(exc).__name__)
            log.debug("leader lock check failed", exc_info=True)
            return
        if acquired:
            log.warning("took over the lead")
            await self._build_pipeline()  # resume from what the previous leader stored
            self._lead()

    async def _start_notifiers(self) -> None:
        s = self.settings
        if s.telegram.enabled:
            from bot.telegram.adapter import TelegramAdapter  # imported only when configured

            tg = TelegramAdapter(
                s, self.service, self.store, rules=self.rules_service, digest=self.digest_service
            )
            self.adapters.append(tg)
            for channel in s.telegram.broadcast_channels:  # one per language, if several
                await self.store.upsert_subscription(
                    Target("telegram", channel),
                    "channel",
                    min_level=Level.parse(s.alerts.channel_min_level),
                )
        if s.discord.enabled:
            from bot.discord.adapter import DiscordAdapter

            self.adapters.append(
                DiscordAdapter(
                    s,
                    self.service,
                    self.store,
                    rules=self.rules_service,
                    digest=self.digest_service,
                )
            )
        for adapter in self.adapters:  # a platform down at boot: wait for it, serve the rest
            starter = AdapterStarter(adapter, adapter.notifier.platform)
            self.starters.append(starter)
            self.dispatcher.add_notifier(starter.notifier)
            await starter.start()
        console_on = s.alerts.console if s.alerts.console is not None else not self.adapters
        if console_on:
            self.console = ConsoleNotifier(self._console_stream, tz=s.alerts.tz)
            self.dispatcher.add_notifier(self.console)
            await self.store.upsert_subscription(
                CONSOLE_TARGET,
                "private",
                min_level=Level.parse(s.alerts.console_min_level),
                tz=s.alerts.tz,
            )

    def _schedule(self, jobs: list[PollJob]) -> None:
        first = self.clock() + dt.timedelta(seconds=2)
        for job in jobs:
            common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 600}
            self.scheduler.add_job(self.poll, job.trigger, args=[job], id=job.job_id, **common)
            # one catch-up poll on start, even on a Tokyo holiday, to fill any gap
            self.scheduler.add_job(
                self.poll, "date", run_date=first, args=[job], kwargs={"catch_up": True},
                id=f"{job.job_id}-catch-up", **common,
            )  # fmt: skip
        self.scheduler.add_job(
            self._flush, "interval", minutes=5, id="crosscheck-flush", max_instances=1
        )
        self.scheduler.add_job(
            self.reload_personal_rules, "interval", minutes=1, id="personal-rules",
            max_instances=1, coalesce=True,
        )  # fmt: skip
        self.scheduler.add_job(
            digest_job(self.store, self.clock).run_once, "interval",
            minutes=DIGEST_CHECK_MINUTES, id="weekly-digest", max_instances=1, coalesce=True,
        )  # fmt: skip
        self.scheduler.add_job(
            self.check_staleness, "interval", minutes=15, id="staleness", max_instances=1,
            next_run_time=first + dt.timedelta(minutes=1),
        )  # fmt: skip
        mof = next((j for j in jobs if isinstance(j.source, MofSource)), None)
        if mof is not None and self._history is None and self.settings.history_dir is None:
            self.scheduler.add_job(
                self.backfill_jgb, "date", run_date=first, args=[mof], id="mof-backfill"
            )

    async def stop(self) -> None:
        self._stop.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.leadership is not None:
            await self.leadership.release()
            LEADER.set(0)
        for task in self._tasks:
            await task
        self._tasks.clear()
        for starter in reversed(self.starters):
            await starter.stop()
        if self.health is not None:
            await self.health.stop()
        await self.http.stop()
        await self.store.stop()

    async def run_until_signalled(self) -> None:
        """Start, serve until SIGINT/SIGTERM, then stop gracefully."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stop.set)
        try:
            await self.start()
        except Exception:
            await self.stop()  # release what did start (database, sockets) before reporting
            raise
        log.info("carrywatch running; Ctrl-C to stop")
        await self._stop.wait()
        log.info("shutting down")
        await self.stop()

    # -- jobs ------------------------------------------------------------------------

    async def poll(self, job: PollJob, catch_up: bool = False) -> None:
        """Fetch one provider and push what it returned through the pipeline."""
        now = self.clock()
        source = job.source
        if isinstance(source, MofSource) and not catch_up and not source.should_poll(now):
            return
        with POLL_LATENCY.labels(job.job_id).time():
            result = await source.fetch(self.http, now)
        POLLS.labels(job.job_id, "ok" if result.ok else "error").inc()
        await record_poll(self.store, job.job_id, now, result.error)
        await self.pipeline.ingest(result)

    async def _flush(self) -> None:
        await self.pipeline.flush()

    async def check_staleness(self) -> list[str]:
        """Record a ``stale`` quality event when a feed goes late (once, not every check)."""
        latest = await self.store.latest_observation_dates()
        watched = {series: latest.get(series) for series, _ in WATCHED}
        events = self.gate.stale_events(watched)
        now_stale = {e.series for e in events if e.series}
        for event in events:
            if event.series not in self._stale:
                log.warning("feed stale: %s (%s)", event.series, event.detail)
                await self.store.add_quality_event(event)
        for series in watched:
            STALE_FEEDS.labels(series).set(1 if series in now_stale else 0)
        self._stale = now_stale
        return sorted(now_stale)

    async def backfill_jgb(self, job: PollJob) -> None:
        """First start without a history dir: fetch MOF's historical file once, so the
        super-long windows are full on day one instead of after a year of polling."""
        latest = (await self.store.latest_observation_dates()).get("jgb.10y")
        if latest is not None and (self.clock().date() - latest).days < 40:
            return
        assert isinstance(job.source, MofSource)
        result = await job.source.fetch_all(self.http, self.clock())
        await self.pipeline.ingest(result)
