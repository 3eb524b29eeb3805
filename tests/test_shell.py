"""The terminal shell: the real Application and handlers on the real database, no Telegram."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import OFFLINE_TOKEN
from bot.core.config import Settings
from bot.core.i18n import use_locale
from bot.core.offline import BotCall, OfflineTelegram, Upload
from bot.core.telegram_rules import TelegramRefusal
from bot.shell import SHELL_PEOPLE, ShellChat, plain_text, run_shell
from bot.staff.roles import Role, Team
from bot.storage import Storage

ADMIN_HELP = """\
Ihre Befehle (Administrator*in)
/families – Aktive Familien, neuester Kontakt zuerst (Koordination: /families @name oder Ort)
/family – Familie mit letzten Kontakten anzeigen: /family F-0042
/requests – Dolmetschanfragen: /requests [all | urgent | Sprache]
/cancelrequest – Anfrage stornieren (Koordination und Verwaltung: jede): /cancelrequest 12
/invoice – Rechnung erfassen: /invoice 12 240,50 Empfänger Nummer Datum; korrigieren: \
/invoice 12 fix 230,00 Grund; anzeigen: /invoice 12
/budget – Alle Fonds: ausgegeben, gebunden, übrig und wie lange sie reichen; /budget 2 \
ausführlich
/fund – Fonds anzeigen und anpassen, Fonds des nächsten Jahres anlegen
/rates – Kostensätze anzeigen und anpassen
/spend – Ausgabe aus einem Fonds buchen: /spend maßnahmen 1.200 Firma RE-117 Zweck #kategorie
/proof – Zahlenmäßiger Nachweis eines Fonds als Excel, jede Buchung: /proof maßnahmen [von] [bis]
/week – Zahlen einer Woche: /week, /week letzte, /week KW47, /week 24.11.2026
/month – Zahlen eines Monats: /month, /month letzter, /month 11.2026
/year – Zahlen eines Jahres: /year, /year 2026
/caseload – Aktive Familien je Case Manager*in, und wie viele aus der Ukraine geflüchtet sind
/fte – Stellenanteil ab einem Tag festlegen: /fte @anna_kim 0,8 ab 01.01.2026
/staffing – Geförderte, besetzte und offene Stellen und Mittel je Baustein
/cover – Vertretung eintragen: eine Case Manager*in handelt für eine abwesende Kolleg*in: \
/cover @oksana_cm für @anna_kim bis 18.12.
/committee – Zahlen des Sachstandsberichts für den Ausschuss als Word (Deutsch): \
/committee [Datum | 2026 | Q4 2026 | von-bis]
/export – Kontakte, Familien, Dolmetschanfragen und Wochensummen als Excel und CSV: \
/export 01.11.2026 30.11.2026
/subscribe – Jeden Montag um 8:00 die Zahlen der Vorwoche erhalten
/unsubscribe – Wochenbericht abbestellen
/invite – Kolleg*in einladen: /invite case_manager
/users – Mitarbeitende mit Rolle, Team, Sprache und Status anzeigen
/revoke – Zugang sofort deaktivieren: /revoke @benutzername
/audit – Wer hat was gelesen oder geändert: /audit [@name | F-0042] [von] [bis] [xlsx]
/dataexport – Alles zu einer Familie Gespeicherte (Art. 15 DSGVO): /dataexport F-0042
/forget – Personenbezogene Angaben einer abgeschlossenen Familie sofort löschen: /forget F-0042
/status – Zustand des Bots: Prüfungen, Laufzeit, Warteschlangen, letzte Sicherung
/backup – Datenbank jetzt sichern, in den Sicherungsordner auf dem Server
/language – Sprache wechseln: Deutsch, English, Українська
/help – Ihre verfügbaren Befehle anzeigen
/cancel – Laufenden Dialog abbrechen

