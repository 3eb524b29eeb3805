"""Which way the dependencies point: infrastructure and domains never reach up into storage,
handlers or the application, and capabilities do not lean on each other.

The imports are read from the source (tests/helpers/imports.py), so an import inside a
function or under `if TYPE_CHECKING:` counts as much as one at the top.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import bot.handlers
from tests.helpers.imports import PACKAGE_ROOT, imports_of, project_imports, within

# In dependency order: a domain may import bot.core and the domains before it, none after.
DOMAINS = (
    "bot.privacy",
    "bot.staff",
    "bot.casework",
    "bot.funds",
    "bot.interpreting",
    "bot.translation",
    "bot.reporting",
)
# Handler modules every capability may use; they import no capability, only each other.
SHARED_HANDLERS = ("bot.handlers.common", "bot.handlers.notices")
# Modules of bot/handlers/ that wire or guard the bot rather than offer commands of their own.
NOT_CAPABILITIES = {"common", "notices", "access", "errors", "help", "language"}


def domain_of(module: str) -> str:
    return next(domain for domain in DOMAINS if within(module, domain))


def is_handler(module: str) -> bool:
    """A module in bot/handlers/; the package's __init__ is none."""
    return within(module, "bot.handlers") and module != "bot.handlers"


def handler_leans_on_handler(importer: str, imported: str) -> bool:
    return is_handler(imported) and imported not in (importer, *SHARED_HANDLERS)


def domain_reaches_out(importer: str, imported: str) -> bool:
    # From bot, only infrastructure and domains: no handlers, storage, app, shell, context,
    # menus (nor demo or __main__, which are built on those).
    allowed = within(imported, "bot.core", *DOMAINS)
    return within(imported, "telegram") or (within(imported, "bot") and not allowed)


def domain_imports_a_later_domain(importer: str, imported: str) -> bool:
    earlier = DOMAINS[: DOMAINS.index(domain_of(importer)) + 1]
    return within(imported, *DOMAINS) and not within(imported, *earlier)


@dataclass(frozen=True)
class Rule:
    name: str
    applies_to: Callable[[str], bool]  # the importing module
    breaks_it: Callable[[str, str], bool]  # (importer, imported)
    # (importer, imported) just either side of the line: proves the rule bites, and not
    # everywhere, whatever the code looks like today.
    refuses: tuple[str, str]
    allows: tuple[str, str]

    def __repr__(self) -> str:
        return f"Rule({self.name!r})"


