"""Puzzles and play: packs, inputs, references, scoring, histograms, score store, CLI, TUI."""
