"""Checks every provider parser shares, so each reports problems the same way.

Bodies are sniffed before they are parsed: an empty body, or an HTML page
served with status 200 (CDN error pages, maintenance pages, captive portals),
is named as such rather than as "bad JSON". JSON is decoded with NaN/Infinity
refused (Python's ``json`` accepts them by default), a repeated key in any
object refused (``json`` silently keeps the last one: a body with one date
twice would otherwise store whichever came second) and a body that stops in
the middle is reported as truncated.

The ``Content-Type`` is checked before the body: each format lists what its
real providers send (and the generic types servers fall back on); an HTML
type is always refused, whatever the bytes look like.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from bot.sources.errors import FormatProblem, SourceFormatError
from signals.loaders.errors import HistoryFormatError
from signals.observation import Observation


def sniff(body: bytes, source: str) -> bytes:
    """Strip a UTF-8 BOM; reject empty bodies and HTML pages."""
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8) :]
    if not body.strip():
        raise SourceFormatError(source, FormatProblem.EMPTY, "empty body")
    head = body.lstrip()[:512].lower()
    if head.startswith(b"<") or b"<html" in head or b"<!doctype" in head:
        raise SourceFormatError(source, FormatProblem.HTML_BODY, "an HTML page instead of data")
    return body


JSON_TYPES = frozenset(
    {"application/json", "text/json", "text/javascript", "application/javascript", "text/plain"}
)
"""Content types a JSON provider may answer with (Kraken, Coinbase, Frankfurter send
``application/json``; ``text/plain`` is what some CDNs fall back on)."""
CSV_TYPES = frozenset(
    {
        "text/csv",
        "application/csv",
        "text/x-csv",
        "application/x-csv",
        "text/comma-separated-values",
        "text/plain",
        "application/octet-stream",  # MOF's static files; also aiohttp's "no header"
        "binary/octet-stream",
        "application/vnd.ms-excel",
        "application/download",
        "application/force-download",
    }
)
"""Content types a CSV provider may answer with (Treasury and FRED send ``text/csv``;
MOF's static ``.csv`` files come as ``text/csv`` or ``application/octet-stream``)."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def check_content_type(content_type: str, accepted: frozenset[str], source: str) -> None:
    """Refuse an HTML content type (HTML_BODY) or one the format never comes as (MALFORMED).

    ``content_type`` is the media type without parameters (aiohttp's
    ``content_type``); an empty one (no header at all) is let through to the
    body checks.
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if not media:
        return
    if media in HTML_TYPES:
        raise SourceFormatError(
            source, FormatProblem.HTML_BODY, f"served as {media}: an HTML page, not data"
        )
    if media in accepted or (media.endswith("+json") and "application/json" in accepted):
        return
    raise SourceFormatError(source, FormatProblem.MALFORMED, f"unexpected content type {media}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in JSON")


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"key {key[:40]!r} appears twice in one object")
        out[key] = value
    return out


def load_json(body: bytes, source: str) -> Any:
    """Decode a JSON body; NaN/Infinity are bad values, an early end is truncation."""
    body = sniff(body, source)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"not UTF-8: {exc}") from exc
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        raise SourceFormatError(source, FormatProblem.MALFORMED, str(exc)) from exc
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise SourceFormatError(
                source, FormatProblem.TRUNCATED, f"JSON ends early at byte {exc.pos}"
            ) from exc
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"bad JSON: {exc}") from exc
    except ValueError as exc:  # _refuse_constant, or an integer past int_max_str_digits
        raise SourceFormatError(source, FormatProblem.BAD_VALUE, str(exc)[:200]) from exc
    except RecursionError as exc:
        raise SourceFormatError(source, FormatProblem.MALFORMED, "JSON nested too deep") from exc


def _show(raw: object) -> str:
    """A short repr for an error message (repr of a 5000-digit int itself raises)."""
    try:
        return repr(raw)[:40]
    except ValueError:
        return f"<{type(raw).__name__} too long to show>"


def number(raw: object, source: str, where: str) -> float:
    """A finite float from a JSON number or numeric string; anything else is a bad value."""
    shown = _show(raw)
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise SourceFormatError(source, FormatProblem.BAD_VALUE, f"{where}: not a number: {shown}")
    try:
        value = float(raw)
    except (ValueError, OverflowError) as exc:
        raise SourceFormatError(
            source, FormatProblem.BAD_VALUE, f"{where}: not a number: {shown}"
        ) from exc
    if not math.isfinite(value):
        raise SourceFormatError(source, FormatProblem.BAD_VALUE, f"{where}: non-finite {shown}")
    return value


def positive(raw: object, source: str, where: str) -> float:
    """A price: finite and > 0 (a zero or negative price is never a market value)."""
    value = number(raw, source, where)
    if value <= 0:
        raise SourceFormatError(source, FormatProblem.BAD_VALUE, f"{where}: price {value} <= 0")
    return value


def epoch_seconds(raw: object, source: str, where: str) -> int:
    """A bar's open time: integral epoch seconds in a sane range (2009..2200)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"{where}: bad time {raw!r}")
    # Range first: math.isfinite/int() of a huge int or float raise OverflowError.
    if not 1_230_000_000 <= raw <= 7_258_118_400 or raw != int(raw):
        shown = _show(raw)
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"{where}: bad time {shown}")
    return int(raw)


