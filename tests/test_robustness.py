"""Whatever anyone types after any command, every handler answers and none fails."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.fuzzing import COMMANDS
from tests.helpers.fuzzing import WORDS as FUZZ_WORDS
from tests.helpers.harness import BotHarness

# Every command, and text made of the words the parsers look for (the fuzzer's vocabulary).
WORDS = st.sampled_from(FUZZ_WORDS)
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
