"""The systemd unit in deploy/ is hardened, and systemd accepts it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent.parent / "deploy" / "kim-bot.service"
EXEC_START = "/opt/kim-bot/venv/bin/kim-bot run"

HARDENING = {
    "User": ["kim-bot"],
    "StateDirectory": ["kim-bot"],
    "StateDirectoryMode": ["0700"],
    "EnvironmentFile": ["/etc/kim-bot/kim-bot.env"],
    "ExecStart": [EXEC_START],
    "Restart": ["on-failure"],
    "KillSignal": ["SIGTERM"],
    "UMask": ["0077"],
    "NoNewPrivileges": ["yes"],
    "ProtectSystem": ["strict"],
    "ProtectHome": ["yes"],
    "PrivateTmp": ["yes"],
    "PrivateDevices": ["yes"],
    "ProtectKernelTunables": ["yes"],
    "ProtectKernelModules": ["yes"],
    "ProtectControlGroups": ["yes"],
    "CapabilityBoundingSet": [""],
    "RestrictAddressFamilies": ["AF_INET AF_INET6 AF_UNIX"],
    "RestrictNamespaces": ["yes"],
    "RestrictSUIDSGID": ["yes"],
    "LockPersonality": ["yes"],
    "SystemCallArchitectures": ["native"],
    "SystemCallFilter": ["@system-service", "~@privileged @resources"],
}


def unit_settings(text: str) -> dict[str, dict[str, list[str]]]:
    """Section → key → every value, in order (systemd lets a key repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    section: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        assert not line.endswith("\\"), "no continued lines: every setting on one line"
        if line.startswith("[") and line.endswith("]"):
            section = sections.setdefault(line[1:-1], {})
        else:
            key, value = line.split("=", 1)
            section.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_the_unit_runs_the_bot_hardened_as_its_own_user() -> None:
    service = unit_settings(UNIT.read_text())["Service"]

    assert {key: service.get(key) for key in HARDENING} == HARDENING
    # Longer than the bot takes to stop on SIGTERM (a few seconds), not minutes.
    assert 5 < int(service["TimeoutStopSec"][0]) <= 30


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_accepts_the_unit_and_rates_its_exposure_low(tmp_path: Path) -> None:
    # `verify` also checks that ExecStart exists: point a copy at a program that does.
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text().replace(EXEC_START, f"{shutil.which('true')} run"))

    verify = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # `security` shows 1.1 ("OK") on its scale of 0 to 10; --threshold counts 0 to 100.
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", "--threshold=20", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (verify.returncode, verify.stdout + verify.stderr) == (0, "")
    assert security.returncode == 0, security.stdout + security.stderr
