"""/cover: a case manager acts for an absent colleague from a first to a last day.

The covering person sees, logs for, requests interpreters for and cancels the requests of the
absent person's families; each of those steps is audited as done in cover; and after the
last day (Europe/Berlin) nothing of those families is visible any more, checked at each use.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.offline import Person
from bot.handlers.cover import JOB_NAME
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR, START
from tests.helpers.harness import BotHarness, FakeTime, only_text, texts
from tests.helpers.texts import de, in_locale, money

BERLIN = ZoneInfo("Europe/Berlin")
SET = "/cover @oksana_cm for @anna_kim until 18.12."
NOT_IN_CASELOAD = (
    "{code} is not in your caseload. If it should be, ask the coordination to transfer it to you."
)
COVERING_NOTICE = (
    "From {start} to {end} you cover for {absent} (set by {coordinator}): their families are "
    "in /families, /family and /due, and you can /log for them, request interpreters and "
    "cancel their requests. Everything you do for them is recorded as done in cover."
)
ABSENT_NOTICE = (
    "From {start} to {end} {covering} covers for you (set by {coordinator}) and sees your families."
)
ON_SITE = "/interpreter F-0001 uk 03.12. 10:00 90m vor-ort Ahlen Ausländerbehörde"
# Another case manager, with families of her own.
THIRD = Person(1005, "Olena", "olena_cm", "de")


async def county(bot: BotHarness) -> None:
    """Anna has F-0001 (a follow-up on 26.11.) and F-0002; Oksana (Ukrainian) has F-0003."""
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit next 26.11.")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 5 ar")
    await bot.send(COLLEAGUE, "/newfamily Telgte UA 2 uk")


def oksana(msgid: str, **values: object) -> str:
    return in_locale("uk", msgid, **values)


async def cover_audit(bot: BotHarness) -> list[tuple]:
    rows = await bot.storage.db.fetch_all(
        "SELECT actor_id, action, subject, cover_for FROM audit_log "
        "WHERE cover_for IS NOT NULL ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def test_a_coordinator_sets_a_cover_and_both_are_told(bot: BotHarness) -> None:
    await county(bot)

    calls = await bot.send(COORDINATOR, SET)

    assert [(call.params["chat_id"], call.text) for call in calls] == [
        (
            COORDINATOR.id,
            "Vertretung 1: @oksana_cm vertritt @anna_kim vom 24.11.2026 bis 18.12.2026. Sie endet "
            "von selbst nach dem 18.12.2026. Beide wurden benachrichtigt.",
        ),
        (
            COLLEAGUE.id,
            oksana(
                COVERING_NOTICE,
                start="24 лист. 2026\u202fр.",
                end="18 груд. 2026\u202fр.",
                absent="@anna_kim",
                coordinator="@konrad_koord",
            ),
        ),
        (
            CASE_MANAGER.id,
            "Vom 24.11.2026 bis 18.12.2026 vertritt @oksana_cm Sie (eingetragen von "
            "@konrad_koord) und sieht Ihre Familien.",
        ),
    ]
    stored = await bot.storage.db.fetch_one(
        "SELECT covering_id, absent_id, starts_on, ends_on, set_by, ended_at FROM covers"
    )
    assert tuple(stored) == (
        COLLEAGUE.id,
        CASE_MANAGER.id,
        "2026-11-24",
        "2026-12-18",
        COORDINATOR.id,
        None,
    )
    audited = await bot.storage.db.fetch_one(
        "SELECT actor_id, subject, detail FROM audit_log WHERE action = 'cover.set'"
    )
    assert tuple(audited) == (
        COORDINATOR.id,
        "1",
        f"{COLLEAGUE.id} for {CASE_MANAGER.id} from 2026-11-24 until 2026-12-18",
    )


async def test_the_covering_person_works_with_the_families_until_the_last_day_ends(
    bot: BotHarness, time: FakeTime
) -> None:
    await county(bot)
    assert only_text(await bot.send(COLLEAGUE, "/family F-0001")) == oksana(
        NOT_IN_CASELOAD, code="F-0001"
    )
    await bot.send(COORDINATOR, SET)

    families = only_text(await bot.send(COLLEAGUE, "/families"))
    shown = only_text(await bot.send(COLLEAGUE, "/family F-0001"))
    logged = only_text(await bot.send(COLLEAGUE, "/log F-0002 20m telefon wohnen"))
    due = only_text(await bot.send(COLLEAGUE, "/due"))

    lines = families.splitlines()
    assert lines[0] == oksana("<b>Your caseload: {count}</b>").format(count="3 активні сімʼї")
    cover_mark = oksana("in cover for {name}", name="@anna_kim")
    # Newest contact first (families without one by opening): all from today.
    assert [line.split(" · ")[0] for line in lines[1:4]] == ["F-0003", "F-0002", "F-0001"]
    assert not lines[1].endswith(cover_mark)
    assert lines[2].endswith(cover_mark) and lines[3].endswith(cover_mark)
    assert shown.startswith("<b>Сімʼя F-0001</b>")
    assert logged.startswith("✅")
    assert due.splitlines()[1].endswith(
        "F-0001 (контакт від 24 лист. 2026\u202fр.) · " + cover_mark
    )
    # Everything done for Anna's families is Oksana's, in cover for Anna.
    contact = await bot.storage.db.fetch_one(
        "SELECT staff_id, cover_for FROM contacts WHERE family_id = 2"
    )
    assert tuple(contact) == (COLLEAGUE.id, CASE_MANAGER.id)
    assert await cover_audit(bot) == [
        (COLLEAGUE.id, "family.view", "F-0001", CASE_MANAGER.id),
        (COLLEAGUE.id, "contact.create", "F-0002", CASE_MANAGER.id),
    ]
    # Her own family is not in cover.
    await bot.send(COLLEAGUE, "/family F-0003")
    assert len(await cover_audit(bot)) == 2

    # 18.12.2026, 23:59 in Berlin: the last day, still covered.
    time.advance(days=24, hours=14, minutes=59)
    assert only_text(await bot.send(COLLEAGUE, "/family F-0001")).startswith("<b>Сімʼя F-0001")

    # 19.12.2026, 00:00 in Berlin: over, without any job having run.
    time.advance(minutes=1)
    refused = only_text(await bot.send(COLLEAGUE, "/family F-0001"))
    not_logged = only_text(await bot.send(COLLEAGUE, "/log F-0002 20m telefon wohnen"))
    own_only = only_text(await bot.send(COLLEAGUE, "/families"))
    no_due = only_text(await bot.send(COLLEAGUE, "/due"))

    assert refused == oksana(NOT_IN_CASELOAD, code="F-0001")
    assert not_logged == oksana(NOT_IN_CASELOAD, code="F-0002")
    assert "F-0001" not in own_only and "F-0002" not in own_only and "F-0003" in own_only
    assert "F-0001" not in no_due
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM contacts") == 2
    denied = await bot.storage.db.fetch_all(
        "SELECT subject, cover_for FROM audit_log WHERE action = 'family.denied' ORDER BY id"
    )
    assert [tuple(row) for row in denied] == [
        ("F-0001", None),  # before the cover
        ("F-0001", None),
        ("F-0002", None),
    ]


async def test_the_covering_person_requests_and_cancels_for_the_absent_colleague(
    bot: BotHarness, time: FakeTime
) -> None:
    await county(bot)
    await bot.send(CASE_MANAGER, ON_SITE)
    await bot.press(CASE_MANAGER, de("Confirm"))
    await bot.send(CASE_MANAGER, ON_SITE)
    await bot.press(CASE_MANAGER, de("Confirm"))
    refused = only_text(await bot.send(COLLEAGUE, "/cancelrequest 1"))
    await bot.send(COORDINATOR, "/cover @oksana_cm for @anna_kim until 30.11.")

    listed = only_text(await bot.send(COLLEAGUE, "/requests"))
    calls = await bot.send(COLLEAGUE, "/cancelrequest 1")
    await bot.send(COLLEAGUE, ON_SITE.replace("F-0001", "F-0002"))
    await bot.press(COLLEAGUE, oksana("Confirm"))

    assert refused == oksana(
        "Only the person who made request #{id}, a coordinator or an admin can cancel it.", id=1
    )
    # Anna's open requests, marked as seen in cover.
    assert [line[:2] for line in listed.splitlines()[1:]] == ["#1", "#2"]
    assert all(
        line.endswith(oksana("in cover for {name}", name="@anna_kim"))
        for line in listed.splitlines()[1:]
    )
    # 90 minutes on site from the pool: 1,5 h × 30 € + 25 € travel = 70,00 €, released.
    assert calls[0].text == oksana(
        "Request #{id} cancelled; its reservation of {amount} is released.",
        id=1,
        amount=money(70_00, "uk"),
    )
    # Anna, who made it, is told who cancelled it.
    assert (CASE_MANAGER.id, "Ihre Dolmetschanfrage #1 wurde von @oksana_cm storniert.") in [
        (call.params["chat_id"], call.text) for call in calls
    ]
    request = await bot.storage.db.fetch_one(
        "SELECT status, cancelled_by FROM interpreter_requests WHERE id = 1"
    )
    assert tuple(request) == ("cancelled", COLLEAGUE.id)
    new = await bot.storage.db.fetch_one(
        "SELECT family_id, requested_by FROM interpreter_requests WHERE id = 3"
    )
    assert tuple(new) == (2, COLLEAGUE.id)
    assert [row[1:] for row in await cover_audit(bot)] == [
        ("request.cancelled", "1", CASE_MANAGER.id),
        ("request.submit", "3", CASE_MANAGER.id),
    ]

    # 01.12.: the cover ended with 30.11.; Anna's request #2 is hers alone again.
    time.advance(days=7)
    assert only_text(await bot.send(COLLEAGUE, "/cancelrequest 2")) == oksana(
        "Only the person who made request #{id}, a coordinator or an admin can cancel it.", id=2
    )
    assert "#2" not in only_text(await bot.send(COLLEAGUE, "/requests"))


async def test_a_cover_is_listed_and_ended_early(bot: BotHarness, time: FakeTime) -> None:
    await county(bot)
    await bot.register(THIRD, Role.CASE_MANAGER)
    await bot.send(COORDINATOR, SET)
    await bot.send(COORDINATOR, "/cover @olena_cm für @anna_kim ab 10.12. bis 20.12.")

    listed = only_text(await bot.send(COORDINATOR, "/cover"))
    planned_not_yet = only_text(await bot.send(THIRD, "/family F-0001"))
    calls = await bot.send(COORDINATOR, "/cover end 1")
    gone = only_text(await bot.send(COLLEAGUE, "/family F-0001"))
    again = only_text(await bot.send(COORDINATOR, "/cover end 1"))

    assert listed.splitlines() == [
        "<b>Vertretungen</b>",
        "• 1: @oksana_cm für @anna_kim, 24.11.2026 – 18.12.2026 (läuft)",
        "• 2: @olena_cm für @anna_kim, 10.12.2026 – 20.12.2026 (geplant)",
        "",
        "Vorzeitig beenden: /cover end 3",
    ]
    assert planned_not_yet == de(NOT_IN_CASELOAD, code="F-0001")
    assert [(call.params["chat_id"], call.text) for call in calls] == [
        (
            COORDINATOR.id,
            "Vertretung 1 beendet: @oksana_cm sieht die Familien von @anna_kim ab jetzt nicht "
            "mehr.",
        ),
        (
            COLLEAGUE.id,
            oksana(
                "Cover {id} ({covering} for {absent}) was ended early.",
                id=1,
                covering="@oksana_cm",
                absent="@anna_kim",
            ),
        ),
        (CASE_MANAGER.id, "Vertretung 1 (@oksana_cm für @anna_kim) wurde vorzeitig beendet."),
    ]
    assert gone == oksana(NOT_IN_CASELOAD, code="F-0001")
    assert again == "Es gibt keine laufende oder geplante Vertretung 1. /cover zeigt sie."
    ended = await bot.storage.db.fetch_one("SELECT ended_by, ended_at FROM covers WHERE id = 1")
    assert tuple(ended) == (COORDINATOR.id, "2026-11-24T08:00:00+00:00")
    assert await bot.storage.audit.actions(COORDINATOR.id) == [
        "cover.set",
        "cover.set",
        "cover.end",
    ]

    # 10.12.: the planned cover has begun.
    time.advance(days=16)
    assert only_text(await bot.send(THIRD, "/family F-0001")).startswith("<b>Familie F-0001")
    assert only_text(await bot.send(COORDINATOR, "/cover")).splitlines()[1] == (
        "• 2: @olena_cm für @anna_kim, 10.12.2026 – 20.12.2026 (läuft)"
    )


async def test_refusals_say_what_is_wrong_and_store_nothing(bot: BotHarness) -> None:
    await county(bot)
    await bot.register(THIRD, Role.CASE_MANAGER)
    await bot.register(ADMIN, Role.ADMIN)
    await bot.send(ADMIN, "/revoke @olena_cm")
    await bot.send(COORDINATOR, SET)

    replies = [
        only_text(await bot.send(COORDINATOR, text))
        for text in (
            "/cover @anna_kim for @anna_kim until 18.12.",
            "/cover @konrad_koord for @anna_kim until 18.12.",
            "/cover @olena_cm for @anna_kim until 18.12.",
            "/cover @oksana_cm for @anna_kim from 10.12. until 01.12.",
            "/cover @oksana_cm for @anna_kim from 01.12. until 05.12.",
            "/cover @nobody for @anna_kim until 18.12.",
            "/cover @oksana_cm for @anna_kim",
            "/cover @oksana_cm for @anna_kim until 20.11.2026",
            "/cover @oksana_cm for @anna_kim seit 01.12. until 05.12.",
            "/cover end x",
            "/cover oksana",
        )
    ]

    example = "/cover @oksana_cm for @anna_kim until 18.12."
    assert replies == [
        f"Niemand kann sich selbst vertreten. Beispiel: {example}",
        "@konrad_koord ist keine Case Manager*in: eine Vertretung lässt eine Case Manager*in "
        "für eine andere handeln (die Koordination sieht ohnehin jede Familie).",
        "@olena_cm hat keinen Zugang mehr: /users zeigt die aktiven Mitarbeitenden.",
        f"Der letzte Tag, 01.12.2026, liegt vor dem ersten, 10.12.2026. Beispiel: {example}",
        "@oksana_cm vertritt @anna_kim bereits vom 24.11.2026 bis 18.12.2026 (Vertretung 1). "
        "Zum Ändern: /cover end 1, dann neu eintragen.",
        de(
            "There is no staff member “{name}”. /users lists everyone. Example: {example}",
            name="@nobody",
            example=example,
        ),
        "Bis zu welchem Tag? Eine Vertretung endet von selbst nach ihrem letzten Tag. "
        f"Beispiel: {example}",
        "Der 20.11.2026 ist vorbei: bitte heute oder einen späteren Tag angeben.",
        f"„seit“ ist hier nicht verständlich. Beispiel: {example}",
        "Welche Vertretung? /cover zeigt sie mit ihren Nummern. Beispiel: /cover end 3",
        f"Wer vertritt wen, bis wann? Beispiel: {example}",
    ]
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM covers") == 1
    # Case managers cannot set covers.
    await bot.send(CASE_MANAGER, "/cover @oksana_cm for @anna_kim until 18.12.")
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM covers") == 1


async def test_ukrainian_words_and_the_audit_in_cover(bot: BotHarness) -> None:
    await county(bot)
    await bot.register(ADMIN, Role.ADMIN)
    await bot.register(THIRD, Role.COORDINATOR, locale="uk")

    reply = texts(await bot.send(THIRD, "/cover @oksana_cm за @anna_kim від 25.11. до 18.12."))[0]
    await bot.send(COLLEAGUE, "/family F-0001")  # not yet: the cover starts tomorrow

    assert reply == (
        "Заміщення 1: @oksana_cm заміщує @anna_kim з 25 лист. 2026\u202fр. до 18 груд. "
        "2026\u202fр. включно, після цього воно завершиться само. Обох повідомлено."
    )
    cover = await bot.storage.db.fetch_one("SELECT starts_on, ends_on FROM covers")
    assert tuple(cover) == ("2026-11-25", "2026-12-18")
    assert await cover_audit(bot) == []

    await bot.storage.db.execute("UPDATE covers SET starts_on = '2026-11-24'")
    await bot.send(COLLEAGUE, "/family F-0001")
    audit = texts(await bot.send(ADMIN, "/audit @anna_kim"))[0]

    # Anna's lines include what Oksana did in cover for her.
    assert "@oksana_cm in Vertretung für @anna_kim · <b>Familie angesehen</b> · F-0001" in audit


async def test_both_are_told_once_when_a_cover_begins_and_when_it_is_over(
    bot: BotHarness, time: FakeTime
) -> None:
    await county(bot)
    await bot.send(COORDINATOR, "/cover @oksana_cm for @anna_kim from 10.12. until 18.12.")
    await bot.send(COORDINATOR, "/cover @oksana_cm for @anna_kim until 25.11.")
    await bot.send(COORDINATOR, "/cover end 2")  # told when it was ended

    # 10.12.2026, 08:00 in Berlin.
    time.advance(days=15, hours=23)
    begun = await bot.run_job(JOB_NAME)
    again = await bot.run_job(JOB_NAME)
    # 19.12.2026, 08:00: the cover ended with 18.12.
    time.advance(days=9)
    over = await bot.run_job(JOB_NAME)
    over_again = await bot.run_job(JOB_NAME)

    assert [(call.params["chat_id"], call.text) for call in begun] == [
        (
            COLLEAGUE.id,
            oksana(
                "Your cover for {absent} begins today and lasts until {end}: their families "
                "are in /families.",
                absent="@anna_kim",
                end="18 груд. 2026\u202fр.",
            ),
        ),
        (CASE_MANAGER.id, "Ab heute bis 18.12.2026 vertritt @oksana_cm Sie."),
    ]
    assert [(call.params["chat_id"], call.text) for call in over] == [
        (
            COLLEAGUE.id,
            oksana(
                "The cover of {covering} for {absent} ended with {end}: {covering} no longer "
                "sees the families of {absent}.",
                covering="@oksana_cm",
                absent="@anna_kim",
                end="18 груд. 2026\u202fр.",
            ),
        ),
        (
            CASE_MANAGER.id,
            "Die Vertretung von @anna_kim durch @oksana_cm endete mit dem 18.12.2026: "
            "@oksana_cm sieht die Familien von @anna_kim nicht mehr.",
        ),
    ]
    assert again == [] and over_again == []
    # Every morning at 08:00 in Berlin (and once at the start, to catch up).
    assert bot.next_run(JOB_NAME, START) == datetime(2026, 11, 25, 8, 0, tzinfo=BERLIN)
    assert f"{JOB_NAME} (catch-up)" in {job.name for job in bot.application.job_queue.jobs()}
