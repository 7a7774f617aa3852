"""Fuzzing the game's ways in: generators of every kind of input, a runner that classifies
what a real `vliw` command does with them, and a bounded campaign (`python -m tools.fuzz`)."""
