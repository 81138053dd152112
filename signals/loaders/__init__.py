"""Pure parsers for the history files: ``bytes`` + a source name in, DataFrame out.

Every parser returns a new frame indexed by ``date`` (tz-naive midnight,
strictly increasing, unique) with float64 columns named by series
(``jgb.10y``, ``ust.10y``, ``usdjpy``, ``btc``), rows with no value dropped,
and raises :class:`HistoryFormatError` naming the file, the line and the
problem for anything that breaks the format. No file or network I/O here:
``bot.history`` reads the files.
"""

from signals.loaders.errors import HistoryFormatError
from signals.loaders.fred import parse_fred
from signals.loaders.mof import parse_mof, stitch_mof
from signals.loaders.treasury import parse_treasury_par_curve
from signals.loaders.yahoo import parse_yahoo_daily

__all__ = [
    "HistoryFormatError",
    "parse_fred",
    "parse_mof",
    "parse_treasury_par_curve",
    "parse_yahoo_daily",
    "stitch_mof",
]
