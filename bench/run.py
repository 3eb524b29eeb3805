"""`make bench`: the benchmarks one after another, their targets met or missed, into
bench/results.txt and bench/README.md.

Each runs in its own process (so none inherits another's memory or event loop); their
output is shown as it comes and written to bench/results.txt with the machine's details.
Every line a benchmark starts with "TARGET " (`bench.common.target_line`) is collected
into the summary at the end. The summary and the state database's query plans replace the
sections between their markers in bench/README.md.

    python -m bench.run [--quick] [--growth]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench.common import BENCH, CACHE, machine

RESULTS = BENCH / "results.txt"
README = BENCH / "README.md"
PLANS = CACHE / "plans.md"
BENCHMARKS = (
    ("throughput", "bench.throughput", ["--updates", "5000", "--rounds", "5"]),
    ("latency", "bench.latency", ["--runs", "20", "--plans", str(PLANS)]),
    ("process", "bench.memory", []),
)
QUICK = {
    "throughput": ["--updates", "1000", "--rounds", "2", "--warmup", "200"],
    "latency": ["--runs", "5", "--sizes", "county-year,county-decade"],
}
GROWTH_SIZES = "county-year,county-decade,state,state-10x"


def _arguments(name: str, args: list[str], quick: bool, growth: bool) -> list[str]:
    if quick:
        return QUICK.get(name, args)
    if growth and name == "latency":
        return [*args, "--sizes", GROWTH_SIZES]
    return args


def replace_section(text: str, name: str, body: str) -> str:
    """`text` with what stands between `<!-- NAME -->` and `<!-- /NAME -->` replaced."""
    pattern = re.compile(rf"(<!-- {name} -->\n).*?(<!-- /{name} -->)", re.DOTALL)
    if not pattern.search(text):
        raise LookupError(f"bench/README.md has no <!-- {name} --> section")
    return pattern.sub(
        lambda match: match.group(1) + body.rstrip("\n") + "\n" + match.group(2), text
    )


def summary(header: list[str], targets: list[str]) -> list[str]:
    lines = [*header, "", "| target | measured | aim | |", "|---|---|---|---|"]
    for line in targets:
        match = re.match(r"TARGET (.*?): (.*); target (.*): (met|missed|skipped)$", line)
        if match:
            name, figure, aim, verdict = match.groups()
            lines.append(f"| {name} | {figure} | {aim} | {verdict} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer updates and runs, no state database"
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help="also the 10 × state database (built once, a few minutes; `make bench GROWTH=1`)",
    )
    arguments = parser.parse_args(argv)
    header = [
        f"KIM-Bot benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {machine()}",
    ]
    sections = []
    failed = []
    targets: list[str] = []
    print("\n".join(header), flush=True)
    PLANS.unlink(missing_ok=True)
    for name, module, args in BENCHMARKS:
        if arguments.quick and name == "process":
            continue
        args = _arguments(name, args, arguments.quick, arguments.growth)
        command = [sys.executable, "-m", module, *args]
        print(f"\n== {name}: python -m {module} {' '.join(args)}", flush=True)
        started = time.perf_counter()
        lines = [f"== {name}: python -m {module} {' '.join(args)}"]
        with subprocess.Popen(
            command, cwd=BENCH.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process:
            for line in process.stdout:
                print(line, end="", flush=True)
                lines.append(line.rstrip("\n"))
                if line.startswith("TARGET "):
                    targets.append(line.strip())
        seconds = time.perf_counter() - started
        status = "" if process.returncode == 0 else f", FAILED with exit code {process.returncode}"
        lines.append(f"({seconds:.0f} s{status})")
        print(lines[-1], flush=True)
        if process.returncode != 0:
            failed.append(name)
        sections.append("\n".join(lines))
    # /committee: the committee report's benchmark slot (bench/latency.py), reported as
    # skipped until the command is merged.
    table = summary(header, targets)
    print("\n" + "\n".join(table))
    RESULTS.write_text(
        "\n".join(header) + "\n\n" + "\n\n".join(sections) + "\n\n" + "\n".join(table) + "\n"
    )
    print(f"\nwritten to {RESULTS.relative_to(BENCH.parent)}")
    if not arguments.quick and not failed:
        readme = README.read_text()
        readme = replace_section(readme, "results", "\n".join(table))
        if PLANS.exists():
            readme = replace_section(readme, "plans", PLANS.read_text())
        README.write_text(readme)
        print(f"and into {README.relative_to(BENCH.parent)} (results and query plans)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