RULES = (
    Rule(
        "bot/core/config.py imports nothing from bot",
        lambda module: module == "bot.core.config",
        lambda _, imported: within(imported, "bot"),
        ("bot.core.config", "bot.core.i18n"),
        ("bot.core.config", "pydantic_settings"),
    ),
    Rule(
        "storage imports no i18n, parsing, handlers, operations, delivery or telegram",
        lambda module: within(module, "bot.storage"),
        lambda _, imported: within(
            imported,
            "bot.core.i18n",
            "bot.core.parsing",
            "bot.handlers",
            "bot.operations",
            "bot.delivery",
            "telegram",
        ),
        ("bot.storage.contacts", "bot.core.parsing"),
        ("bot.storage.contacts", "bot.casework.contacts"),
    ),
    Rule(
        "handler modules import no other handler module but the shared ones",
        is_handler,
        handler_leans_on_handler,
        ("bot.handlers.common", "bot.handlers.flags"),
        ("bot.handlers.notices", "bot.handlers.common"),
    ),
    Rule(
        "domain packages import no handlers, storage, telegram, app, shell, context or menus",
        lambda module: within(module, *DOMAINS),
        domain_reaches_out,
        ("bot.casework.contacts", "bot.storage.contacts"),
        ("bot.casework.contacts", "bot.core.parsing"),
    ),
    Rule(
        "domain packages import only the domains before them: " + ", ".join(DOMAINS),
        lambda module: within(module, *DOMAINS),
        domain_imports_a_later_domain,
        ("bot.casework.families", "bot.interpreting.requests"),
        ("bot.interpreting.requests", "bot.casework.families"),
    ),
    Rule(
        "bot/core imports no domain, handlers, storage, app, shell, context or menus",
        lambda module: within(module, "bot.core"),
        lambda _, imported: within(
            imported,
            *DOMAINS,
            "bot.handlers",
            "bot.storage",
            "bot.operations",
            "bot.delivery",
            "bot.app",
            "bot.shell",
            "bot.context",
            "bot.menus",
        ),
        ("bot.core.commands", "bot.staff.roles"),
        ("bot.core.commands", "telegram"),
    ),
    Rule(
        "delivery (inbox, outbox, polling, webhook) imports no handlers, domains, app, shell "
        "or menus: handlers lean on it, never the other way",
        lambda module: within(module, "bot.delivery"),
        lambda _, imported: within(
            imported, "bot.handlers", *DOMAINS, "bot.app", "bot.shell", "bot.menus"
        ),
        ("bot.delivery.outbox", "bot.handlers.common"),
        ("bot.delivery.outbox", "bot.storage.outbox"),
    ),
    Rule(
        "operations (backups, checks, status) import no handlers, app, shell, context or menus",
        lambda module: within(module, "bot.operations"),
        lambda _, imported: within(
            imported, "bot.handlers", "bot.app", "bot.shell", "bot.context", "bot.menus"
        ),
        ("bot.operations.status", "bot.handlers.common"),
        ("bot.operations.checks", "bot.storage.backups"),
    ),
)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_dependencies_point_one_way(rule: Rule) -> None:
    constrained = [found for found in project_imports("bot") if rule.applies_to(found.importer)]
    # A rule whose modules moved away would pass without checking anything.
    assert constrained, f"no module imports anything under the rule “{rule.name}”"
    offending = [
        str(found) for found in constrained if rule.breaks_it(found.importer, found.imported)
    ]
    assert not offending, f"{rule.name}, but:\n" + "\n".join(offending)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_each_rule_draws_its_line_where_it_says(rule: Rule) -> None:
    assert rule.applies_to(rule.refuses[0]) and rule.breaks_it(*rule.refuses)
    assert rule.applies_to(rule.allows[0]) and not rule.breaks_it(*rule.allows)


def test_imports_are_found_wherever_they_stand() -> None:
    """The rules are only as good as this reading: nested, guarded and relative imports."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "import telegram.ext\n"
        "from . import common, flags\n"
        "from .common import reply\n"
        "from ..core import i18n\n"
        "if TYPE_CHECKING:\n"
        "    from bot.storage import Storage\n"
        "def later():\n"
        "    import bot.core.parsing\n"
    )
    path = PACKAGE_ROOT / "bot" / "handlers" / "contacts.py"

    found = [(found.imported, found.line) for found in imports_of(path, source)]

    assert found == [
        ("typing", 1),
        ("telegram.ext", 2),
        ("bot.handlers.common", 3),
        ("bot.handlers.flags", 3),
        ("bot.handlers.common", 4),
        ("bot.core.i18n", 5),
        ("bot.storage", 7),
        ("bot.core.parsing", 9),
    ]


def capability_modules() -> list[str]:
    names = [module.name for module in pkgutil.iter_modules(bot.handlers.__path__)]
    return [name for name in sorted(names) if name not in NOT_CAPABILITIES]


def test_the_capabilities_are_found() -> None:
    # Otherwise the test below would be parametrised with nothing and check nothing.
    assert len(capability_modules()) > 5


@pytest.mark.parametrize("name", capability_modules())
def test_each_capability_exports_its_commands_and_handlers(name: str) -> None:
    capability = importlib.import_module(f"bot.handlers.{name}")

    assert isinstance(getattr(capability, "COMMANDS", None), tuple), f"{name} has no COMMANDS"
    assert callable(getattr(capability, "handlers", None)), f"{name} has no handlers()"
