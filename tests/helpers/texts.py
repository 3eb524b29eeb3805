"""The bot's texts as tests expect them, from the same catalogs the bot uses."""

from __future__ import annotations

import re
from typing import Any, Protocol

from bot.core.i18n import _, format_money, use_locale

INVITATION_LINK = re.compile(r"\?start=([A-Za-z0-9]{16})")


def in_locale(locale: str, msgid: str, **values: Any) -> str:
    """The text the bot writes for `msgid` in `locale`, whatever its translation says."""
    with use_locale(locale):
        text = _(msgid)
    return text.format(**values) if values else text


def de(msgid: str, **values: Any) -> str:
    """The text in German, the default language."""
    return in_locale("de", msgid, **values)


class Labelled(Protocol):
    @property
    def label(self) -> str: ...


def german_label(term: Labelled) -> str:
    """A term's label (a button, a column, a role …) in German."""
    with use_locale("de"):
        return term.label


def money(cents: int, locale: str = "de") -> str:
    """An amount as the bot writes it in `locale`."""
    with use_locale(locale):
        return format_money(cents)


def invitation_code(text: str) -> str:
    """The code in the deep link of the bot's answer to /invite."""
    found = INVITATION_LINK.search(text)
    assert found, f"no invitation link in {text!r}"
    return found.group(1)


def contact_saved(locale: str = "de") -> str:
    """How the reply to a saved contact begins, whatever its number: "✅ Kontakt Nr. "."""
    return in_locale(locale, "✅ Contact no. {id} saved:").split("{id}")[0]
