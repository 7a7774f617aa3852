"""What limits the cycles, drawn: per engine its slots, floor, use, and use over the run.

One row per engine: slots executed, slots a cycle, the floor those slots
force, the share of the engine used, and a strip of bars, one per stretch of
the run, as full as the engine was in that stretch. Then the dependency chain
and the floor that binds, against the cycles the run took.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from game.tui.assembly import counted
from game.tui.widgets.slot_usage import BARS
from machine.bottleneck import CRITICAL_PATH, Bottleneck

ENGINE_STYLES = {"alu": "#5fd7ff", "valu": "#d787ff", "load": "#87d75f", "store": "#ffaf5f",
                 "flow": "#ff5f87"}


def level(share: float) -> str:
    """A bar as full as the share (0..1); a dot for nothing at all."""
    if share <= 0:
        return "·"
    steps = len(BARS) - 1
    return BARS[max(1, min(steps, round(share * steps)))]


def bottleneck_text(bottleneck: Bottleneck, *, path_pending: bool = False) -> Text:
    cycles = bottleneck.cycles
    text = Text()
    text.append(f"{cycles:,} cycles", style="bold")
    text.append(" in this run\n\n")
    text.append(f"{'engine':<7}{'slots':>10}{'/cycle':>8}{'floor':>9}{'use':>6}  over the run\n",
                style="dim")
    name, floor = bottleneck.binding
    for load in bottleneck.engines:
        engine = load.engine.value
        text.append(f"{engine:<7}", style=f"bold {ENGINE_STYLES.get(engine, '')}")
        text.append(f"{load.slots:>10,}{load.per_cycle:>8}")
        text.append(f"{load.floor:>9,}", style="bold reverse" if engine == name else "")
        text.append(f"{load.utilisation:>6.0%}  ")
        text.append("".join(level(share) for share in load.over_time) + "\n",
                    style=ENGINE_STYLES.get(engine, ""))
    text.append("\n")
    if bottleneck.critical_path is not None:
        text.append(f"{CRITICAL_PATH}: ")
        text.append(f"{bottleneck.critical_path:,} cycles",
                    style="bold reverse" if name == CRITICAL_PATH else "bold")
        text.append(" (through scratch; memory not followed)\n", style="dim")
    elif path_pending:
        text.append(f"{CRITICAL_PATH}: working it out…\n", style="dim")
    else:
        text.append(f"{CRITICAL_PATH}: not worked out for code that jumps\n", style="dim")
    text.append("\nWhat binds: ", style="bold")
    text.append(f"{name}", style="bold")
    text.append(f", a floor of {floor:,} cycles")
    if cycles and floor:
        text.append(f": this run takes {cycles / floor:,.1f}× that.")
        slack = cycles - floor
        above = f" {counted(slack, 'cycle')} above it: "
        text.append(" At the floor, no cycle would be spare." if slack <= 0 else
                    above + f"pack more {name} work into each bundle." if name != CRITICAL_PATH
                    else above + "shorten the chain, or run more chains side by side.")
    text.append("\n")
    return text


class BottleneckView(Static):
    """Shows a `Bottleneck` (or a word on what is being worked out)."""

    def show(self, bottleneck: Bottleneck, *, path_pending: bool = False) -> None:
        self.update(bottleneck_text(bottleneck, path_pending=path_pending))