Datenschutz: Familien kennt der Bot nur unter ihrem Code. Geben Sie niemals Namen, Adressen oder \
andere identifizierende Angaben in Nachrichten oder Notizen ein.
"""
NOT_UNDERSTOOD_DE = "Das habe ich nicht verstanden. /help zeigt die Befehle, die Sie nutzen können."
NOT_UNDERSTOOD_EN = "I did not understand that. /help lists the commands you may use."
NO_TOKEN_NOTICE = (
    "kim-bot: no TELEGRAM_BOT_TOKEN set, starting the terminal shell "
    "(see README: Running against Telegram).\n"
)


def greeting(
    database: Path, name: str = "Shell-Admin", role_label: str = "Administrator*in"
) -> str:
    return (
        f"KIM-Bot-Shell: Sie sind {name} ({role_label}), Datenbank {database}. "
        "Tippen Sie /help zum Start, eine Zahl für eine Schaltfläche, /quit zum Beenden.\n"
    )


async def chat(settings: Settings, *lines: str, role: Role = Role.ADMIN) -> str:
    """Type `lines` into the shell as `role`; returns everything it printed."""
    output = io.StringIO()
    code = await run_shell(
        settings,
        role,
        input_stream=io.StringIO("".join(f"{line}\n" for line in lines)),
        output=output,
    )
    assert code == 0
    return output.getvalue()


def after_greeting(output: str) -> str:
    return output.split("\n", 1)[1]


@asynccontextmanager
async def opened(database: Path) -> AsyncIterator[Storage]:
    """The database the shell used, opened again after the shell ended."""
    storage = await Storage.open(database)
    try:
        yield storage
    finally:
        await storage.close()


# The shell as a whole -------------------------------------------------------------------


async def test_the_shell_greets_in_german_and_help_lists_the_admin_commands(
    settings: Settings,
) -> None:
    output = await chat(settings, "/help")

    assert output == greeting(settings.database_path) + ADMIN_HELP


async def test_invite_prints_an_invitation_with_a_deep_link_stored_in_the_database(
    settings: Settings,
) -> None:
    output = after_greeting(await chat(settings, "/invite case_manager"))

    assert output.startswith(
        "Einladung (Rolle: Case Manager*in, Team: Case Management), einmal gültig bis "
    )
    link = re.search(
        r"^https://t\.me/kim_warendorf_bot\?start=([A-Za-z0-9]{16})$", output, re.MULTILINE
    )
    assert link is not None, output
    code = link.group(1)
    assert output.endswith(f"Oder sie schicken dem Bot: /start {code}\n")  # <code> stripped
    async with opened(settings.database_path) as storage:
        invitation = await storage.invitations.get(code)
    assert invitation is not None
    assert (invitation.role, invitation.created_by) == (
        Role.CASE_MANAGER,
        SHELL_PEOPLE[Role.ADMIN].id,
    )


async def test_language_shows_numbered_buttons_and_typing_2_switches_to_english(
    settings: Settings,
) -> None:
    output = after_greeting(await chat(settings, "/language", "2", "/help"))

    assert output.startswith(
        "Aktuelle Sprache: Deutsch. Bitte wählen Sie eine Sprache:\n"
        "  [1] Deutsch\n"
        "  [2] English\n"
        "  [3] Українська\n"
        "✎ Language set to English.\n"
        "Your commands (administrator)\n"
        "/families – Active families, newest contact first (coordinators: /families @name or "
        "town)\n"
    )
    async with opened(settings.database_path) as storage:
        member = await storage.staff.get(SHELL_PEOPLE[Role.ADMIN].id)
    assert member.locale == "en"


async def test_a_number_without_buttons_on_screen_is_sent_as_a_message(
    settings: Settings,
) -> None:
    output = after_greeting(await chat(settings, "1"))

    assert output == f"{NOT_UNDERSTOOD_DE}\n"


async def test_buttons_edited_away_by_the_bot_no_longer_take_numbers(
    settings: Settings,
) -> None:
    output = after_greeting(await chat(settings, "/language", "2", "3"))

    assert output.endswith(f"✎ Language set to English.\n{NOT_UNDERSTOOD_EN}\n")


async def test_a_case_manager_is_refused_invite(settings: Settings) -> None:
    output = await chat(settings, "/invite case_manager", role=Role.CASE_MANAGER)

    assert output == (
        greeting(settings.database_path, "Shell-Case-Management", "Case Manager*in")
        + "/invite ist für Ihre Rolle (Case Manager*in) nicht freigegeben. "
        "/help zeigt Ihre Befehle.\n"
    )


async def test_quit_ends_the_shell_with_0_and_ignores_what_follows(settings: Settings) -> None:
    output = io.StringIO()

    code = await run_shell(
        settings, Role.ADMIN, input_stream=io.StringIO("/quit\n/help\n"), output=output
    )

    assert code == 0
    assert output.getvalue() == greeting(settings.database_path)


async def test_the_shell_person_is_stored_with_its_role_in_the_configured_database(
    settings: Settings,
) -> None:
    person = SHELL_PEOPLE[Role.CASE_MANAGER]

    await chat(settings, "/help", role=Role.CASE_MANAGER)

    async with opened(settings.database_path) as storage:
        member = await storage.staff.get(person.id)
    assert member is not None
    assert member.active
    assert (member.role, member.team) == (Role.CASE_MANAGER, Team.CASE_MANAGEMENT)
    assert (member.username, member.display_name) == ("shell_case_manager", "Shell-Case-Management")
    assert member.locale == "de"


# ShellChat and plain_text ---------------------------------------------------------------


def test_shell_chat_saves_a_sent_document_in_its_folder_and_prints_the_path(
    tmp_path: Path,
) -> None:
    output = io.StringIO()
    files = tmp_path / "shell-files"
    shell_chat = ShellChat(OfflineTelegram(OFFLINE_TOKEN), SHELL_PEOPLE[Role.ADMIN], files, output)
    call = BotCall(
        "sendDocument",
        {"chat_id": SHELL_PEOPLE[Role.ADMIN].id, "caption": "<b>Bericht</b> &amp; Anhang"},
        {"document": Upload("../bericht.csv", b"Code;Termin\n\x00\xff", "text/csv")},
    )

    with use_locale("de"):
        shell_chat.show(call, {"message_id": 7})

    saved = files / "bericht.csv"  # the name only: an upload cannot leave the folder
    assert saved.read_bytes() == b"Code;Termin\n\x00\xff"
    assert output.getvalue() == f"[Datei gespeichert: {saved}]\nBericht & Anhang\n"


def shell_chat_for_admin(tmp_path: Path) -> tuple[ShellChat, io.StringIO]:
    output = io.StringIO()
    telegram = OfflineTelegram(OFFLINE_TOKEN)
    return ShellChat(telegram, SHELL_PEOPLE[Role.ADMIN], tmp_path, output), output


KEYBOARD = {"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]}


def test_buttons_sent_to_a_colleague_are_shown_but_not_numbered_for_the_shell_user(
    tmp_path: Path,
) -> None:
    shell_chat, output = shell_chat_for_admin(tmp_path)

    shell_chat.show(
        BotCall("sendMessage", {"chat_id": 1003, "text": "Freigeben?", "reply_markup": KEYBOARD}),
        {"message_id": 5},
    )

    assert output.getvalue() == "[→ 1003] Freigeben?\n"
    assert shell_chat.buttons == []


def test_new_buttons_from_an_edited_keyboard_are_numbered(tmp_path: Path) -> None:
    shell_chat, output = shell_chat_for_admin(tmp_path)
    admin = SHELL_PEOPLE[Role.ADMIN].id

    shell_chat.show(
        BotCall(
            "editMessageReplyMarkup", {"chat_id": admin, "message_id": 5, "reply_markup": KEYBOARD}
        ),
        {"message_id": 5},
    )

    assert output.getvalue() == "  [1] Ja\n"
    assert (shell_chat.buttons_message_id, shell_chat.buttons) == (
        5,
        KEYBOARD["inline_keyboard"][0],
    )


def test_a_call_telegram_refuses_is_printed_with_its_reason_and_keeps_the_buttons(
    tmp_path: Path,
) -> None:
    shell_chat, output = shell_chat_for_admin(tmp_path)
    admin = SHELL_PEOPLE[Role.ADMIN].id
    shell_chat.telegram.call(
        "sendMessage", {"chat_id": admin, "text": "Freigeben?", "reply_markup": KEYBOARD}
    )

    with pytest.raises(TelegramRefusal):
        shell_chat.telegram.call(
            "sendMessage", {"chat_id": admin, "text": "<b>Freigegeben", "parse_mode": "HTML"}
        )

    assert output.getvalue() == (
        "Freigeben?\n"
        "  [1] Ja\n"
        "⚠ sendMessage: Bad Request: can't parse entities: "
        'Can\'t find end tag corresponding to start tag "b"\n'
    )
    assert shell_chat.buttons == KEYBOARD["inline_keyboard"][0]


def test_plain_text_strips_html_tags_and_unescapes_entities() -> None:
    assert (
        plain_text(
            '<b>Ihre Befehle</b> &lt;Code&gt; &amp; <a href="x">Link</a> '
            "<code>/start A&amp;B</code>"
        )
        == "Ihre Befehle <Code> & Link /start A&B"
    )


# The kim-bot command --------------------------------------------------------------------


def test_main_without_a_token_prints_a_notice_and_runs_the_admin_shell(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("/help\n"))

    code = main([])

    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == NO_TOKEN_NOTICE
    database = Path("data/kim-bot.sqlite3")  # the default, relative to the working directory
    assert captured.out == greeting(database) + ADMIN_HELP
    assert database.is_file()


def test_main_shell_as_case_manager_runs_the_shell_in_that_role_without_a_notice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("/help\n"))

    code = main(["shell", "--as", "case_manager"])

    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""
    assert captured.out.startswith(
        "KIM-Bot-Shell: Sie sind Shell-Case-Management (Case Manager*in), "
    )
    assert "Ihre Befehle (Case Manager*in)\n/log – " in captured.out
    assert "/invite" not in captured.out


class FailingInput(io.StringIO):
    def readline(self, size: int | None = -1) -> str:
        raise OSError("input lost")


async def test_an_input_error_ends_the_shell_with_that_error(settings: Settings) -> None:
    with pytest.raises(OSError, match="input lost"):
        await run_shell(settings, Role.ADMIN, input_stream=FailingInput(), output=io.StringIO())
