"""/audit: the audit log for review by admins, newest first, in the chat or as a workbook."""

from __future__ import annotations

import asyncio
import html
from datetime import datetime, time, timedelta

from pydantic import Field
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.casework.families import family_code, parse_family_code
from bot.context import BotContext
from bot.core.callbacks import CallbackData, Day
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext
from bot.core.parsing import ParseError
from bot.handlers.common import (
    button,
    command,
    edit_text,
    page_count,
    page_row,
    reply,
    show_page,
)
from bot.privacy.audit import audit_line, audit_workbook, describe_query, parse_audit_query
from bot.staff.roles import ADMIN_ONLY

COMMANDS = (
    CommandSpec(
        "audit",
        lazy_gettext("Who read or changed what: /audit [@name | F-0042] [from] [to] [xlsx]"),
        ADMIN_ONLY,
    ),
)

# An audit line is at most about 250 characters: twelve stay well within a message.
PAGE_SIZE = 12
# More lines than one workbook should carry to a chat; a shorter period is asked for.
MAX_WORKBOOK_LINES = 100_000

_ID = Field(default=None, ge=1, le=10**15)


class AuditFilter(CallbackData, prefix="audit"):
    """The filter of an /audit list: a person, a family, the first and last day."""

    page: int = Field(default=0, ge=0, le=99_999)
    person: int | None = _ID
    family: int | None = _ID
    first: Day | None = None
    last: Day | None = None


class AuditWorkbook(CallbackData, prefix="auditx"):
    """The button under an /audit list: the same lines as a workbook."""

    person: int | None = _ID
    family: int | None = _ID
    first: Day | None = None
    last: Day | None = None


async def show_audit(update: Update, context: BotContext) -> None:
    """/audit [@name | F-0042] [from] [to] [xlsx]: the lines, or the workbook."""
    try:
        query = parse_audit_query(context.args)
        family = parse_family_code(query.family) if query.family else None
    except ParseError as error:
        await reply(update, error.message)
        return
    person = None
    if query.person is not None:
        member = await context.storage.staff.find(query.person)
        if member is None:
            await reply(
                update,
                _("There is nobody “{name}” in the staff list. /users lists them.").format(
                    name=html.escape(query.person[:40])
                ),
            )
            return
        person = member.telegram_id
    shown = AuditFilter(person=person, family=family, first=query.first, last=query.last)
    if query.workbook:
        await _send_workbook(update, context, shown)
        return
    await context.storage.audit.record(
        "audit.view", context.clock.now(), context.member.telegram_id, detail=_described(shown)
    )
    await _show_lines(update, context, shown)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ under the audit lines."""
    await _show_lines(update, context, AuditFilter.read(update.callback_query.data))


async def workbook_button(update: Update, context: BotContext) -> None:
    """The Excel button under the audit lines."""
    pressed = AuditWorkbook.read(update.callback_query.data)
    await update.callback_query.answer()
    await _send_workbook(
        update,
        context,
        AuditFilter(
            person=pressed.person, family=pressed.family, first=pressed.first, last=pressed.last
        ),
    )


def _bounds(context: BotContext, shown: AuditFilter) -> tuple[datetime | None, datetime | None]:
    """The days as instants: local midnight at the start of the first, after the last."""
    tz = context.clock.tz
    start = datetime.combine(shown.first, time(0), tz) if shown.first else None
    end = datetime.combine(shown.last + timedelta(days=1), time(0), tz) if shown.last else None
    return start, end


def _subject(shown: AuditFilter) -> str | None:
    return family_code(shown.family) if shown.family else None


def _described(shown: AuditFilter, person: str | None = None) -> str:
    return describe_query(
        person or (str(shown.person) if shown.person else None),
        _subject(shown),
        shown.first,
        shown.last,
    )


async def _show_lines(update: Update, context: BotContext, shown: AuditFilter) -> None:
    audit = context.storage.audit
    start, end = _bounds(context, shown)
    subject = _subject(shown)
    total = await audit.count(shown.person, subject, start, end)
    pages = page_count(total, PAGE_SIZE)
    page = min(shown.page, pages - 1)
    lines = await audit.lines(
        shown.person, subject, start, end, limit=PAGE_SIZE, offset=page * PAGE_SIZE
    )
    person = None
    if shown.person is not None:
        member = await context.storage.staff.get(shown.person)
        person = member.handle if member else str(shown.person)
    described = _described(shown, person)
    heading = (
        _("<b>Audit log: {filter}</b> ({count} lines, newest first)")
        if described
        else _("<b>Audit log</b> ({count} lines, newest first)")
    ).format(filter=html.escape(described), count=total)
    if not lines:
        await show_page(update, heading + "\n" + _("No lines."), [])
        return
    text = [heading, *(audit_line(line, context.clock.tz) for line in lines)]
    if pages > 1:
        text.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    navigation = page_row(page, pages, lambda to: shown.model_copy(update={"page": to}))
    excel = button(
        _("As Excel"),
        AuditWorkbook(person=shown.person, family=shown.family, first=shown.first, last=shown.last),
    )
    await _show(update, "\n".join(text), [navigation, [excel]] if navigation else [[excel]])


async def _show(update: Update, text: str, keyboard: list[list[InlineKeyboardButton]]) -> None:
    """As show_page, with the Excel button in a row of its own under ◀ / ▶."""
    markup = InlineKeyboardMarkup(keyboard)
    query = update.callback_query
    if query is None:
        await reply(update, text, reply_markup=markup)
        return
    await query.answer()
    await edit_text(query, text, markup)


async def _send_workbook(update: Update, context: BotContext, shown: AuditFilter) -> None:
    """The filtered lines as a workbook; the export is audited like every export."""
    audit = context.storage.audit
    start, end = _bounds(context, shown)
    subject = _subject(shown)
    total = await audit.count(shown.person, subject, start, end)
    if total > MAX_WORKBOOK_LINES:
        await reply(
            update,
            _(
                "There are more than {count} lines, too many for one file. Please choose a "
                "person, a family or a shorter period."
            ).format(count=MAX_WORKBOOK_LINES),
        )
        return
    lines = await audit.lines(shown.person, subject, start, end, limit=MAX_WORKBOOK_LINES)
    await audit.record(
        "audit.export",
        context.clock.now(),
        context.member.telegram_id,
        detail=f"{_described(shown)} lines={len(lines)}".strip(),
    )
    now = context.clock.local(context.clock.now())
    title = _("KIM audit log {filter}").format(filter=_described(shown)).strip()
    await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    content = await asyncio.to_thread(audit_workbook, lines, context.clock.tz, title)
    await update.effective_message.reply_document(
        content,
        filename=f"kim-audit_{now:%Y-%m-%d_%H%M}.xlsx",
        caption=_("{count} audit lines. Keep the file on the county's systems only.").format(
            count=len(lines)
        ),
    )


def handlers() -> list[BaseHandler]:
    return [
        command("audit", show_audit),
        CallbackQueryHandler(turn_page, pattern=AuditFilter.matches),
        CallbackQueryHandler(workbook_button, pattern=AuditWorkbook.matches),
    ]
