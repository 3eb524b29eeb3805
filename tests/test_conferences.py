"""Case conferences and cross-case meetings: /conference in one line and as a dialog,
/conferences, the family card, follow-ups, the figures, erasure and the Art. 15 export, and
what staff of the immigration and naturalisation offices may see.

The harness starts on Tuesday 24.11.2026, 09:00 in Berlin (ISO week 48).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.casework.conferences import (
    ConferenceCounts,
    ConferenceDraft,
    ConferenceKind,
    Participant,
    parse_conference,
)
from bot.casework.vocabulary import Topic
from bot.core.offline import Person
from bot.handlers.followups import JOB_NAME
from bot.privacy.personal_data import PersonalData
from bot.reporting.periods import PeriodKind, period_containing
from bot.staff.roles import Role, Team
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.calls import sent_to
from tests.helpers.dates import berlin, berlin_midnight
from tests.helpers.harness import BotHarness, only_text, texts
from tests.test_dataexport import uploads
from tests.test_personal_data_held import PERSONAL_NOTE, held_text, kept_audit

ABH = Person(1010, "Bernd", "bernd_abh", "de")
EBH = Person(1011, "Elif", "elif_ebh", "en")

QUICK = (
    "/conference 24.11. ABH,CM F-0001 Aufenthalt 60 next 03.12. Absprache: "
    "Termin zur Fiktionsbescheinigung"
)
NOT_LINKABLE = (
    "{code} lässt sich nicht verknüpfen: Es gibt keine laufende Familie mit diesem Code. "
    "Bitte prüfen Sie den Code mit der Case Manager*in, von der Sie ihn haben."
)


@pytest.fixture
async def county(bot: BotHarness) -> BotHarness:
    """Anna with F-0001 and F-0002, Oksana with F-0003 (closed), a coordinator, and one
    colleague each of the immigration (German) and naturalisation office (English)."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(ABH, Role.CASE_MANAGER, Team.IMMIGRATION_OFFICE)
    await bot.register(EBH, Role.CASE_MANAGER, Team.NATURALISATION_OFFICE, locale="en")
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 5 ar")
    await bot.send(COLLEAGUE, "/newfamily Telgte UA 2 uk")
    await bot.send(COLLEAGUE, "/closefamily F-0003 Umzug")
    return bot


async def links(bot: BotHarness) -> list[tuple]:
    rows = await bot.storage.db.fetch_all(
        "SELECT conference_id, family_id, follow_up_on FROM conference_families ORDER BY id"
    )
    return [tuple(row) for row in rows]


# The one-line form ----------------------------------------------------------------------


async def test_the_quick_form_stores_the_conference_and_the_follow_up(county: BotHarness) -> None:
    bot = county

    reply = only_text(await bot.send(CASE_MANAGER, QUICK))

    assert reply == (
        "✅ Konferenz #1 gespeichert:\n"
        "Fallkonferenz · 24.11.2026 · 1 Std.\n"
        "Beteiligt: Case Management und Ausländerbehörde\n"
        "Familien: F-0001\n"
        "Themen: Aufenthalt/Asyl\n"
        "Absprachen: Termin zur Fiktionsbescheinigung\n"
        "Wiedervorlage: 03.12.2026\n"
        "Wiedervorlage am 03.12.2026 für F-0001 eingetragen; /due zeigt sie."
    )
    conference = await bot.storage.conferences.get(1)
    assert conference is not None and conference.minutes == 60
    assert conference.agreements == "Termin zur Fiktionsbescheinigung"
    assert await links(bot) == [(1, 1, "2026-12-03")]
    assert await kept_audit(bot, "conference.link") == [("F-0001", "1")]
    # The follow-up is the followups capability's: /due lists it, the morning reminds it.
    bot.time.now = berlin(2026, 12, 1, 9)
    assert only_text(await bot.send(CASE_MANAGER, "/due")) == (
        "<b>Ihre Wiedervorlagen</b>\n03.12.2026: F-0001 (Fallkonferenz vom 24.11.2026)"
    )


