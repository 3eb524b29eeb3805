"""`pip install` of the wheel gives a bot that runs from any directory, catalogs included.

Built as `python -m build` does it (an sdist, then the wheel from the sdist), offline: with
the test environment's setuptools and babel instead of an isolated build environment.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What an sdist is built from; MANIFEST.in decides what of it the sdist carries.
SOURCES = (
    "pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "babel.cfg", ".env.example",
    "bot", "locales", "deploy",
)  # fmt: skip
LOCALES = ("de", "en", "uk")
CATALOGS = {f"bot/locales/{locale}/LC_MESSAGES/messages.mo" for locale in LOCALES}
# Besides the code, the sdist carries the catalogs' sources and what an operator needs.
SDIST_FILES = {
    *(f"locales/{locale}/LC_MESSAGES/messages.po" for locale in LOCALES),
    ".env.example",
    "deploy/kim-bot.service",
    "deploy/README.md",
}


def run(*command: str | Path, **options) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=60, **options
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


def build_wheel(tmp_path: Path) -> Path:
    # A copy without compiled catalogs: the ones in the wheel can only come from the build.
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("*.mo", "__pycache__")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source)
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        assert {name.split("/", 1)[1] for name in archive.getnames() if "/" in name} >= SDIST_FILES
    (wheel,) = dist.glob("*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> None:
    """Into a fresh venv that sees the test environment's libraries, but not the checkout."""
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel
    )
    site_packages = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    # A path in a .pth file is added as it is: the editable install's own .pth in there (the
    # finder that maps `bot` to this checkout) is not run.
    dependencies = sysconfig.get_path("purelib")
    (Path(site_packages.stdout.strip()) / "dependencies.pth").write_text(f"{dependencies}\n")


def test_the_installed_wheel_answers_help_in_german_from_any_directory(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        assert set(archive.namelist()) >= CATALOGS
    venv = tmp_path / "venv"
    install(wheel, venv)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(elsewhere)}

    where = run(
        venv / "bin" / "python",
        "-c",
        "import json, sys, bot; print(json.dumps([bot.__file__, sys.path]))",
        cwd=elsewhere,
        env=environment,
    )
    shell = run(venv / "bin" / "kim-bot", "shell", input="/help\n", cwd=elsewhere, env=environment)

    module, path = json.loads(where.stdout)
    assert Path(module).is_relative_to(venv)
    assert str(ROOT) not in path
    assert "Ihre Befehle (Administrator*in)\n" in shell.stdout
    assert "/help – Ihre verfügbaren Befehle anzeigen\n" in shell.stdout
    assert (elsewhere / "data" / "kim-bot.sqlite3").is_file()
