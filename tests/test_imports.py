"""What the running bot holds: the code only a few commands need is imported when first used.

Each module imported at start stays in the process's memory for as long as it runs (the
target of issue 13: under 80 MB at state size; bench/README.md). Checked in a fresh
interpreter, importing what `kim-bot run` imports before it serves Telegram.
"""

from __future__ import annotations

import json
import subprocess
import sys

# Charts, workbooks and Word files; DeepL (with requests); the webhook's server; the holiday
# calendar; Babel's catalog compiler; the reports and exports; the shell and its offline
# Telegram; the demo generator.
IMPORTED_WHEN_USED = (
    "matplotlib",
    "numpy",
    "openpyxl",
    "docx",
    "deepl",
    "requests",
    "aiohttp",
    "holidays",
    "babel.messages",
    "bot.core.document",
    "bot.reporting.committee",
    "bot.reporting.exports",
    "bot.reporting.proof",
    "bot.privacy.dataexport",
    "bot.shell",
    "bot.core.offline",
    "bot.demo",
)

STARTING = """
import json, sys
import bot.__main__, bot.app, bot.delivery.runner
print(json.dumps(sorted(sys.modules)))
"""


def test_starting_the_bot_imports_nothing_only_a_few_commands_need() -> None:
    started = subprocess.run(
        [sys.executable, "-c", STARTING], capture_output=True, text=True, check=True
    )
    modules = json.loads(started.stdout)

    loaded = [
        name
        for name in modules
        if any(name == wanted or name.startswith(wanted + ".") for wanted in IMPORTED_WHEN_USED)
    ]
    assert loaded == []
