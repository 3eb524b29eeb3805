"""The commands of the bot, who may use them, and how they are described."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel.support import LazyProxy
from telegram import BotCommand


@dataclass(frozen=True)
class CommandSpec:
    """A command as staff see it in /help and the command menu."""

    name: str
    description: LazyProxy
    # The roles (bot.staff.roles.Role, a StrEnum) that may use it.
    roles: frozenset[str]
    # Shown to people who are not registered yet (only /start).
    public: bool = False


class CommandRegistry:
    """All commands, in the order /help lists them."""

    def __init__(self, specs: Iterable[CommandSpec]) -> None:
        self._specs = {spec.name: spec for spec in specs}

    def get(self, name: str) -> CommandSpec | None:
        return self._specs.get(name)

    def allowed(self, role: str) -> list[CommandSpec]:
        """The commands a role may use, for /help and the menu (/start needs no listing)."""
        return [spec for spec in self._specs.values() if role in spec.roles and not spec.public]

    def public(self) -> list[CommandSpec]:
        return [spec for spec in self._specs.values() if spec.public]

    @staticmethod
    def menu(specs: Iterable[CommandSpec]) -> list[BotCommand]:
        """Bot API commands, described in the current locale."""
        return [BotCommand(spec.name, str(spec.description)) for spec in specs]


def command_name(text: str | None) -> str | None:
    """`/invite@kim_bot coordinator` → `invite`; None when the text is not a command."""
    if not text or not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if len(text) > 1 else ""
    name = word.split("@", 1)[0].lower()
    return name or None
