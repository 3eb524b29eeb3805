"""/forget and the nightly retention job: personal data go, the figures stay."""

from __future__ import annotations

import logging
from datetime import time

from pydantic import Field
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler

from bot.casework.contacts import UNDONE_KEPT
from bot.casework.families import family_code, parse_family_code
from bot.context import BotContext, Services
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, lazy_gettext, use_locale
from bot.core.parsing import ParseError
from bot.handlers.common import button, command, edit_text, reply
from bot.privacy.erasure import (
    BY_REQUEST,
    BY_RETENTION,
    ErasurePreview,
    RetentionRun,
    forget_question,
    former_staff_name,
    retention_cutoffs,
)
from bot.staff.roles import ADMIN_ONLY, Role

log = logging.getLogger(__name__)

COMMANDS = (
    CommandSpec(
        "forget",
        lazy_gettext("Erase a closed family's personal data at once: /forget F-0042"),
        ADMIN_ONLY,
    ),
)

JOB_NAME = "retention"
# At night, when nobody works: the job holds the database for a moment.
RETENTION_TIME = time(3, 0)


class EraseFamily(CallbackData, prefix="forget:erase"):
    family_id: int = Field(ge=1)


class KeepFamily(CallbackData, prefix="forget:keep"):
    family_id: int = Field(ge=1)


async def forget(update: Update, context: BotContext) -> None:
    """Show what erasing a family would remove, with Erase and Cancel buttons."""
    if len(context.args) != 1:
        await reply(
            update,
            _(
                "Whose personal data should be erased? Give the code of a closed family. "
                "Example: /forget F-0042"
            ),
        )
        return
    try:
        family_id = parse_family_code(context.args[0])
    except ParseError as error:
        await reply(update, error.message)
        return
    preview = await context.storage.erasure.preview(family_id)
    if await _refused(update, preview, family_id):
        return
    keyboard = [
        [
            button(_("Erase now"), EraseFamily(family_id=family_id)),
            button(_("Cancel"), KeepFamily(family_id=family_id)),
        ]
    ]
    await reply(update, forget_question(preview), reply_markup=InlineKeyboardMarkup(keyboard))


async def _refused(update: Update, preview: ErasurePreview | None, family_id: int) -> bool:
    """Say why the family cannot be erased (unknown, still open, erased already)."""
    code = family_code(family_id)
    if preview is None:
        text = _("There is no family {code}.").format(code=code)
    elif preview.already_erased:
        text = _("The personal data of {code} were already erased on {date}.").format(
            code=code, date=format_date(preview.erased_at)
        )
    elif not preview.closed:
        text = _(
            "{code} is still open. Close it first (/closefamily {code}), then erase its "
            "personal data with /forget {code}."
        ).format(code=code)
    else:
        return False
    if update.callback_query is not None:
        await edit_text(update.callback_query, text)
    else:
        await reply(update, text)
    return True


async def erase_pressed(update: Update, context: BotContext) -> None:
    """Erase now: the family's personal data go; the audit keeps who did it and when."""
    query = update.callback_query
    if context.member.role is not Role.ADMIN:
        await query.answer(_("Only administrators erase personal data."), show_alert=True)
        return
    await query.answer()
    family_id = EraseFamily.read(query.data).family_id
    preview = await context.storage.erasure.preview(family_id)
    if await _refused(update, preview, family_id):
        return
    await context.storage.erasure.erase_family(
        family_id, context.clock.now(), context.member.telegram_id, BY_REQUEST
    )
    await edit_text(
        query,
        _(
            "The personal data of {code} have been erased. Its figures stay as reported; "
            "the audit log records that you erased them, not what was erased."
        ).format(code=preview.family_code),
    )


async def keep_pressed(update: Update, context: BotContext) -> None:
    """Cancel: nothing is erased."""
    query = update.callback_query
    await query.answer()
    family_id = KeepFamily.read(query.data).family_id
    await edit_text(
        query, _("Nothing was erased; {code} stays as it is.").format(code=family_code(family_id))
    )


async def apply_retention(context: BotContext) -> RetentionRun:
    """Erase what has been kept long enough: closed families, staff who left, audit lines,
    the sources of undone contacts."""
    services: Services = context.bot_data
    settings = services.settings
    storage = services.storage
    now = services.clock.now()
    cutoffs = retention_cutoffs(
        services.clock.local(now), settings.retention_months, settings.audit_retention_months
    )
    families = staff = audit_lines = 0
    if cutoffs.families_closed_before is not None:
        families = await storage.erasure.erase_closed_families(
            cutoffs.families_closed_before, now, BY_RETENTION
        )
    if cutoffs.staff_revoked_before is not None:

        def pseudonym(number: int) -> str:
            with use_locale(settings.default_locale):
                return former_staff_name(number)

        staff = await storage.erasure.pseudonymise_staff(
            cutoffs.staff_revoked_before, now, pseudonym
        )
    if cutoffs.audit_before is not None:
        audit_lines = await storage.erasure.delete_audit_before(cutoffs.audit_before)
    undone = await storage.contacts.forget_undone_before(now - UNDONE_KEPT)
    run = RetentionRun(families, staff, audit_lines, undone)
    if families or staff or audit_lines or undone:
        log.info(
            "retention: erased %d families, pseudonymised %d staff, deleted %d audit lines, "
            "forgot %d sources of undone contacts",
            families,
            staff,
            audit_lines,
            undone,
        )
    return run


def schedule_retention(application: Application) -> None:
    """Every night at 03:00 local time, and once now to catch up after a restart."""
    settings = application.bot_data.settings
    if settings.retention_months == 0:
        log.warning("RETENTION_MONTHS=0: closed families are kept until erased with /forget")
    if settings.audit_retention_months == 0:
        log.warning("AUDIT_RETENTION_MONTHS=0: audit lines are kept for ever")
    tz = application.bot_data.clock.tz
    application.job_queue.run_daily(
        apply_retention, RETENTION_TIME.replace(tzinfo=tz), name=JOB_NAME
    )
    application.job_queue.run_once(apply_retention, 0, name=f"{JOB_NAME} (catch-up)")


def handlers() -> list[BaseHandler]:
    return [
        command("forget", forget),
        CallbackQueryHandler(erase_pressed, pattern=EraseFamily.matches),
        CallbackQueryHandler(keep_pressed, pattern=KeepFamily.matches),
    ]
