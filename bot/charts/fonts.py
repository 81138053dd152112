"""The fonts charts draw with: Latin in matplotlib's own DejaVu Sans, Chinese and
Japanese in Noto Sans CJK, which the install brings.

The CJK font ships in the PyPI package ``cvttf-notosanscjk-regular`` (in the hash
lock; module ``cvttf_NotoSansCJK_Regular``, file ``NotoSansCJKtc-Regular.otf``, a
pan-CJK font covering Simplified Chinese and Japanese). :func:`prepare` registers it
with matplotlib once and sets a family *fallback list* (matplotlib >= 3.6): each
glyph comes from the first family that has it, so English charts look as before and
CJK text never falls to tofu boxes. Without the font a Chinese or Japanese chart
fails with :class:`ChartFontMissing`, one line saying what to install.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Final

LATIN_FAMILY: Final = "DejaVu Sans"  # matplotlib's bundled default: Latin unchanged
CJK_FAMILY: Final = "Noto Sans CJK TC"  # the family name inside the package's .otf
FAMILIES: Final = (LATIN_FAMILY, CJK_FAMILY)
CJK_LANGUAGES: Final = frozenset({"zh", "ja"})
PACKAGE: Final = "cvttf-notosanscjk-regular"

_lock = threading.Lock()
_cjk: Path | None = None
_prepared = False


class ChartFontMissing(RuntimeError):
    """No CJK font: a Chinese or Japanese chart would show boxes, so it is not drawn."""


def cjk_font_path() -> Path | None:
    """The package's .otf, or None when the package (or its file) is missing."""
    try:
        import cvttf_NotoSansCJK_Regular as package
    except ImportError:
        return None
    try:
        path = Path(package.get_TTF_path())
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def prepare(language: str = "en") -> None:
    """Register the CJK font and the family list once per process (cheap after the
    first call); raise :class:`ChartFontMissing` for zh/ja when the font is absent."""
    global _cjk, _prepared
    if not _prepared:
        with _lock:
            if not _prepared:
                import matplotlib
                from matplotlib import font_manager

                _cjk = cjk_font_path()
                if _cjk is not None:
                    font_manager.fontManager.addfont(str(_cjk))
                    matplotlib.rcParams["font.family"] = list(FAMILIES)
                _prepared = True
    if _cjk is None and language in CJK_LANGUAGES:
        raise ChartFontMissing(
            f"chart font missing: Chinese and Japanese charts need the {PACKAGE} package "
            "(install the project with `make venv` or the lock)"
        )
