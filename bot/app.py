"""The composition root: builds the Application and wires every capability into it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl

import httpx
from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot.context import BotContext, Services, Session
from bot.core.clock import Clock
from bot.core.commands import CommandRegistry
from bot.core.config import Settings
from bot.core.flood import FloodLimit
from bot.core.i18n import check_catalogs
from bot.delivery.inbox import schedule_forgetting
from bot.delivery.outbox import DeliveryLimiter, Outbox
from bot.funds.funds import configured_funds
from bot.handlers import (
    access,
    approvals,
    audit,
    backups,
    caseload,
    committee,
    conferences,
    contacts,
    cover,
    dataexport,
    erasure,
    errors,
    expenses,
    exports,
    families,
    familychanges,
    figures,
    flags,
    followups,
    funds,
    help,
    invitations,
    invoices,
    language,
    proof,
    reports,
    requests,
    staff,
    staffing,
    status,
    traces,
    translations,
)
from bot.interpreting.rates import Rates
from bot.menus import publish_default_menus, publish_member_menu
from bot.privacy.traces import kept
from bot.storage import Storage
from bot.translation.client import open_translator

log = logging.getLogger(__name__)

# The capabilities, in the order /help lists their commands.
CAPABILITIES = (
    contacts,
    families,
    familychanges,
    followups,
    flags,
    conferences,
    requests,
    approvals,
    invoices,
    funds,
    expenses,
    proof,
    translations,
    figures,
    caseload,
    staffing,
    cover,
    committee,
    expenses,
    exports,
    reports,
    invitations,
    staff,
    audit,
    dataexport,
    erasure,
    status,
    backups,
    language,
    proof,
    help,
    traces,
)

# Placeholder token for the offline Telegram of the shell and the tests.
OFFLINE_TOKEN = "123456789:OFFLINE-shell-and-test-token"


def build_application(
    settings: Settings,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
) -> Application:
    """The bot, ready to run: against Telegram, or against `request` (shell and tests).

    Updates reach it through the inbox (bot/delivery), not PTB's Updater: there is none.
    """
    check_catalogs()
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token or OFFLINE_TOKEN)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .context_types(ContextTypes(context=BotContext, user_data=Session, bot_data=Services))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .updater(None)
        # Against Telegram: its flood limits are respected and retries back off; offline
        # (shell, tests), nothing is throttled and a retry follows at once.
        .rate_limiter(
            DeliveryLimiter(throttle=request is None, first_backoff=0.5 if request is None else 0)
        )
        .post_init(start_services)
        .post_shutdown(stop_services)
    )
    if request is None:
        timeout = settings.telegram_timeout
        # One TLS context (httpx's default: certifi's CA bundle) for both connections to
        # Telegram: each would load the bundle again (0.8 MB of memory).
        tls = httpx.create_ssl_context()
        builder = builder.request(_telegram_request(timeout, tls)).get_updates_request(
            _telegram_request(timeout, tls)
        )
    else:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()

    services: Services = application.bot_data
    services.settings = settings
    services.clock = clock or Clock(settings.tz)
    services.base_rates = Rates.from_settings(settings)
    services.flood = FloodLimit(settings.flood_burst)
    services.commands = CommandRegistry(
        spec for capability in CAPABILITIES for spec in capability.COMMANDS
    )

    # The gate runs first and alone in its group: it may stop the update for all others
    # (strangers, group chats, edits, floods).
    application.add_handlers(access.handlers(), group=access.GATE_GROUP)
    for capability in CAPABILITIES:
        application.add_handlers(capability.handlers())
    # Same group, added last: only an update no capability took reaches a fallback.
    application.add_handlers(help.fallback_handlers())
    application.add_error_handler(errors.on_error)
    return application


def _telegram_request(timeout: float, tls: ssl.SSLContext) -> HTTPXRequest:
    return HTTPXRequest(
        read_timeout=timeout,
        write_timeout=timeout,
        connect_timeout=timeout,
        httpx_kwargs={"verify": tls},
    )


async def start_services(application: Application) -> None:
    """Open the database, create configured admins, publish command menus."""
    services: Services = application.bot_data
    settings = services.settings
    storage = await Storage.open(settings.database_path, settings.data_key)
    services.storage = storage
    services.started_at = services.clock.now()
    if not settings.data_key:
        log.warning(
            "DATA_KEY is not set: notes, flag texts and reasons are stored unencrypted "
            "(see README: Configuration)"
        )
    added = await storage.staff.bootstrap_admins(
        settings.admin_telegram_ids, settings.default_locale, services.clock.now()
    )
    if added:
        log.info("created bootstrap admins %s", added)
    for fund in await storage.funds.ensure_funds(configured_funds(settings), services.clock.now()):
        log.warning(
            "%s fund not created from the settings: a fund named %r exists already",
            fund.purpose,
            fund.name,
        )
    services.translator = open_translator(settings)
    services.outbox = Outbox(
        application.bot,
        storage.outbox,
        services.clock,
        None if kept(settings.chat_retention_hours) else storage.traces,
    )
    application.bot.rate_limiter.outbox = services.outbox
    # In the background, under the rate limiter's lane for the bot's own calls: the bot
    # answers people while the menus go out.
    services.menus = asyncio.create_task(publish_menus(application), name="command menus")
    if application.job_queue is not None:
        schedule_forgetting(application)
        followups.schedule_reminders(application)
        cover.schedule_notices(application)
        requests.schedule_reminders(application)
        reports.schedule_weekly_report(application)
        traces.schedule_deletion(application)
        erasure.schedule_retention(application)
        backups.schedule_backups(application)


async def publish_menus(application: Application) -> None:
    """The menu of people who are not registered, and each member's own."""
    services: Services = application.bot_data
    try:
        await publish_default_menus(
            application.bot, services.commands, services.settings.default_locale
        )
        for listed in await services.storage.staff.active_members():
            # Read again: while the menus go out, a member may change language or leave
            # (and their handler publishes the new menu itself). Not kept in the access
            # gate's cache: that is for the people writing to the bot, not every member.
            member = await services.storage.staff.get(listed.telegram_id, remember=False)
            if member is not None:
                await publish_member_menu(application.bot, services.commands, member)
    except TelegramError as exc:
        # Kept in the outbox if Telegram is unwell: the bot runs all the same.
        log.warning("command menus not published yet: %s", exc)


async def stop_services(application: Application) -> None:
    services: Services = application.bot_data
    if services.menus is not None:
        # Stopping right after the start: the next start publishes them again.
        services.menus.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await services.menus
        services.menus = None
    if services.outbox is not None:
        application.bot.rate_limiter.outbox = None
        services.outbox = None
    if services.translator is not None:
        services.translator.close()
        services.translator = None
    if services.storage is not None:
        await services.storage.close()
        services.storage = None
