"""Fuzz the `vliw` command line: python -m tools.fuzz --minutes M --seed S [--out FILE.json].

Run from the repository's root. Makes packs, solutions, JSON programs, histograms, memory
images and garbage, runs each through a real `vliw` command in a child process under a
time and memory limit, and prints how many inputs of each kind ended in each class. Every
distinct exit 3, over-time, over-memory, traceback or signal is shrunk and saved with a
command that replays it (with --findings DIR). Exit 1 if there was any.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any

from tools.fuzz.campaign import Settings, run_campaign
from tools.fuzz.cases import KINDS
from tools.fuzz.runner import CLASSES, Limits


def _print_table(title: str, rows: dict[str, dict[str, int]]) -> None:
    width = max([len(title), *map(len, rows)])
    print(f"{title:<{width}}  " + "  ".join(f"{c:>11}" for c in CLASSES))
    for name, counts in rows.items():
        print(f"{name:<{width}}  " + "  ".join(f"{counts[c]:>11,}" for c in CLASSES))
    print()


def print_report(report: dict[str, Any]) -> None:
    print(f"{report['cases']:,} inputs in {report['minutes']:g} minutes (seed {report['seed']})")
    _print_table("kind", report["by_kind"])
    _print_table("command", report["by_command"])
    print("slowest run and largest memory per command:")
    for command, seconds in sorted(report["slowest_seconds"].items()):
        print(f"  {command:<14} {seconds:6.1f} s  {report['largest_rss_mb'][command]:7.0f} MB")
    if report["maker_errors"]:
        print(f"inputs the fuzzer failed to make: {report['maker_errors']}")
    print(f"\n{len(report['findings'])} distinct failures:")
    for finding in report["findings"]:
        print(f"  {finding['count']:>5} x  {finding['signature']}  "
              f"({', '.join(finding['commands'])})")
        if finding["reproducer"]:
            print(f"           {finding['reproducer']}/command.sh")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.fuzz",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    parser.add_argument("--kind", action="append", choices=KINDS,
                        help="only this kind of input (repeatable; default all)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address space per run")
    parser.add_argument("--findings", type=Path,
                        help="save a shrunk reproducer of every distinct failure here")
    parser.add_argument("--shrink-seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, help="also write the report as JSON")
    args = parser.parse_args(argv)
    settings = Settings(seed=args.seed, minutes=args.minutes, jobs=args.jobs,
                        limits=Limits(args.timeout, args.memory_mb * 1024 * 1024),
                        kinds=tuple(args.kind or KINDS), findings=args.findings,
                        shrink_seconds=args.shrink_seconds)
    # Stopped by a signal, the campaign still removes its files (run in the background,
    # a shell may have set SIGINT to be ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    report = run_campaign(settings)
    print_report(report)
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    return 1 if report["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