async def test_the_conference_follow_up_is_reminded_once_and_settled_by_a_contact(
    county: BotHarness,
) -> None:
    bot = county
    await bot.send(CASE_MANAGER, QUICK)
    await bot.send(CASE_MANAGER, "/conference ABH F-0002 arbeit 30 next 03.12.")

    bot.time.now = berlin(2026, 12, 3, 8, 0)
    await bot.send(CASE_MANAGER, "/log F-0002 30m telefon arbeit")
    due = await bot.run_job(JOB_NAME)
    again = await bot.run_job(JOB_NAME)

    # F-0002 had a contact on the day: its follow-up is settled; F-0001's is reminded once.
    assert sent_to(due) == [("sendMessage", CASE_MANAGER.id)]
    assert due[0].text == (
        "Wiedervorlage fällig: F-0001, für den 03.12.2026 vorgesehen bei der Fallkonferenz "
        "vom 24.11.2026. /family F-0001 zeigt die Akte."
    )
    assert again == []


async def test_a_cross_case_meeting_needs_no_family(county: BotHarness) -> None:
    bot = county

    reply = only_text(
        await bot.send(COORDINATOR, "/conference übergreifend ABH,EBH,jobcenter einbürgerung 90")
    )

    assert reply == (
        "✅ Konferenz #1 gespeichert:\n"
        "fallübergreifendes Treffen · 24.11.2026 · 1 Std., 30 Min.\n"
        "Beteiligt: Koordination, Ausländerbehörde, Einbürgerungsbehörde und Partner "
        "(Jobcenter)\n"
        "Familien: keine\n"
        "Themen: Einbürgerung"
    )
    assert await links(bot) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/conference ABH F-0001 aufenthalt",
            "Wie lange dauerte die Konferenz? Ergänzen Sie eine Dauer wie 60 oder 1,5h. "
            "Beispiel: /conference 24.11. ABH,CM F-0042 Aufenthalt 60 Absprache: Termin zur "
            "Fiktionsbescheinigung",
        ),
        (
            "/conference ABH,Bürgermeister F-0001 aufenthalt 60",
            "„ABH,Bürgermeister“ habe ich nicht verstanden. Teams: ABH, EBH, CM, Koordination, "
            "Partner; Beispiel: /conference 24.11. ABH,CM F-0042 Aufenthalt 60 Absprache: "
            "Termin zur Fiktionsbescheinigung",
        ),
        (
            "/conference übergreifend ABH aufenthalt 60 next 03.12.",
            "Eine Wiedervorlage braucht eine Familie: Ergänzen Sie ihren Code (z. B. F-0042) "
            "oder lassen Sie die Wiedervorlage weg. Beispiel: /conference 24.11. ABH,CM F-0042 "
            "Aufenthalt 60 Absprache: Termin zur Fiktionsbescheinigung",
        ),
    ],
)
async def test_a_quick_form_that_lacks_something_says_what_and_stores_nothing(
    county: BotHarness, text: str, expected: str
) -> None:
    bot = county

    assert only_text(await bot.send(CASE_MANAGER, text)) == expected
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM conferences") == 0


async def test_agreements_with_personal_data_are_held_back(county: BotHarness) -> None:
    bot = county

    text = f"/conference ABH F-0001 gesundheit 30: {PERSONAL_NOTE}"

    [warning] = await bot.send(CASE_MANAGER, text)
    assert warning.text == held_text(PersonalData.NAME, PersonalData.HEALTH)
    assert await bot.storage.conferences.get(1) is None

    await bot.press(CASE_MANAGER, "Trotzdem speichern")

    assert (await bot.storage.conferences.get(1)).agreements == PERSONAL_NOTE
    assert [subject for subject, _ in await kept_audit(bot, "conference.personal_data_kept")] == [
        None
    ]


