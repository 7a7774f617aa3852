"""`--home DIR`: the player's data folder for this command (`vliw play`, `serve`, `hist`).

It sets VLIW_HOME for the process, so every part that finds the data folder
(`game.paths.data_home`: solutions, the score store, settings) agrees on it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_home_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", metavar="DIR",
                        help="your data folder (default: $VLIW_HOME or the platform's usual"
                             " place)")


def apply_home(args: argparse.Namespace) -> None:
    if args.home:
        os.environ["VLIW_HOME"] = str(Path(args.home).expanduser())
