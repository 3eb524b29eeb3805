"""Vocabularies: terms with a stored value, a translated label and the words staff type.

Words are compared casefolded, without "-", "_", "/", "." and spaces, so "E-Mail", "e_mail"
and "Email" are one word. A word may be spelled with a space ("home visit", "vor Ort"):
join_phrases makes it one token before a one-line form is split into words.
"""

from __future__ import annotations

import re
from enum import StrEnum

_IGNORED = str.maketrans("", "", "-_/. ")


def normalise(word: str) -> str:
    return word.casefold().translate(_IGNORED)


def join_phrases(text: str) -> str:
    """`text` with every phrase of several words that names a term ("home visit", "vor Ort")
    written as one token ("home-visit"), so that splitting at spaces keeps it whole."""
    if not _PHRASES:
        return text
    if _PHRASES_PATTERN[0] is None:
        longest_first = sorted(_PHRASES, key=len, reverse=True)
        alternatives = "|".join(
            r"\s+".join(map(re.escape, phrase.split())) for phrase in longest_first
        )
        _PHRASES_PATTERN[0] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return _PHRASES_PATTERN[0].sub(lambda match: "-".join(match.group(0).split()), text)


class Term(StrEnum):
    """A term with a translated label and the words that name it (see define_terms)."""

    @property
    def label(self) -> str:
        return str(_LABELS[_key(self)])

    @property
    def words(self) -> frozenset[str]:
        """The words (normalised) that name the term."""
        return _WORDS[_key(self)]

    @classmethod
    def parse(cls, word: str) -> Term | None:
        index = _INDEX.get(cls)
        if index is None:
            # Each word to the first term (in the vocabulary's order) that it names.
            index = {}
            for term in cls:
                for spelled in _WORDS.get(_key(term), ()):
                    index.setdefault(spelled, term)
            _INDEX[cls] = index
        return index.get(normalise(word))


# Every term's label and words, filled by define_terms below each vocabulary. Keyed by class
# and value: terms of different vocabularies with the same value (ContactType.PHONE and
# Mode.PHONE are both "phone") compare equal as strings.
_LABELS: dict[tuple[type, str], object] = {}
_WORDS: dict[tuple[type, str], frozenset[str]] = {}
# Per vocabulary, each normalised word to its term: built on first use from _WORDS, dropped
# whenever define_terms changes them.
_INDEX: dict[type, dict[str, Term]] = {}
# The words spelled with a space, and the pattern that finds them (built on first use).
_PHRASES: set[str] = set()
_PHRASES_PATTERN: list[re.Pattern[str] | None] = [None]


def _key(term: Term) -> tuple[type, str]:
    return type(term), term.value


def define_terms(labels: dict[Term, object], words: dict[Term, tuple[str, ...]]) -> None:
    """Give terms their labels (lazily translated) and the words staff type for them.

    Pass dicts of one vocabulary only: equal values of two vocabularies would collide.
    """
    _LABELS.update({_key(term): label for term, label in labels.items()})
    _WORDS.update(
        {_key(term): frozenset(normalise(word) for word in spelled)
         for term, spelled in words.items()}
    )  # fmt: skip
    _PHRASES.update(word for spelled in words.values() for word in spelled if " " in word)
    _PHRASES_PATTERN[0] = None
    _INDEX.clear()
