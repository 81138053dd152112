"""Discord's embed limits, and how an embed is cut to fit them without a 400.

Discord rejects a whole message (50035 Invalid Form Body) when any one part of
an embed is too long, so every renderer passes its embed through
:func:`fit_embed` last. Limits count characters (Python ``len``), as Discord
documents them:

    title 256 · description 4096 · 25 fields · field name 256 · field value 1024
    footer 2048 · author name 256 · all of those together 6000
"""

from __future__ import annotations

import discord

from bot.i18n import _

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
TOTAL = 6000
ELLIPSIS = "…"
EMPTY = "\u200b"  # Discord refuses empty field names and values


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in an ellipsis when cut; never empty."""
    text = text.strip()
    if not text:
        return EMPTY
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def embed_size(embed: discord.Embed) -> int:
    """What Discord counts against the 6,000-character total."""
    size = len(embed.title or "") + len(embed.description or "")
    size += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    size += len(embed.footer.text or "") + len(embed.author.name or "")
    return size


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """A copy of ``embed`` within every limit.

    Parts are clipped one by one; past 25 fields the last kept field says how
    many were left out; if the total still exceeds 6,000, the description is
    shortened first, then fields are dropped from the end.
    """
    out = discord.Embed.from_dict(embed.to_dict())
    if out.title:
        out.title = clip(out.title, TITLE)
    if out.description:
        out.description = clip(out.description, DESCRIPTION)
    if out.footer.text:
        out.set_footer(text=clip(out.footer.text, FOOTER), icon_url=out.footer.icon_url)
    if out.author.name:
        out.set_author(name=clip(out.author.name, AUTHOR), url=out.author.url)
    fields = [(clip(f.name or "", FIELD_NAME), clip(f.value or "", FIELD_VALUE), bool(f.inline))
              for f in embed.fields]  # fmt: skip
    if len(fields) > FIELDS:
        left_out = len(fields) - (FIELDS - 1)
        more = _("… and {count} more").format(count=left_out)
        fields = [*fields[: FIELDS - 1], (more, EMPTY, False)]
    out.clear_fields()
    for name, value, inline in fields:
        out.add_field(name=name, value=value, inline=inline)
    over = embed_size(out) - TOTAL
    if over > 0 and out.description:
        keep = max(len(out.description) - over, 0)
        out.description = clip(out.description, keep) if keep > len(ELLIPSIS) else None
        over = embed_size(out) - TOTAL
    dropped = 0
    while over > 0 and out.fields:
        last = out.fields[-1]
        out.remove_field(len(out.fields) - 1)
        dropped += 1
        over -= len(last.name or "") + len(last.value or "")
    if dropped:
        note = _("… {count} more not shown").format(count=dropped)
        if embed_size(out) + len(note) + 1 <= TOTAL:
            out.add_field(name=note, value=EMPTY, inline=False)
    return out
