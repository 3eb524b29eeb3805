"""`make bench`: the three benchmarks, one after another, into bench/results.txt.

Each runs in its own process (so none inherits another's memory or event loop); their
output is shown as it comes and written to bench/results.txt with the machine's details.

    python -m bench.run [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench.common import BENCH, machine

RESULTS = BENCH / "results.txt"
BENCHMARKS = (
    ("throughput", "bench.throughput", ["--updates", "5000", "--rounds", "5"]),
    ("latency", "bench.latency", ["--runs", "20"]),
    ("memory", "bench.memory", []),
)
QUICK = {
    "throughput": ["--updates", "1000", "--rounds", "2", "--warmup", "200"],
    "latency": ["--runs", "5", "--sizes", "county-year,county-decade"],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer updates and runs, no state database"
    )
    arguments = parser.parse_args(argv)
    header = [
        f"KIM-Bot benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {machine()}",
    ]
    sections = []
    failed = []
    print("\n".join(header), flush=True)
    for name, module, args in BENCHMARKS:
        if arguments.quick and name == "memory":
            continue
        args = QUICK.get(name, args) if arguments.quick else args
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
        seconds = time.perf_counter() - started
        status = "" if process.returncode == 0 else f", FAILED with exit code {process.returncode}"
        lines.append(f"({seconds:.0f} s{status})")
        print(lines[-1], flush=True)
        if process.returncode != 0:
            failed.append(name)
        sections.append("\n".join(lines))
    RESULTS.write_text("\n".join(header) + "\n\n" + "\n\n".join(sections) + "\n")
    print(f"\nwritten to {RESULTS.relative_to(BENCH.parent)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