def utc_day(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date()


def format_error(exc: HistoryFormatError, source: str) -> SourceFormatError:
    """A history parser's complaint as a source error, with the best-fitting problem."""
    text = exc.problem.lower()
    if "html" in text:
        problem = FormatProblem.HTML_BODY
    elif "empty" in text:
        problem = FormatProblem.EMPTY
    elif "truncat" in text or "fields" in text or "ends" in text:
        problem = FormatProblem.TRUNCATED
    elif "nan" in text or "inf" in text or "number" in text or "value" in text:
        problem = FormatProblem.BAD_VALUE
    else:
        problem = FormatProblem.MALFORMED
    return SourceFormatError(source, problem, str(exc))


def run_loader(load: Callable[[bytes], pd.DataFrame], body: bytes, source: str) -> pd.DataFrame:
    """Run a history loader on a provider body; its complaints become source errors.

    ``csv.Error`` is caught as well: the loaders use the csv module for headers,
    which raises it on e.g. a bare CR inside a line (seen by the fuzz test).
    """
    body = sniff(body, source)
    try:
        return load(body)
    except HistoryFormatError as exc:
        raise format_error(exc, source) from exc
    except csv.Error as exc:
        raise SourceFormatError(source, FormatProblem.MALFORMED, f"CSV: {exc}") from exc


def frame_observations(
    frame: pd.DataFrame, source: str, fetched_at: dt.datetime
) -> list[Observation]:
    """Observations from a history parser's frame (DatetimeIndex x series columns).

    Missing cells are a tenor not published that day (MOF's ``-``), not an
    error, so they are skipped; infinities cannot pass. Chronological order,
    one series after another.
    """
    out: list[Observation] = []
    dates = [ts.date() for ts in pd.DatetimeIndex(frame.index)]
    for column in frame.columns:
        values = frame[column].to_numpy(dtype="float64", na_value=math.nan)
        for day, value in zip(dates, values, strict=True):
            if math.isnan(value):
                continue
            if not math.isfinite(value):
                raise SourceFormatError(
                    source, FormatProblem.BAD_VALUE, f"{column} on {day}: non-finite {value}"
                )
            out.append(Observation(str(column), day, float(value), source, fetched_at))
    return out


def check_decimals(
    rows: list[bytes], source: str, *, first_line: int, most: int, least: int = 0
) -> None:
    """Each value cell (all but the date) has ``least``..``most`` decimals, or is a marker.

    A download cut inside its last cell (``…,3.811,3`` for ``3.739``) still has
    the right field count and a number that parses; only its decimals give it
    away where the format writes a fixed number of them (Treasury: always 2).
    Non-numeric cells are left to the loader, which names them.
    """
    for i, row in enumerate(rows):
        for cell in row.rstrip(b"\r\n").split(b",")[1:]:
            whole, dot, decimals = cell.partition(b".")
            if not dot and (not whole.lstrip(b"-").isdigit() or least == 0):
                continue
            if dot and decimals and not decimals.isdigit():
                continue
            if least <= len(decimals) <= most and (decimals or not dot):
                continue  # "3." (a cell cut after its point) is never a format's number
            last = i == len(rows) - 1 and row.rstrip(b"\r\n").endswith(cell)
            short = len(decimals) < max(least, 1 if dot else 0)
            problem = FormatProblem.TRUNCATED if last and short else FormatProblem.BAD_VALUE
            text = cell.decode("ascii", "replace")[:20]
            raise SourceFormatError(
                source,
                problem,
                f"line {first_line + i}: {text!r} has {len(decimals)} decimals, the format "
                f"writes {least if least == most else f'{least}..{most}'}",
            )
