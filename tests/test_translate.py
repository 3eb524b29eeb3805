"""/translate: short texts through DeepL (a fake on 127.0.0.1), charged to the fund.

What matters most: no case text reaches DeepL through a Free key, or with personal data
before its author says so, and nothing of a text is ever stored; every translation is
charged to the translation fund to the micro-cent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import aiohttp
import deepl
import pytest

from bot import app
from bot.core.config import Settings
from bot.core.i18n import use_locale
from bot.core.offline import Person
from bot.handlers import translations as translate
from bot.privacy.personal_data import PersonalData, find_personal_data
from bot.staff.roles import Role
from bot.translation.translations import (
    UnknownLanguageError,
    UnsupportedTargetError,
    resolve_target,
)
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.fake_deepl import DISCONNECT, TARGET_LANGUAGES, FakeDeepL
from tests.helpers.harness import BotHarness, FakeTime, only_text, texts
from tests.helpers.texts import de, german_label

PRO_KEY = "00000000-0000-0000-0000-000000000000"
FREE_KEY = "00000000-0000-0000-0000-000000000000:fx"
TODAY = date(2026, 11, 24)
TARGETS = frozenset(code for code, *_ in TARGET_LANGUAGES)

CANNOT = "DeepL cannot translate into {language}. Please request an interpreter with /interpreter."
UNKNOWN = "I do not know the language “{text}”."
HELD_BACK = (
    "Nothing was sent yet: the text seems to contain {kinds}. Personal data must not go to "
    "DeepL. Please remove it and send the text again, or send it as it is if this is not "
    "personal data."
)
WHICH_TEXT = (
    "Which text? Write it after the language, or answer a message with /translate and the "
    "language. Example: {example}"
)
CANCELLED = "Cancelled. Nothing was sent to DeepL."
NOT_CONFIGURED = (
    "Machine translation is not configured (DEEPL_AUTH_KEY is missing). Please ask the "
    "administration, or request an interpreter with /interpreter."
)
FREE_REFUSED = (
    "Nothing was sent: KIM-Bot is configured with a DeepL API Free key, and DeepL may use "
    "texts sent through a Free key to improve its service. Case texts must not go there. The "
    "administration can configure a DeepL API Pro key, whose texts are deleted after "
    "translation."
)
FAILURES = {
    403: "Nothing was translated: DeepL refused KIM-Bot's access key. Please tell the "
    "administration (DEEPL_AUTH_KEY must be checked).",
    456: "Nothing was translated: the DeepL character quota for this billing period is used "
    "up. Please tell the administration, or request an interpreter with /interpreter.",
    429: "Nothing was translated: DeepL is busy right now. Please try again in a minute.",
    DISCONNECT: "Nothing was translated: DeepL cannot be reached at the moment. Please try "
    "again later.",
    500: "Nothing was translated: DeepL reported an error. Please try again later.",
}
CHARGED = (
    "<i>Machine translation: please check it before passing it on. {count} characters were "
    "charged to the translation fund.</i>"
)


@pytest.fixture(autouse=True)
def _translate_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot with /translate among its capabilities, as bot/app.py is to list it."""
    if translate not in app.CAPABILITIES:
        monkeypatch.setattr(app, "CAPABILITIES", (translate, *app.CAPABILITIES))


def with_deepl(settings: Settings, fake: FakeDeepL, key: str = PRO_KEY, **more: Any) -> Settings:
    return settings.model_copy(update={"deepl_auth_key": key, "deepl_server_url": fake.url, **more})


async def staffed(bot: BotHarness) -> BotHarness:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    return bot


@pytest.fixture
async def deepl_bot(
    settings: Settings, time: FakeTime, fake_deepl: FakeDeepL
) -> AsyncIterator[BotHarness]:
    """The bot with a DeepL Pro key for the fake server, a case manager and a coordinator."""
    async with BotHarness(with_deepl(settings, fake_deepl), time) as bot:
        yield await staffed(bot)


async def machine_rows(bot: BotHarness) -> list[dict[str, Any]]:
    rows = await bot.storage.db.fetch_all("SELECT * FROM machine_translations ORDER BY id")
    return [dict(row) for row in rows]


async def stored_anywhere(bot: BotHarness, fragment: str) -> list[str]:
    """The tables in which any value contains `fragment`."""
    tables = await bot.storage.db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    found = []
    for table in tables:
        for row in await bot.storage.db.fetch_all(f'SELECT * FROM "{table["name"]}"'):
            if any(fragment in str(value) for value in tuple(row)):
                found.append(table["name"])
    return found


