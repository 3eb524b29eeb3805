"""Whatever anyone types after any command, every handler answers and none fails."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.harness import BotHarness

COMMANDS = [
    "log", "newfamily", "family", "families", "closefamily", "consent", "transfer", "flag",
    "flags", "closeflag", "due", "undo", "invite", "users", "revoke", "start", "help",
    "language", "cancel", "week", "month", "year", "caseload", "fte", "export", "subscribe",
    "unsubscribe", "interpreter", "requests", "approve", "reject", "invoice", "cancelrequest",
    "budget", "fund", "rates", "translate",
]  # fmt: skip
# Text of every kind, and text made of the words the parsers look for.
WORDS = st.sampled_from(
    ["F-0001", "F-1", "45m", "1:30", "1,5h", "13h", "heute", "gestern", "24.11.", "31.02.",
     "hausbesuch", "telefon", "aufenthalt,arbeit", "ref", "jobcenter", "next", "morgen", ":",
     "#struktur", "Ahlen", "UA", "Syrien", "4", "uk,ru", "asylblg", "einwilligung", "@anna_kim",
     "1003", "-1", "wartezeit:", "<b>", "&", "￿", "٤٥", "²", "9" * 30]
)  # fmt: skip
ARGUMENTS = st.one_of(
    st.text(max_size=80),
    st.lists(WORDS, max_size=8).map(" ".join),
)


async def staffed(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    person=st.sampled_from([CASE_MANAGER, COORDINATOR, ADMIN]),
    name=st.sampled_from(COMMANDS),
    arguments=ARGUMENTS,
)
async def test_any_arguments_to_any_command_get_an_answer_and_no_failure(
    bot: BotHarness, person, name: str, arguments: str
) -> None:
    if await bot.storage.staff.get(CASE_MANAGER.id) is None:
        await staffed(bot)

    # The harness raises if any handler failed.
    calls = await bot.send(person, f"/{name} {arguments}".rstrip())

    assert any(call.method in {"sendMessage", "sendDocument"} for call in calls)