async def test_the_same_update_delivered_twice_stores_once(county: BotHarness) -> None:
    bot = county
    update = bot.telegram.message_update(CASE_MANAGER, "/conference ABH F-0001 aufenthalt 45")

    await bot.process(update)
    again = texts(await bot.process(update))

    assert again[0].startswith("Diese Konferenz wurde bereits gespeichert:")
    assert (await bot.storage.conferences.recent(None, 10))[1] == 1


@pytest.mark.parametrize(
    ("arguments", "team", "expected"),
    [
        (
            "yesterday cross immigration,coordination,partners work 1,5h agreed: checklist",
            Team.COORDINATION,
            ConferenceDraft(
                held_on=date(2026, 11, 23),
                kind=ConferenceKind.CROSS_CASE,
                participants=(
                    Participant.COORDINATION,
                    Participant.IMMIGRATION_OFFICE,
                    Participant.PARTNERS,
                ),
                topics=(Topic.WORK,),
                minutes=90,
                agreements="checklist",
            ),
        ),
        (
            "вчора кейс імміграційна,кейсменеджмент F-0042 перебування 60 домовленості: Термін",
            Team.CASE_MANAGEMENT,
            ConferenceDraft(
                held_on=date(2026, 11, 23),
                kind=ConferenceKind.CASE,
                participants=(Participant.CASE_MANAGEMENT, Participant.IMMIGRATION_OFFICE),
                family_ids=(42,),
                topics=(Topic.RESIDENCE,),
                minutes=60,
                agreements="Термін",
            ),
        ),
        (
            # The naturalisation office takes part as the recorder's team; a service word in
            # a list with a team is a partner, named by its label.
            "F-7 F-0007 F-8 abh,sozialamt einbürgerung,sprache 45 min wv 01.12.",
            Team.NATURALISATION_OFFICE,
            ConferenceDraft(
                held_on=date(2026, 11, 24),
                kind=ConferenceKind.CASE,
                participants=(
                    Participant.IMMIGRATION_OFFICE,
                    Participant.NATURALISATION_OFFICE,
                    Participant.PARTNERS,
                ),
                partner_name="Sozialamt",  # the label in the language of the recorder
                family_ids=(7, 8),
                topics=(Topic.LANGUAGE, Topic.NATURALISATION),
                minutes=45,
                follow_up_on=date(2026, 12, 1),
            ),
        ),
    ],
)
def test_the_quick_form_reads_german_english_and_ukrainian_words(
    arguments: str, team: Team, expected: ConferenceDraft
) -> None:
    assert parse_conference(arguments, date(2026, 11, 24), team) == expected


# Who may link which family ----------------------------------------------------------------


async def test_a_case_manager_links_only_own_active_families(county: BotHarness) -> None:
    bot = county

    colleague = only_text(await bot.send(CASE_MANAGER, "/conference ABH F-0003 aufenthalt 45"))

    assert colleague == (
        "F-0003 gehört nicht zu Ihren Fällen. Falls doch, bitten Sie die Koordination um "
        "Übergabe an Sie."
    )
    assert await links(bot) == []


async def test_office_staff_link_any_active_family_and_learn_nothing_about_it(
    county: BotHarness,
) -> None:
    bot = county

    unknown = only_text(await bot.send(ABH, "/conference F-0009 aufenthalt 45"))
    closed = only_text(await bot.send(ABH, "/conference F-0003 aufenthalt 45"))
    linked = only_text(await bot.send(ABH, "/conference F-0002 aufenthalt 45 next 03.12."))

    # Unknown and closed read the same: "closed on …" would tell about someone else's case.
    assert unknown == NOT_LINKABLE.format(code="F-0009")
    assert closed == NOT_LINKABLE.format(code="F-0003")
    # Only the code typed comes back: no town, no case manager; no follow-up (no caseload).
    assert linked == (
        "✅ Konferenz #1 gespeichert:\n"
        "Fallkonferenz · 24.11.2026 · 45 Min.\n"
        "Beteiligt: Ausländerbehörde\n"
        "Familien: F-0002\n"
        "Themen: Aufenthalt/Asyl\n"
        "Wiedervorlage: 03.12.2026\n"
        "Keine Wiedervorlage eingetragen: Keine der verknüpften Familien gehört zu Ihren Fällen."
    )
    assert await links(bot) == [(1, 2, None)]
    # The family card stays closed to them; its case manager sees the conference on it.
    assert "Ahlen" not in only_text(await bot.send(ABH, "/family F-0002"))
    card = only_text(await bot.send(CASE_MANAGER, "/family F-0002"))
    assert card.endswith(
        "<b>Letzte Fallkonferenzen</b>\n"
        "#1 24.11.2026 · Fallkonferenz · Ausländerbehörde · 45 Min.\n"
        "   Aufenthalt/Asyl"
    )