async def spent_cents(bot: BotHarness) -> int:
    fund = await bot.storage.funds.translation_fund()
    return (await bot.storage.funds.figures(fund, TODAY)).spent_cents


def held_back_text(*kinds: PersonalData) -> str:
    with use_locale("de"):
        labels = [kind.label for kind in kinds]
    return de(HELD_BACK, kinds=" und ".join(labels))


# Translating ----------------------------------------------------------------------------


async def test_a_text_is_translated_and_its_characters_charged(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    text = "Bitte bringen Sie zum Termin Ihren Pass mit."

    reply = only_text(await deepl_bot.send(CASE_MANAGER, f"/translate uk {text}"))

    assert reply.splitlines() == [
        de("<b>{target}</b> (DeepL, from {source}):", target="Ukrainisch", source="Deutsch"),
        "",
        f"[UK] {text}",
        "",
        de(CHARGED, count=str(len(text))),
    ]
    [request] = fake_deepl.requests_to("translate")
    assert request.auth_key == PRO_KEY
    assert request.content_type == "application/json"
    assert request.params["text"] == [text]
    assert (request.params["target_lang"], request.params["formality"]) == ("UK", "prefer_more")
    fund = await deepl_bot.storage.funds.translation_fund()
    [row] = await machine_rows(deepl_bot)
    assert {key: row[key] for key in row if key not in {"id", "at"}} == {
        "fund_id": fund.id,
        "staff_id": CASE_MANAGER.id,
        "target_language": "uk",
        "characters": len(text),
        "cost_micro_cents": len(text) * 2000,
    }
    assert await stored_anywhere(deepl_bot, "Pass mit") == []


@pytest.mark.parametrize(
    ("language", "target"),
    [
        ("uk", "UK"),
        ("UK", "UK"),
        ("Ukrainisch", "UK"),
        ("ukrainian", "UK"),
        ("arabic", "AR"),
        ("Arabisch", "AR"),
        ("en", "EN-GB"),
        ("Englisch", "EN-GB"),
        ("en-us", "EN-US"),
        ("pt", "PT-PT"),
        ("PT-BR", "PT-BR"),
        ("Dari", "PRS"),
        ("Farsi", "FA"),
        ("de", "DE"),
    ],
)
async def test_the_language_is_given_by_code_or_name(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL, language: str, target: str
) -> None:
    await deepl_bot.send(CASE_MANAGER, f"/translate {language} Guten Morgen")

    [request] = fake_deepl.requests_to("translate")
    assert request.params["target_lang"] == target
    [row] = await machine_rows(deepl_bot)
    assert row["target_language"] == target.split("-")[0].lower()


async def test_an_answer_to_a_message_translates_that_message(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    bot = deepl_bot
    fake_deepl.detected_source_language = "UK"
    forwarded = bot.telegram.message_update(CASE_MANAGER, "Доброго дня! Коли мій термін?")
    update = bot.telegram.message_update(CASE_MANAGER, "/translate de")
    update["message"]["reply_to_message"] = forwarded["message"]

    reply = only_text(await bot.process(update))

    assert fake_deepl.translated_texts == ["Доброго дня! Коли мій термін?"]
    assert "[DE] Доброго дня! Коли мій термін?" in reply
    assert reply.startswith(
        de("<b>{target}</b> (DeepL, from {source}):", target="Deutsch", source="Ukrainisch")
    )


async def test_a_language_without_text_and_without_answered_message_asks_for_the_text(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    reply = only_text(await deepl_bot.send(CASE_MANAGER, "/translate uk"))

    assert reply == de(WHICH_TEXT, example=translate.EXAMPLE)
    assert fake_deepl.translated_texts == []


async def test_the_translation_is_escaped_for_html(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    reply = only_text(await deepl_bot.send(CASE_MANAGER, "/translate uk <b>Termin</b> & Pass"))

    assert "[UK] &lt;b&gt;Termin&lt;/b&gt; &amp; Pass" in reply
    assert fake_deepl.translated_texts == ["<b>Termin</b> & Pass"]


async def test_line_breaks_of_the_text_reach_deepl(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    await deepl_bot.send(CASE_MANAGER, "/translate uk Erste Zeile\nZweite Zeile")

    assert fake_deepl.translated_texts == ["Erste Zeile\nZweite Zeile"]


async def test_a_text_too_long_for_a_message_is_refused(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    reply = only_text(await deepl_bot.send(CASE_MANAGER, "/translate uk " + "a" * 2001))

    assert reply == de(
        "This text has {count} characters; /translate takes at most {limit}. Please split it, "
        "or request a written translation with /interpreter.",
        count="2.001",
        limit="2.000",
    )
    assert fake_deepl.translated_texts == []


# The language list and languages DeepL does not have ------------------------------------


async def test_translate_alone_lists_the_languages_and_marks_those_without_formality(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    listing = only_text(await deepl_bot.send(CASE_MANAGER, "/translate"))
    again = only_text(await deepl_bot.send(CASE_MANAGER, "/translate"))

    lines = listing.splitlines()
    assert lines[0] == de("<b>DeepL translates into</b>")
    for line in ("UK – Ukrainisch", "DE – Deutsch", "AR – Arabisch", "PT-BR – Portugiesisch"):
        assert line in lines
    for line in ("FA – Persisch *", "PRS – Dari *", "EN-GB – Englisch *"):
        assert line in lines
    languages = lines[1 : lines.index("")]
    assert len(languages) == len(TARGET_LANGUAGES)
    assert languages.index("AR – Arabisch") < languages.index("UK – Ukrainisch")
    assert de("* without a choice of formal address: DeepL uses its usual form.") in lines
    assert again == listing
    # Asked once, then from the cache; no text was sent.
    [request] = fake_deepl.requests_to("languages")
    assert (request.method, request.params) == ("GET", {"type": "target"})
    assert fake_deepl.requests_to("translate") == []


async def test_the_list_is_in_the_readers_language(
    settings: Settings, time: FakeTime, fake_deepl: FakeDeepL
) -> None:
    async with BotHarness(with_deepl(settings, fake_deepl), time) as bot:
        await bot.register(CASE_MANAGER, Role.CASE_MANAGER, locale="en")

        lines = only_text(await bot.send(CASE_MANAGER, "/translate")).splitlines()

    assert "UK – Ukrainian" in lines
    assert "PRS – Dari *" in lines


@pytest.mark.parametrize(
    ("language", "name"),
    [("Tigrinya", "Tigrinya"), ("tigrinisch", "Tigrinya"), ("Somali", "Somali")],
)
async def test_languages_deepl_cannot_translate_into_point_to_an_interpreter(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL, language: str, name: str
) -> None:
    reply = only_text(await deepl_bot.send(CASE_MANAGER, f"/translate {language} Guten Tag"))

    assert reply == de(CANNOT, language=name)
    assert fake_deepl.translated_texts == []
    assert await machine_rows(deepl_bot) == []


async def test_an_unknown_language_is_named_and_similar_ones_suggested(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    unknown = only_text(await deepl_bot.send(CASE_MANAGER, "/translate Hallo wie geht es"))
    close = only_text(await deepl_bot.send(CASE_MANAGER, "/translate ukr Guten Tag"))

    assert unknown.startswith(de(UNKNOWN, text="Hallo"))
    assert "/translate" in unknown
    assert close.startswith(de(UNKNOWN, text="ukr"))
    assert "UK (Ukrainisch)" in close
    assert fake_deepl.translated_texts == []


# Key configuration ----------------------------------------------------------------------


async def test_without_a_key_translation_is_not_configured(bot: BotHarness) -> None:
    await staffed(bot)

    assert only_text(await bot.send(CASE_MANAGER, "/translate uk Hallo")) == de(NOT_CONFIGURED)
    assert only_text(await bot.send(CASE_MANAGER, "/translate")) == de(NOT_CONFIGURED)
    assert bot.application.bot_data.translator is None


async def test_a_free_key_sends_no_case_text(
    settings: Settings, time: FakeTime, fake_deepl: FakeDeepL
) -> None:
    async with BotHarness(with_deepl(settings, fake_deepl, FREE_KEY), time) as bot:
        await staffed(bot)

        reply = only_text(await bot.send(CASE_MANAGER, "/translate uk Guten Tag"))
        listing = only_text(await bot.send(CASE_MANAGER, "/translate"))

        assert reply == de(FREE_REFUSED)
        assert fake_deepl.requests_to("translate") == []
        assert await machine_rows(bot) == []
        # The list of languages sends no case text.
        assert "UK – Ukrainisch" in listing


async def test_a_free_key_sends_texts_where_deepl_allow_free_says_so(
    settings: Settings, time: FakeTime, fake_deepl: FakeDeepL
) -> None:
    allowed = with_deepl(settings, fake_deepl, FREE_KEY, deepl_allow_free=True)
    async with BotHarness(allowed, time) as bot:
        await staffed(bot)

        reply = only_text(await bot.send(CASE_MANAGER, "/translate uk Guten Tag"))

        assert "[UK] Guten Tag" in reply
        assert fake_deepl.requests_to("translate")[0].auth_key == FREE_KEY
        assert len(await machine_rows(bot)) == 1


# The DeepL client module logs the Free-key warning.
LOGGER = "bot.translation.client"


async def test_a_free_key_is_warned_about_once_at_start_up(
    settings: Settings,
    time: FakeTime,
    fake_deepl: FakeDeepL,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        async with BotHarness(with_deepl(settings, fake_deepl, FREE_KEY), time):
            pass
        free_warnings = [record for record in caplog.records if record.name == LOGGER]
        caplog.clear()
        async with BotHarness(with_deepl(settings, fake_deepl), time):
            pass
        pro_warnings = [record for record in caplog.records if record.name == LOGGER]

    [warning] = free_warnings
    assert warning.levelno == logging.WARNING
    assert "Free key" in warning.getMessage()
    assert "may be used by DeepL to improve its service" in warning.getMessage()
    assert FREE_KEY not in warning.getMessage()
    assert pro_warnings == []


# Personal data --------------------------------------------------------------------------

PERSONAL = [
    ("Schreiben Sie an olena.k@example.org", PersonalData.EMAIL),
    ("Rufen Sie mich an: 0171 1234567", PersonalData.PHONE),
    ("Rückruf unter +49 2581 123456", PersonalData.PHONE),
    ("Überweisung auf DE89 3704 0044 0532 0130 00", PersonalData.IBAN),
    ("Kind geb. 12.03.19, Kita-Platz gesucht", PersonalData.BIRTH_DATE),
    ("Herr K. ist am 01.02.1990 geboren", PersonalData.BIRTH_DATE),
    ("Termin für F-0042 morgen", PersonalData.FAMILY_CODE),
]


@pytest.mark.parametrize(("text", "kind"), PERSONAL)
async def test_personal_data_holds_the_text_back_until_send_anyway(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL, text: str, kind: PersonalData
) -> None:
    bot = deepl_bot

    [warning] = await bot.send(CASE_MANAGER, f"/translate uk {text}")

    assert warning.text == held_back_text(kind)
    assert [button["text"] for button in warning.buttons] == [de("Send anyway"), de("Cancel")]
    assert fake_deepl.translated_texts == []
    assert await machine_rows(bot) == []
    assert await stored_anywhere(bot, text) == []

    sent = await bot.press(CASE_MANAGER, de("Send anyway"))

    assert [call.method for call in sent] == [
        "answerCallbackQuery",
        "editMessageReplyMarkup",
        "sendMessage",
    ]
    assert f"[UK] {text}" in sent[2].text
    assert fake_deepl.translated_texts == [text]
    [row] = await machine_rows(bot)
    assert row["characters"] == len(text)
    assert await stored_anywhere(bot, text) == []
    assert bot.application.user_data[CASE_MANAGER.id].pending_translation is None
    assert "translation.personal_data_sent" in await bot.storage.audit.actions(CASE_MANAGER.id)


async def test_several_kinds_are_all_named(deepl_bot: BotHarness) -> None:
    reply = only_text(
        await deepl_bot.send(CASE_MANAGER, "/translate ar F-0042: Mail an a.b@example.org")
    )

    assert reply == held_back_text(PersonalData.EMAIL, PersonalData.FAMILY_CODE)


async def test_cancel_sends_nothing_and_forgets_the_text(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    bot = deepl_bot
    text = "Rufen Sie mich an: 0171 1234567"
    await bot.send(CASE_MANAGER, f"/translate uk {text}")
    send_button = bot.telegram.find_button(CASE_MANAGER.id, de("Send anyway"))

    cancelled = await bot.press(CASE_MANAGER, de("Cancel"))

    assert [call.method for call in cancelled] == ["answerCallbackQuery", "editMessageText"]
    assert cancelled[1].text == de(CANCELLED)
    assert bot.application.user_data[CASE_MANAGER.id].pending_translation is None
    # The warning's Send anyway, pressed after Cancel, sends nothing either.
    message_id, button = send_button
    late = await bot.process(
        bot.telegram.callback_update(CASE_MANAGER, message_id, button["callback_data"])
    )
    assert late[0].params["show_alert"] is True
    assert fake_deepl.translated_texts == []
    assert await machine_rows(bot) == []
    assert await stored_anywhere(bot, text) == []


async def test_an_older_warnings_button_does_not_send_a_newer_text(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    bot = deepl_bot
    await bot.send(CASE_MANAGER, "/translate uk Mail an a@example.org")
    older = bot.telegram.find_button(CASE_MANAGER.id, de("Send anyway"))
    await bot.send(CASE_MANAGER, "/translate uk Telefon 0171 1234567")

    message_id, button = older
    stale = await bot.process(
        bot.telegram.callback_update(CASE_MANAGER, message_id, button["callback_data"])
    )
    assert texts(stale) == [de("This button is no longer active.")]
    assert fake_deepl.translated_texts == []

    await bot.press(CASE_MANAGER, de("Send anyway"))
    assert fake_deepl.translated_texts == ["Telefon 0171 1234567"]


async def test_a_text_without_personal_data_goes_straight_through(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    text = "Der Termin ist am 15.12.2026 um 10:30 in Raum 12, bitte 3 Kopien mitbringen."

    [reply] = await deepl_bot.send(CASE_MANAGER, f"/translate uk {text}")

    assert reply.buttons == []
    assert fake_deepl.translated_texts == [text]


# DeepL failures -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 456, 429, DISCONNECT, 500])
async def test_a_deepl_failure_is_explained_nothing_recorded_and_the_bot_goes_on(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL, status: int
) -> None:
    bot = deepl_bot
    fake_deepl.fail_next(status)

    failed = only_text(await bot.send(CASE_MANAGER, "/translate uk Guten Tag"))

    assert failed == de(FAILURES[status])
    assert await machine_rows(bot) == []
    assert await spent_cents(bot) == 0
    # The next message is answered as usual.
    assert "[UK] Bis morgen" in only_text(await bot.send(CASE_MANAGER, "/translate uk Bis morgen"))
    assert len(await machine_rows(bot)) == 1


async def test_a_failure_listing_the_languages_is_explained_and_asked_again_next_time(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL
) -> None:
    fake_deepl.fail_next(403, endpoint="languages")

    failed = only_text(await deepl_bot.send(CASE_MANAGER, "/translate uk Guten Tag"))
    listing = only_text(await deepl_bot.send(CASE_MANAGER, "/translate"))

    assert failed == de(FAILURES[403])
    assert fake_deepl.translated_texts == []
    assert "UK – Ukrainisch" in listing


# The translation fund -------------------------------------------------------------------


async def test_the_fund_is_charged_to_the_micro_cent(deepl_bot: BotHarness) -> None:
    bot = deepl_bot

    await bot.send(CASE_MANAGER, "/translate uk " + "Hallo" * 200)
    after_thousand = await spent_cents(bot)
    await bot.send(COORDINATOR, "/translate ar " + "x" * 10)
    after_ten_more = await spent_cents(bot)

    # 20 EUR per million characters: 1,000 characters are 2 cents; 10 more are 0.02 cents,
    # which round the sum up to 3 cents.
    assert (after_thousand, after_ten_more) == (2, 3)
    rows = await machine_rows(bot)
    assert [(row["staff_id"], row["characters"], row["cost_micro_cents"]) for row in rows] == [
        (CASE_MANAGER.id, 1000, 2_000_000),
        (COORDINATOR.id, 10, 20_000),
    ]
    assert await bot.storage.translations.characters_by_staff() == {
        CASE_MANAGER.id: 1000,
        COORDINATOR.id: 10,
    }


async def test_an_adjusted_deepl_rate_is_charged(deepl_bot: BotHarness) -> None:
    bot = deepl_bot
    await bot.send(ADMIN, "/rates deepl 25")

    await bot.send(CASE_MANAGER, "/translate uk " + "x" * 1000)

    [row] = await machine_rows(bot)
    assert row["cost_micro_cents"] == 1000 * 2500


async def test_coordinators_are_alerted_when_translations_use_up_the_fund(
    settings: Settings, time: FakeTime, fake_deepl: FakeDeepL
) -> None:
    tiny = with_deepl(settings, fake_deepl, translation_fund_eur=Decimal("0.04"))
    async with BotHarness(tiny, time) as bot:
        await staffed(bot)

        calls = await bot.send(CASE_MANAGER, "/translate uk " + "x" * 1000)

    [alert] = [call for call in calls if call.params.get("chat_id") == COORDINATOR.id]
    assert "50 %" in alert.text


# Who may translate ----------------------------------------------------------------------


@pytest.mark.parametrize("person", [CASE_MANAGER, COORDINATOR])
async def test_case_managers_and_coordinators_translate(
    deepl_bot: BotHarness, fake_deepl: FakeDeepL, person: Person
) -> None:
    assert "[UK] Hallo" in only_text(await deepl_bot.send(person, "/translate uk Hallo"))


async def test_admins_are_refused_by_the_gate(deepl_bot: BotHarness, fake_deepl: FakeDeepL) -> None:
    reply = only_text(await deepl_bot.send(ADMIN, "/translate uk Hallo"))

    role = german_label(Role.ADMIN)
    assert reply == de(
        "/{command} is not available to your role ({role}). /help lists your commands.",
        command="translate",
        role=role,
    )
    assert fake_deepl.requests == []


# The fake server speaks the client's protocol --------------------------------------------


async def test_the_fake_answers_the_official_client_and_form_bodies(
    fake_deepl: FakeDeepL,
) -> None:
    client = deepl.DeepLClient(PRO_KEY, server_url=fake_deepl.url)
    try:
        await _in_thread(client.translate_text, "Hallo", target_lang="UK")
        usage = await _in_thread(client.get_usage)
        sources = await _in_thread(client.get_source_languages)
        targets = await _in_thread(client.get_target_languages)
    finally:
        client.close()
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{fake_deepl.url}/v2/translate",
            data={"text": "Tschüss", "target_lang": "tr"},
            headers={"Authorization": f"DeepL-Auth-Key {PRO_KEY}"},
        ) as response,
    ):
        form_answer = await response.json()

    assert (usage.character.count, usage.character.limit) == (5, 1_000_000)
    assert {language.code for language in sources} >= {"DE", "UK", "EN"}
    assert {language.code for language in targets} == TARGETS
    assert form_answer == {
        "translations": [
            {"detected_source_language": "DE", "text": "[TR] Tschüss", "billed_characters": 7}
        ]
    }
    assert fake_deepl.translated_texts == ["Hallo", "Tschüss"]


async def test_the_fake_refuses_requests_without_key(fake_deepl: FakeDeepL) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{fake_deepl.url}/v2/translate", json={"text": ["x"], "target_lang": "UK"}
        ) as response,
    ):
        assert response.status == 403


async def _in_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(function, *args, **kwargs)


# Resolving languages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "target"),
    [
        ("uk", "UK"),
        ("UK", "UK"),
        ("Ukrainisch", "UK"),
        ("ukrainian", "UK"),
        ("arabic", "AR"),
        ("en", "EN-GB"),
        ("EN", "EN-GB"),
        ("Englisch", "EN-GB"),
        ("english", "EN-GB"),
        ("en-us", "EN-US"),
        ("pt", "PT-PT"),
        ("Portugiesisch", "PT-PT"),
        ("pt-br", "PT-BR"),
        ("zh", "ZH-HANS"),
        ("Chinesisch", "ZH-HANS"),
        ("Dari", "PRS"),
        ("Persisch", "FA"),
        ("Kurmandschi", "KMR"),
        ("Sorani", "CKB"),
        (" tr ", "TR"),
    ],
)
def test_resolve_target(typed: str, target: str) -> None:
    assert resolve_target(typed, TARGETS) == target


@pytest.mark.parametrize(
    ("typed", "code", "name"),
    [("Tigrinya", "ti", "Tigrinya"), ("ti", "ti", "Tigrinya"), ("Somali", "so", "Somali")],
)
def test_languages_without_deepl_target_are_refused_with_the_interpreter(
    typed: str, code: str, name: str
) -> None:
    with use_locale("de"), pytest.raises(UnsupportedTargetError) as raised:
        resolve_target(typed, TARGETS)

    assert raised.value.code == code
    assert raised.value.message == de(CANNOT, language=name)


def test_a_target_missing_from_deepls_list_is_unsupported() -> None:
    with use_locale("de"), pytest.raises(UnsupportedTargetError):
        resolve_target("pt", TARGETS - {"PT-PT"})


@pytest.mark.parametrize("typed", ["Elbisch", "xx", "EN-XX", "<b>"])
def test_unknown_languages_are_named_escaped(typed: str) -> None:
    with use_locale("de"), pytest.raises(UnknownLanguageError) as raised:
        resolve_target(typed, TARGETS)

    assert "<b>" not in raised.value.message


# Finding personal data ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Schreiben Sie an max.muster@example.org.", PersonalData.EMAIL),
        ("olena_k+kim@mail.example.com.ua", PersonalData.EMAIL),
        ("Tel. 0171 1234567", PersonalData.PHONE),
        ("Tel.:0171 1234567.", PersonalData.PHONE),
        ("Ruf an: +49 2581 123456", PersonalData.PHONE),
        ("+49 (0) 2581 123456", PersonalData.PHONE),
        ("+491711234567", PersonalData.PHONE),
        ("0049 171 1234567", PersonalData.PHONE),
        ("+380 44 123 4567", PersonalData.PHONE),
        ("02581/123456", PersonalData.PHONE),
        ("(02581) 123456", PersonalData.PHONE),
        ("0171-123 45 67", PersonalData.PHONE),
        ("01711234567", PersonalData.PHONE),
        ("IBAN DE89 3704 0044 0532 0130 00 bitte", PersonalData.IBAN),
        ("DE89370400440532013000", PersonalData.IBAN),
        ("de89 3704 0044 0532 0130 00", PersonalData.IBAN),
        # A typo breaks the checksum, not the length: still an IBAN.
        ("DE12 3704 0044 0532 0130 01", PersonalData.IBAN),
        ("AT61 1904 3002 3457 3201", PersonalData.IBAN),
        ("am 01.02.1990 eingereist", PersonalData.BIRTH_DATE),
        ("Geburtsdatum 1985-03-04", PersonalData.BIRTH_DATE),
        ("seit 3/4/2021 hier", PersonalData.BIRTH_DATE),
        ("geb. 12.03.85", PersonalData.BIRTH_DATE),
        ("geboren am 3.4.", PersonalData.BIRTH_DATE),
        ("born in 1990", PersonalData.BIRTH_DATE),
        ("DOB: 04/03/85", PersonalData.BIRTH_DATE),
        ("F-0042", PersonalData.FAMILY_CODE),
        ("F42 kommt morgen", PersonalData.FAMILY_CODE),
        ("Familie f-12", PersonalData.FAMILY_CODE),
    ],
)
def test_personal_data_is_found(text: str, kind: PersonalData) -> None:
    assert find_personal_data(text, TODAY) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Termin um 10:30 in Raum 12",
        "Öffnungszeiten 08:00-12:00 Uhr",
        "Von 9-12 und 14-16 Uhr",
        "Bitte 3 Kopien mitbringen",
        "Aktenzeichen 12345",
        "Zimmer 0815",
        "Postleitzahl 48231, in Sachsen 01067",
        "Sie bekommen 1.234,50 € im Monat, Gebühr 0,50 €",
        "Am 15.12.2026 um 9 Uhr",
        "Die Frist endet 2026-12-31",
        "seit 2019 in Deutschland",
        "Kinder: 3 (4, 7 und 12 Jahre)",
        "Geb. 3, Raum 12",
        "Gebäude B, geboren in Kyjiw",
        "@kim_bot hilft",
        "Buslinie R11, Formular A4",
        "Bus 10 Uhr, 2 Euro, 3 Kinder, 2024 bis 2026",
        "Frage 42 im Formular",
    ],
)
def test_ordinary_text_has_no_personal_data(text: str) -> None:
    assert find_personal_data(text, TODAY) == []


def test_a_date_with_year_counts_as_birth_date_only_when_past() -> None:
    assert find_personal_data("Termin am 23.11.2026", TODAY) == [PersonalData.BIRTH_DATE]
    assert find_personal_data("Termin am 25.11.2026", TODAY) == []
    assert find_personal_data("Termin am 31.02.1990", TODAY) == []


def test_every_kind_is_named_once_in_a_fixed_order() -> None:
    text = (
        "F-0042, 0171 1234567, a@b.de, geb. 1.2.1990, 0171 7654321, DE89370400440532013000, "
        "Pass-Nr. C01X00T47, Diabetes, Lindenweg 7, Frau Kovalenko"
    )

    assert find_personal_data(text, TODAY) == list(PersonalData)
