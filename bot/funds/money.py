"""Money as staff type it and as it is kept: integer cents.

Machine translation is priced per million characters, so its costs are kept in millionths
of a cent and rounded up to a cent only when summed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.core.i18n import _
from bot.core.parsing import quoted

MICRO_CENTS_PER_CENT = 1_000_000


_GERMAN_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$|^\d+(,\d{1,2})?$")
_ENGLISH_AMOUNT = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$|^\d+(\.\d{1,2})?$")


class AmountError(ValueError):
    """Not an amount of money; `message` says so with an example."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def euros_to_cents(euros: Decimal) -> int:
    return int((euros * 100).to_integral_value())


def parse_amount(text: str) -> int:
    """Cents from what staff type: 1234,50 · 1.234,50 · 1234.50 · 1,234.50 · 1234 € · 1234 EUR."""
    compact = text.strip().replace("€", "").replace("EUR", "").replace("eur", "").strip()
    compact = compact.replace(" ", "").replace("\u00a0", "")
    if _GERMAN_AMOUNT.match(compact):
        normal = compact.replace(".", "").replace(",", ".")
    elif _ENGLISH_AMOUNT.match(compact):
        normal = compact.replace(",", "")
    else:
        raise AmountError(
            _("“{text}” is not an amount in euros. Examples: 240, 240,50, 1.234,50").format(
                text=quoted(text, 40)
            )
        )
    try:
        cents = euros_to_cents(Decimal(normal))
    except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
        raise AmountError(
            _("“{text}” is not an amount in euros.").format(text=quoted(text, 40))
        ) from None
    if cents > 10_000_000_00:
        raise AmountError(_("{text} is more than 10 million euros.").format(text=quoted(text, 40)))
    return cents


def micro_to_cents(micro_cents: int) -> int:
    return -(-micro_cents // MICRO_CENTS_PER_CENT)
