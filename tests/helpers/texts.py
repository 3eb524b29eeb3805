"""The bot's texts as tests expect them, from the same catalogs the bot uses."""

from __future__ import annotations

from typing import Any

from bot.core.i18n import _, use_locale


def in_locale(locale: str, msgid: str, **values: Any) -> str:
    """The text the bot writes for `msgid` in `locale`, whatever its translation says."""
    with use_locale(locale):
        text = _(msgid)
    return text.format(**values) if values else text


def de(msgid: str, **values: Any) -> str:
    """The text in German, the default language."""
    return in_locale("de", msgid, **values)
