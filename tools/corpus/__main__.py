"""Write the offline corpus: python -m tools.corpus [--pack P] [--check].

Run from the repository's root. Every pack with a generator module here gets
its programs scored and written to corpus/<pack>/<puzzle>/<name>.vasm; a file
left over from an earlier run is removed. Programs that fail, or copy a shipped
or earlier program, are counted and not written. With --check nothing is
written: the command exits 1 if the files on disk differ from what it would
write.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.catalog import Catalog
from game.paths import PROJECT_ROOT, atomic_write_text
from tools.corpus.common import Outcome, corpus_files, generate, has_generator, pack_folder


def _differences(folder: Path, outcome: Outcome) -> list[str]:
    on_disk = set(folder.rglob("*.vasm")) if folder.is_dir() else set()
    stale = [path for path, text in outcome.files.items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    return sorted(str(p.relative_to(PROJECT_ROOT)) for p in [*stale, *on_disk - set(outcome.files)])


def _write(folder: Path, outcome: Outcome) -> None:
    for path, text in outcome.files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
    for path in (set(folder.rglob("*.vasm")) if folder.is_dir() else set()) - set(outcome.files):
        path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.corpus",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--pack", action="append",
                        help="only this pack (repeatable; default every pack with a generator)")
    parser.add_argument("--check", action="store_true",
                        help="only report corpus files that are missing, stale or left over")
    args = parser.parse_args(argv)
    catalog = Catalog()
    known = [pack.id for pack in catalog.load_all()[0]]
    packs = args.pack or [pack for pack in known if has_generator(pack)]
    for pack in packs:
        if pack not in known or not has_generator(pack):
            print(f"python -m tools.corpus: no corpus generator for pack {pack!r}",
                  file=sys.stderr)
            return 2
    status = 0
    for pack in packs:
        outcome = corpus_files(pack, generate(pack), catalog)
        folder = pack_folder(pack)
        for failure in outcome.failed:
            print(f"failed, not written: {failure}", file=sys.stderr)
        if args.check:
            for where in _differences(folder, outcome):
                print(f"{where} is stale: run python -m tools.corpus --pack {pack}",
                      file=sys.stderr)
                status = 1
        else:
            _write(folder, outcome)
        print(f"{pack}: {len(outcome.files)} programs, {len(outcome.failed)} failed, "
              f"{len(outcome.copies)} copies of others dropped")
    return status


if __name__ == "__main__":
    sys.exit(main())