async def test_office_staff_are_answered_in_their_language(county: BotHarness) -> None:
    bot = county

    reply = only_text(await bot.send(EBH, "/conference F-0003 einbürgerung 30"))

    assert reply == (
        "F-0003 cannot be linked: there is no active family with this code. Please check the "
        "code with the case manager who gave it to you."
    )


async def test_conferences_lists_own_for_staff_and_all_for_coordinators(
    county: BotHarness,
) -> None:
    bot = county
    await bot.send(ABH, "/conference F-0002 aufenthalt 45")
    await bot.send(CASE_MANAGER, "/conference CM,EBH F-0001 einbürgerung 30: Antrag vorbereiten")

    own = only_text(await bot.send(ABH, "/conferences"))
    everyone = only_text(await bot.send(COORDINATOR, "/conferences"))
    nothing = only_text(await bot.send(COLLEAGUE, "/conferences"))

    first = (
        "#1 24.11.2026 · Fallkonferenz · Ausländerbehörde · 45 Min. · F-0002\n   Aufenthalt/Asyl"
    )
    second = (
        "#2 24.11.2026 · Fallkonferenz · Case Management und Einbürgerungsbehörde · 30 Min. · "
        "F-0001\n   Einbürgerung\n   <i>Antrag vorbereiten</i>"
    )
    assert own == f"<b>Ihre letzten Konferenzen und Treffen</b> (1)\n{first}"
    assert everyone == f"<b>Letzte Konferenzen und Treffen</b> (2)\n{second}\n{first}"
    assert nothing == "Noch keine Konferenzen erfasst. /conference erfasst eine."


async def test_conferences_page_with_arrows(county: BotHarness) -> None:
    bot = county
    for _number in range(9):
        await bot.send(COORDINATOR, "/conference übergreifend arbeit 30")

    first = only_text(await bot.send(COORDINATOR, "/conferences"))
    second = only_text(await bot.press(COORDINATOR, "▶"))

    # 9 conferences, 8 a page: #9 … #2 on page 1, #1 on page 2.
    assert first.splitlines()[0] == "<b>Letzte Konferenzen und Treffen</b> (9) · Seite 1 von 2"
    assert first.count("\n#") == 8
    assert second.splitlines()[1].startswith("#1 24.11.2026")


# The dialog -------------------------------------------------------------------------------


async def test_the_dialog_asks_step_by_step_and_saves(county: BotHarness) -> None:
    bot = county
    await bot.send(CASE_MANAGER, "/conference")
    await bot.press(CASE_MANAGER, "Gestern")
    await bot.press(CASE_MANAGER, "Fallkonferenz")
    await bot.press(CASE_MANAGER, "Ausländerbehörde")
    await bot.press(CASE_MANAGER, "Partner")
    await bot.press(CASE_MANAGER, "Fertig")
    await bot.send(CASE_MANAGER, "Sozialamt Ahlen")
    await bot.send(CASE_MANAGER, "F-0001, F-0002")
    await bot.press(CASE_MANAGER, "Wohnen")
    await bot.press(CASE_MANAGER, "Fertig")
    await bot.press(CASE_MANAGER, "1 Std., 30 Min.")
    await bot.send(CASE_MANAGER, "Wohnungsangebot wird geprüft")
    confirm = only_text(await bot.press(CASE_MANAGER, "in 2 Wochen"))

    assert confirm == (
        "Bitte prüfen und speichern:\n\n"
        "Fallkonferenz · 23.11.2026 · 1 Std., 30 Min.\n"
        "Beteiligt: Case Management, Ausländerbehörde und Partner (Sozialamt Ahlen)\n"
        "Familien: F-0001 und F-0002\n"
        "Themen: Wohnen\n"
        "Absprachen: Wohnungsangebot wird geprüft\n"
        "Wiedervorlage: 08.12.2026"
    )
    saved = texts(await bot.press(CASE_MANAGER, "Speichern"))
    assert saved[-1].endswith(
        "Wiedervorlage am 08.12.2026 für F-0001 und F-0002 eingetragen; /due zeigt sie."
    )
    assert await links(bot) == [(1, 1, "2026-12-08"), (1, 2, "2026-12-08")]


