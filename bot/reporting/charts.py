"""Charts for a phone screen: PNG images drawn headless with matplotlib.

matplotlib is imported inside the functions: importing it takes half a second that the
bot's start need not pay. Only the object-oriented API (Figure and the Agg canvas) is used,
never pyplot, whose global state belongs to no thread. Drawing is still serialised by a
lock: matplotlib's font cache and text layout are shared between threads.

The functions are synchronous and CPU-bound: handlers run them with `asyncio.to_thread`,
which carries the current locale along.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from babel import Locale
from babel import numbers as babel_numbers
from babel.dates import format_skeleton

from bot.casework.vocabulary import ContactType
from bot.core.i18n import _, current_locale, format_date, format_money

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# 1280 × 720 pixels: a phone shows it full width, and Telegram keeps it sharp.
SIZE_INCHES = (12.8, 7.2)
DPI = 100
TITLE_SIZE = 24
LABEL_SIZE = 18
TICK_SIZE = 15
LEGEND_SIZE = 14
# The font matplotlib ships: Latin and Cyrillic, so every language of the bot, and "€".
FONT = "DejaVu Sans"

# The same colour for a contact type in every chart (matplotlib's tab10 palette).
TYPE_COLOURS = {
    ContactType.HOME_VISIT: "#1f77b4",
    ContactType.OFFICE: "#ff7f0e",
    ContactType.PHONE: "#2ca02c",
    ContactType.VIDEO: "#9467bd",
    ContactType.ACCOMPANIMENT: "#d62728",
    ContactType.CASE_CONFERENCE: "#8c564b",
    ContactType.MESSAGE: "#7f7f7f",
}
SPENT_COLOUR = "#1f77b4"
COMMITTED_COLOUR = "#ff7f0e"
AMOUNT_COLOUR = "#d62728"
END_COLOUR = "#555555"

_drawing = threading.Lock()


def contacts_chart(weeks: list[WeekByType]) -> bytes:
    """Contacts per week, stacked by contact type, as a PNG."""
    return _png(lambda: contacts_figure(weeks))


def fund_chart(timeline: FundTimeline, today: date) -> bytes:
    """The fund's spending so far, its commitments, its amount and its end, as a PNG."""
    return _png(lambda: fund_figure(timeline, today))


def _png(draw: Callable[[], Figure]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with _drawing:
        figure = draw()
        canvas = FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        canvas.print_png(buffer)
    return buffer.getvalue()


def _new_figure() -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")


def contacts_figure(weeks: list[WeekByType]) -> Figure:
    """Stacked bars, one per week, labelled "CW 48"; the total above each bar."""
    from matplotlib.ticker import MaxNLocator

    figure = _new_figure()
    axes = figure.add_subplot()
    positions = list(range(len(weeks)))
    totals = [sum(week.contacts.values()) for week in weeks]
    present = [kind for kind in ContactType if any(week.contacts.get(kind) for week in weeks)]
    bottoms = [0] * len(weeks)
    for kind in present:
        heights = [week.contacts.get(kind, 0) for week in weeks]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            width=0.7,
            label=kind.label,
            color=TYPE_COLOURS[kind],
        )
        bottoms = [bottom + height for bottom, height in zip(bottoms, heights, strict=True)]
    for position, total in zip(positions, totals, strict=True):
        if total:
            axes.annotate(
                str(total),
                (position, total),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=TICK_SIZE,
                fontfamily=FONT,
            )
    axes.set_xlim(-0.5, len(weeks) - 0.5)
    axes.set_xticks(positions, [_("CW {week}").format(week=week.week) for week in weeks])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(labelsize=TICK_SIZE, labelfontfamily=FONT)
    axes.set_ylabel(_("Contacts"), fontsize=LABEL_SIZE, fontfamily=FONT)
    axes.set_title(_("Contacts per week by type"), fontsize=TITLE_SIZE, fontfamily=FONT)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    if present:
        # Leave room above the highest bar for its total.
        axes.set_ylim(0, max(totals) * 1.12)
        handles, labels = axes.get_legend_handles_labels()
        # The legend lists the types top-down as the bars stack them.
        figure.legend(
            handles[::-1],
            labels[::-1],
            loc="outside right upper",
            prop={"family": FONT, "size": LEGEND_SIZE},
        )
    else:
        axes.set_ylim(0, 1)
        axes.text(
            0.5,
            0.5,
            _("No contacts in these weeks."),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=LABEL_SIZE,
            fontfamily=FONT,
            color=END_COLOUR,
        )
    return figure


