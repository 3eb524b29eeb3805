"""What each module of the bot imports, read from its source with `ast`, never by importing it.

Reading the source sees every import: at the top, inside functions and under
`if TYPE_CHECKING:`, which importing the module would not run.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name, "bot.handlers.flags"
    imported: str  # dotted module name, submodules resolved: "bot.core.i18n", "telegram.ext"
    path: Path
    line: int

    def __str__(self) -> str:
        where = self.path.relative_to(PACKAGE_ROOT).as_posix()
        return f"{where}:{self.line} imports {self.imported}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    """Whether `name` is a module or package of this project (as opposed to a name in one)."""
    path = PACKAGE_ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(path: Path, source: str | None = None) -> list[Import]:
    """Every import statement in the file, wherever it stands."""
    importer = module_name(path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(importer, alias.name, path, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, importer, is_package)
            for alias in node.names:
                # `from bot.handlers import flags` imports the module bot.handlers.flags.
                submodule = f"{base}.{alias.name}"
                imported = submodule if is_module(submodule) else base
                found.append(Import(importer, imported, path, node.lineno))
    # ast.walk goes breadth first: nested imports would come after later top-level ones.
    return sorted(found, key=lambda found: found.line)


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".")
    if not is_package:
        package.pop()
    if node.level > 1:
        package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


@functools.cache
def project_imports(package: str) -> tuple[Import, ...]:
    """The imports of every module of `package`, in file order (read once per test run)."""
    files = sorted((PACKAGE_ROOT / package).rglob("*.py"))
    return tuple(found for path in files for found in imports_of(path))


def within(module: str, *packages: str) -> bool:
    """Whether `module` is one of `packages` or inside one of them."""
    return any(module == package or module.startswith(f"{package}.") for package in packages)
