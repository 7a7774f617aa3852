"""A shared leaderboard: an HTTP service that scores every submission itself.

A player sends a program's text and a puzzle id, never a score. The service runs
the program on the puzzle exactly as `vliw check` does (`game.scoring.score_program`:
fixed cases, scored seeds, robustness seeds derived from the program, the worst
cycles) in separate worker processes, keeps what passes, counts each distinct
program (`machine.identity.content_hash`) once per puzzle, and serves the
histograms built from what it has measured.

- `storage`: what the service keeps (a `Storage` protocol; SQLite behind it);
- `validation`: the function the worker processes run on one submission;
- `pool`: the worker processes, their bounded queue and their time limit;
- `limits`: the per-client token buckets;
- `app`: the ASGI application (Starlette), `pages` its HTML;
- `client`: the HTTP client of `vliw board submit` and `vliw hist --url`
  (standard library only: showing a board's histogram needs no web framework).

This package's `__init__` imports nothing, so importing `game.board.client`
does not bring in Starlette.
"""
