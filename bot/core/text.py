"""Small text helpers for chat messages."""

from __future__ import annotations

from bot.core.i18n import _


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