async def test_the_dialog_asks_no_follow_up_without_own_families(county: BotHarness) -> None:
    bot = county
    await bot.send(ABH, "/conference")
    await bot.press(ABH, "Heute")
    await bot.press(ABH, "fallübergreifendes Treffen")
    await bot.press(ABH, "Fertig")
    await bot.press(ABH, "Ohne Familie")
    await bot.press(ABH, "Aufenthalt/Asyl")
    await bot.press(ABH, "Fertig")
    await bot.press(ABH, "1 Std.")

    confirm = only_text(await bot.press(ABH, "Überspringen"))

    assert confirm == (
        "Bitte prüfen und speichern:\n\n"
        "fallübergreifendes Treffen · 24.11.2026 · 1 Std.\n"
        "Beteiligt: Ausländerbehörde\n"
        "Familien: keine\n"
        "Themen: Aufenthalt/Asyl"
    )


# Figures, erasure, export -------------------------------------------------------------------


async def test_the_figures_count_conferences_by_kind_and_office(county: BotHarness) -> None:
    bot = county
    # Week 47 (16.–22.11.): one case conference with the ABH.
    await bot.send(CASE_MANAGER, "/conference 20.11. ABH F-0001 aufenthalt 60")
    # Week 48: three case conferences (ABH and EBH; ABH; CM only) and one cross-case meeting.
    await bot.send(CASE_MANAGER, "/conference ABH,EBH F-0001 einbürgerung 45")
    await bot.send(ABH, "/conference F-0002 aufenthalt 30")
    await bot.send(CASE_MANAGER, "/conference F-0002 wohnen 30")
    await bot.send(COORDINATOR, "/conference übergreifend ABH,EBH einbürgerung 90")

    week = only_text(await bot.send(COORDINATOR, "/week"))
    week_48 = period_containing(PeriodKind.WEEK, date(2026, 11, 23))
    figures = await bot.storage.figures.period(
        week_48, berlin_midnight(week_48.start), berlin_midnight(week_48.end)
    )
    counts = figures.conferences

    # Case conferences 3 (3 − 1 = +2), with ABH 2 (the first two), with EBH 1; cross-case 1
    # (+1); minutes 45 + 30 + 30 + 90 = 195.
    assert counts == ConferenceCounts(3, 2, 1, 1, 195)
    assert (
        "Fallkonferenzen: 3 (+2) (davon mit Ausländerbehörde 2, mit Einbürgerungsbehörde 1) · "
        "fallübergreifende Treffen: 1 (+1)"
    ) in week.splitlines()
    # Anna's own figures count what she recorded: 2 this week, 1 the week before.
    mine = only_text(await bot.send(CASE_MANAGER, "/week"))
    assert (
        "Fallkonferenzen: 2 (+1) (davon mit Ausländerbehörde 1, mit Einbürgerungsbehörde 1) · "
        "fallübergreifende Treffen: 0 (±0)"
    ) in mine.splitlines()


