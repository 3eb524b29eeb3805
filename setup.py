"""Builds the package with its translation catalogs; everything else is in pyproject.toml.

The catalogs' sources stay in the top-level `locales/` (where `make locales-update` keeps
them); a wheel carries them compiled inside the package, as `bot/locales/<language>/
LC_MESSAGES/messages.mo`, where `bot.core.i18n` looks first, so an installed bot runs from
any directory.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

SOURCES = "locales/*/LC_MESSAGES/messages.po"


class BuildWithCatalogs(build_py):
    """`build_py`, then every `locales/*/LC_MESSAGES/messages.po` compiled into the build."""

    def run(self) -> None:
        super().run()
        for source, target in self._catalogs().items():
            target.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as handle:
                catalog = read_po(handle, locale=source.parts[1], domain="messages")
            # As `pybabel compile` does it: fuzzy entries are left out.
            with target.open("wb") as handle:
                write_mo(handle, catalog)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        catalogs = [str(target) for target in self._catalogs().values()]
        return [*super().get_outputs(include_bytecode), *catalogs]

    def _catalogs(self) -> dict[Path, Path]:
        """Each catalog's source and where its compiled form goes in the build."""
        if self.editable_mode:
            # An editable install reads the repository's locales/ (see bot/core/i18n.py).
            return {}
        return {
            source: Path(self.build_lib, "bot", source.with_suffix(".mo"))
            for source in sorted(Path().glob(SOURCES))
        }


setup(cmdclass={"build_py": BuildWithCatalogs})