def fund_figure(timeline: FundTimeline, today: date) -> Figure:
    """Cumulative spending as a step line up to today; from today to the end, a band of
    what is committed on top; the amount as a horizontal, the end as a vertical line."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = _new_figure()
    axes = figure.add_subplot()
    start = min([timeline.starts_on, *(day for day, _spent in timeline.spent)])
    now = max(today, start)
    days = [start, *(day for day, _spent in timeline.spent), now]
    spent = [0, *(cents for _day, cents in timeline.spent), timeline.spent_cents]
    axes.step(
        days,
        [_euros(cents) for cents in spent],
        where="post",
        linewidth=3,
        color=SPENT_COLOUR,
        label=_("spent: {amount}").format(amount=format_money(timeline.spent_cents)),
    )
    band_end = max(timeline.ends_on, now + timedelta(days=1))
    if timeline.committed_cents:
        low = _euros(timeline.spent_cents)
        high = _euros(timeline.spent_cents + timeline.committed_cents)
        axes.fill_between(
            [now, band_end],
            [low, low],
            [high, high],
            color=COMMITTED_COLOUR,
            alpha=0.35,
            label=_("committed: {amount}").format(amount=format_money(timeline.committed_cents)),
        )
        axes.plot([now, band_end], [high, high], color=COMMITTED_COLOUR, linewidth=2)
    axes.axhline(
        _euros(timeline.amount_cents),
        color=AMOUNT_COLOUR,
        linestyle="--",
        linewidth=2,
        label=_("amount: {amount}").format(amount=format_money(timeline.amount_cents)),
    )
    axes.axvline(
        timeline.ends_on,
        color=END_COLOUR,
        linestyle=":",
        linewidth=2,
        label=_("end: {date}").format(date=format_date(timeline.ends_on)),
    )
    # At least 100 €, so that the axis has whole euros to mark.
    top = max(timeline.amount_cents, timeline.spent_cents + timeline.committed_cents, 10_000)
    axes.set_ylim(0, _euros(top) * 1.1)
    margin = timedelta(days=max((band_end - start).days // 40, 1))
    axes.set_xlim(start - margin, band_end + margin)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(FuncFormatter(_day_label))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(_euro_label))
    axes.tick_params(labelsize=TICK_SIZE, labelfontfamily=FONT)
    axes.set_title(
        _("{fund}: spent and committed").format(fund=_drawable(timeline.name)),
        fontsize=TITLE_SIZE,
        fontfamily=FONT,
    )
    axes.grid(alpha=0.3)
    axes.set_axisbelow(True)
    figure.legend(loc="outside lower center", ncols=4, prop={"family": FONT, "size": LEGEND_SIZE})
    return figure


def _euros(cents: int) -> float:
    return cents / 100


def _euro_label(value: float, _position: object) -> str:
    """Whole euros as the current locale writes money: "30.000 €", "€30,000"."""
    locale = current_locale()
    return babel_numbers.format_currency(
        Decimal(round(value)),
        "EUR",
        format=_whole_euro_pattern(locale),
        locale=locale,
        currency_digits=False,
    )


@functools.cache
def _whole_euro_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return pattern.split(";")[0].replace("0.00", "0")


def _day_label(value: float, _position: object) -> str:
    """A tick's day as the current locale abbreviates it: "24. Nov.", "24 Nov"."""
    import matplotlib.dates as mdates

    return format_skeleton("MMMd", mdates.num2date(value).date(), locale=current_locale())


def _drawable(text: str) -> str:
    """Typed text as matplotlib can draw it: "$" is not maths, glyphs the font lacks go."""
    from matplotlib import font_manager

    font = font_manager.get_font(font_manager.findfont(FONT))
    known = font.get_charmap()
    kept = "".join(char for char in text if ord(char) in known or char.isspace())
    return " ".join(kept.split()).replace("$", r"\$")


@dataclass(frozen=True)
class WeekByType:
    monday: date
    contacts: dict[ContactType, int] = field(default_factory=dict)

    @property
    def week(self) -> int:
        return self.monday.isocalendar()[1]


@dataclass(frozen=True)
class FundTimeline:
    """What a fund has spent, day by day (cumulative), and what is committed now."""

    name: str
    amount_cents: int
    starts_on: date
    ends_on: date
    # (day, spent up to and including that day), days with spending only, in order.
    spent: list[tuple[date, int]]
    committed_cents: int

    @property
    def spent_cents(self) -> int:
        return self.spent[-1][1] if self.spent else 0