async def test_forget_unlinks_the_family_and_the_conference_still_counts(
    county: BotHarness,
) -> None:
    bot = county
    await bot.send(CASE_MANAGER, QUICK)
    await bot.send(COORDINATOR, "/conference F-0002 wohnen 30")
    await bot.send(CASE_MANAGER, "/closefamily F-0001 Umzug")
    week = only_text(await bot.send(COORDINATOR, "/week"))

    question = only_text(await bot.send(ADMIN, "/forget F-0001"))
    await bot.press(ADMIN, "Jetzt löschen")

    assert (
        "• 1 Verknüpfung mit einer Fallkonferenz, samt deren Absprachen (die Konferenz selbst "
        "zählt weiter)"
    ) in question.splitlines()
    conference = await bot.storage.conferences.get(1)
    assert conference.family_ids == () and conference.agreements == ""
    assert await links(bot) == [(1, None, None), (2, 2, None)]
    assert await bot.storage.conferences.for_family(1) == []
    # Counted as before: 2 case conferences this week, the erased link's among them.
    assert only_text(await bot.send(COORDINATOR, "/week")) == week
    assert "Fallkonferenzen: 2 (+2)" in week


async def test_refused_codes_of_office_staff_are_audited(county: BotHarness) -> None:
    bot = county

    await bot.send(ABH, "/conference F-0003 F-0001 aufenthalt 45")
    await bot.send(ABH, "/conference F-0777 aufenthalt 45")

    refused = await bot.storage.audit.lines(actor_id=ABH.id)
    assert [(line.action, line.subject) for line in refused] == [
        ("conference.link_refused", "F-0777"),
        ("conference.link_refused", "F-0003"),
    ]


async def test_the_art_15_export_holds_the_familys_conferences_only(county: BotHarness) -> None:
    bot = county
    await bot.send(CASE_MANAGER, "/conference ABH F-0001 F-0002 aufenthalt 60: Termin")

    data = json.loads(uploads(await bot.send(ADMIN, "/dataexport F-0001"))["json"])

    [conference] = data["conferences"]
    assert conference["family_ids"] == [1]  # F-0002 is someone else's data
    assert conference["agreements"] == "Termin"
    assert conference["participants"] == ["case_management", "immigration_office"]
    assert "conference.link" in [line["action"] for line in data["audit"]]


async def test_a_partner_named_by_a_person_is_held_back_in_the_dialog(county: BotHarness) -> None:
    bot = county
    await bot.send(CASE_MANAGER, "/conference")
    await bot.press(CASE_MANAGER, "Heute")
    await bot.press(CASE_MANAGER, "Fallkonferenz")
    await bot.press(CASE_MANAGER, "Partner")
    await bot.press(CASE_MANAGER, "Fertig")

    [warning] = await bot.send(CASE_MANAGER, "Frau Kovalenko vom Jobcenter")
    edited = only_text(await bot.press(CASE_MANAGER, "Bearbeiten"))
    await bot.send(CASE_MANAGER, "Frau Kovalenko vom Jobcenter")
    kept = only_text(await bot.press(CASE_MANAGER, "Trotzdem speichern"))

    assert warning.text == held_text(PersonalData.NAME)
    assert edited.startswith("(3/8) Welche Partner?")
    assert kept.startswith("(4/8) Welche Familien?")
    assert bot.application.user_data[CASE_MANAGER.id].new_conference.draft.partner_name == (
        "Frau Kovalenko vom Jobcenter"
    )
    assert [subject for subject, _ in await kept_audit(bot, "conference.personal_data_kept")] == [
        None
    ]


async def test_office_staff_typing_a_closed_code_in_the_dialog_stay_in_the_step(
    county: BotHarness,
) -> None:
    bot = county
    await bot.send(ABH, "/conference")
    await bot.press(ABH, "Heute")
    await bot.press(ABH, "Fallkonferenz")
    await bot.press(ABH, "Fertig")

    refused = only_text(await bot.send(ABH, "F-0002 F-0003"))
    accepted = only_text(await bot.send(ABH, "F-0002"))

    assert refused == NOT_LINKABLE.format(code="F-0003")
    assert accepted.startswith("(5/8) Welche Themen?")
