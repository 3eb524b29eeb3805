"""Machine translation requests: the target language typed, and texts held back."""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass

from bot.core.i18n import _, current_locale, language_name
from bot.core.names import find_language, search_languages
from bot.privacy.personal_data import PersonalData
from bot.translation.client import base_code


@dataclass(frozen=True)
class PendingTranslation:
    """A text held back because it seems to contain personal data (kept in memory only).

    `token` names the warning whose buttons may send or drop it, so that the buttons of an
    older warning cannot send a newer text.
    """

    token: int
    text: str
    target: str
    found: tuple[PersonalData, ...]


# Languages DeepL translates into only in one of several variants: the one staff in
# Germany most likely want when they type the language alone.
DEFAULT_VARIANTS = {"en": "EN-GB", "pt": "PT-PT", "zh": "ZH-HANS", "no": "NB"}
SUGGESTIONS = 3


class TargetError(ValueError):
    """The typed language is no DeepL target; `message` says so and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownLanguageError(TargetError):
    """Not a language the bot knows by code or name."""


class UnsupportedTargetError(TargetError):
    """A known language DeepL cannot translate into (Tigrinya, Somali, …)."""

    def __init__(self, code: str) -> None:
        super().__init__(
            _(
                "DeepL cannot translate into {language}. Please request an interpreter "
                "with /interpreter."
            ).format(language=language_name(code))
        )
        self.code = code


def resolve_target(text: str, targets: Collection[str]) -> str:
    """The DeepL target code for a typed language: "uk", "Ukrainisch", "arabic", "pt-br".

    `targets` are the codes DeepL translates into. EN and PT alone are no targets: they
    become EN-GB and PT-PT. Raises TargetError with the message to show.
    """
    wanted = text.strip()
    typed = _target_for(wanted.lower(), targets)
    if typed is not None:
        return typed
    code = find_language(wanted)
    if code is None:
        raise UnknownLanguageError(_unknown_message(wanted, targets))
    target = _target_for(code, targets)
    if target is None:
        raise UnsupportedTargetError(code)
    return target


def _target_for(code: str, targets: Collection[str]) -> str | None:
    for candidate in (DEFAULT_VARIANTS.get(code), code.upper()):
        if candidate in targets:
            return candidate
    return None


def _unknown_message(text: str, targets: Collection[str]) -> str:
    message = _("I do not know the language “{text}”.").format(text=html.escape(text[:40]))
    suggestions = []
    for code in search_languages(text, current_locale()):
        target = _target_for(code, targets)
        if target is not None and target not in suggestions:
            suggestions.append(target)
    if suggestions:
        names = ", ".join(
            f"{target} ({language_name(base_code(target))})" for target in suggestions[:SUGGESTIONS]
        )
        message += " " + _("Did you mean {names}?").format(names=names)
    return message + " " + _("/translate alone lists the languages DeepL translates into.")
