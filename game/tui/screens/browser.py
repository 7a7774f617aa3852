"""The first screen: packs and their puzzles, with the player's status and best scores.

The tree appears at once; packs load in a thread worker begun after the first
frame, so neither a large or broken pack nor the imports loading takes (pydantic,
the pack models) delay it. The details pane gets its Markdown widgets with the
first puzzle to show (Markdown imports a parser the first frame does without).
Highlighting a puzzle shows its description, its machine's limits and a
preview of one test input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static, Tree
from textual.widgets.tree import TreeNode

from game.progress import locked
from game.tui.context import GameContext
from game.tui.layout import width_class
from game.tui.manual_text import limits_markdown
from game.tui.widgets.footer import GameFooter
from machine.collector import keep_alive_objects

if TYPE_CHECKING:
    from game.catalog import PuzzleEntry
    from game.pack import Puzzle
    from game.store import Best

PREVIEW_WORDS = 8
TREE_TITLE = 24
"""Characters of a title the tree shows in full; longer ones show the part before a colon."""


def tree_title(title: str, limit: int = TREE_TITLE) -> str:
    """'Sapling' for 'Sapling: 8 walkers, 4 rounds, a tree of height 2' (the details pane
    has the whole title); a title that fits, or has no colon, as it is."""
    head, colon, _ = title.partition(": ")
    return head if colon and len(title) > limit else title


@dataclass(frozen=True)
class PuzzleStatus:
    entry: PuzzleEntry
    best: dict[str, Best]
    needs: list[str] = field(default_factory=list)
    """Puzzles to solve before this one opens; empty when it is open."""

    @property
    def solved(self) -> bool:
        return bool(self.best)

    def label(self) -> Text:
        puzzle = self.entry.puzzle
        if self.needs:
            return Text(f"◌ {tree_title(puzzle.title)}", style="dim")
        label = Text("✓ " if self.solved else "· ", style="bold green" if self.solved else "dim")
        label.append(tree_title(puzzle.title))
        if self.solved:
            metric = puzzle.primary_metric
            best = self.best.get(metric)
            if best is not None:
                label.append(f"  {best.value:,} {metric}", style="dim")
        return label


def input_preview(entry: PuzzleEntry, words: int = PREVIEW_WORDS) -> Text:
    """Each region of the first scored seed's memory image: where, how long, first words."""
    from game.inputs import generate_memory, layout

    puzzle = entry.puzzle
    seed = puzzle.scored_seeds[0]
    memory = generate_memory(puzzle, seed)
    text = Text(f"Test input, seed {seed} ({len(memory):,} words)\n", style="bold")
    for region in layout(puzzle):
        shown = memory[region.start:region.start + min(region.length, words)]
        more = " …" if region.length > words else ""
        checked = " (checked)" if region.checked else ""
        text.append(f"{region.name}", style="bold")
        text.append(f" @{region.start} ×{region.length}{checked}: ", style="dim")
        text.append(" ".join(map(str, shown)) + more + "\n")
    return text


class BrowserScreen(Screen[None]):
    """Packs, puzzles in play order, status and best scores."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Reload packs", id="reload-packs"),
        Binding("u", "unlock_all", "Unlock all", id="unlock-all",
                tooltip="Open every puzzle, solved or not (again: back to the climb)"),
    ]

    def __init__(self, context: GameContext):
        super().__init__(classes=width_class(self.app))
        self.context = context
        self.puzzle: Puzzle | None = None
        """The highlighted puzzle (the manual shows its machine)."""
        self._statuses: dict[str, PuzzleStatus] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browser"):
            tree: Tree[str] = Tree("Packs", id="puzzles")
            tree.show_root = False
            yield tree
            with VerticalScroll(id="details"):
                yield LoadingIndicator()
                yield Static(id="preview")
        yield GameFooter()

    def on_mount(self) -> None:
        self.sub_title = "choose a puzzle"
        self.query_one(Tree).focus()
        self.call_after_refresh(self.load_packs)

    def on_screen_resume(self) -> None:
        if self._statuses:
            self.load_packs()

    def action_reload(self) -> None:
        self.load_packs()

    def action_unlock_all(self) -> None:
        settings = self.context.settings
        settings.unlock_all = not settings.unlock_all
        problem = self.context.save_settings()
        if problem:
            self.notify(problem, severity="warning")
        self.notify("every puzzle is open" if settings.unlock_all else
                    "puzzles open as you solve the ones before them", timeout=3)
        self.load_packs()

    @work(thread=True, exclusive=True, group="packs")
    def load_packs(self) -> None:
        from game.store import StoreError

        catalog = self.context.catalog
        _, pack_errors = catalog.load_all()
        errors = [str(error) for error in pack_errors]
        bests = {}
        entries = list(catalog.entries())
        for entry in entries:
            try:
                bests[entry.id] = self.context.best_scores(entry.id)
            except StoreError as error:  # a damaged score file hides scores, not puzzles
                if str(error) not in errors:
                    errors.append(str(error))
                bests[entry.id] = {}
        closed = locked(entries, {name for name, best in bests.items() if best},
                        self.context.settings.unlock_all)
        self.context.locked = closed
        statuses = {entry.id: PuzzleStatus(entry, bests[entry.id], closed.get(entry.id, []))
                    for entry in entries}
        # The packs stay loaded as long as the game runs: out of every later collection.
        keep_alive_objects()
        self.app.call_from_thread(self._show_packs, statuses, errors)
        # What opening a puzzle imports, imported now, while the player reads the list:
        # the first puzzle opened then takes no longer than any other.
        import game.tui.screens.puzzle  # noqa: F401

    def _show_packs(self, statuses: dict[str, PuzzleStatus], errors: list[str]) -> None:
        if not self.is_attached:
            return
        if statuses == self._statuses and not errors:
            return  # back from a puzzle with nothing new: the tree and the details stand
        self._statuses = statuses
        tree: Tree[str] = self.query_one("#puzzles", Tree)
        highlighted = tree.cursor_node.data if tree.cursor_node else None
        tree.clear()
        pack_nodes: dict[str, TreeNode[str]] = {}
        for status in statuses.values():
            pack = status.entry.pack
            if pack.id not in pack_nodes:
                pack_nodes[pack.id] = tree.root.add(Text(tree_title(pack.pack.title), style="bold"),
                                                    expand=True)
            pack_nodes[pack.id].add_leaf(status.label(), data=status.entry.id)
        for message in errors:
            tree.root.add_leaf(Text(f"⚠ {message}", style="bold red"))
            self.notify(message, title="Cannot be loaded", severity="error", timeout=10)
        self.query_one(LoadingIndicator).display = False
        wanted = highlighted if highlighted in statuses else next(iter(statuses), None)
        if wanted is not None:
            self.show_puzzle(statuses[wanted])
            nodes = [node for pack_node in pack_nodes.values() for node in pack_node.children
                     if node.data == wanted]
            # The tree knows its nodes' lines only after it has laid them out.
            tree.call_after_refresh(tree.move_cursor, nodes[0])

    @on(Tree.NodeHighlighted, "#puzzles")
    def show_details(self, event: Tree.NodeHighlighted[str]) -> None:
        status = self._statuses.get(event.node.data or "")
        if status is None:
            return
        self.show_puzzle(status)

    def _show_markdown(self, widget_id: str, source: str) -> None:
        """Into the details pane, before the preview; the widget is made on first use."""
        from game.tui.widgets.plain_markdown import PlainMarkdown

        shown = self.query(f"#{widget_id}")
        if shown:
            shown.first(PlainMarkdown).update(source)
        else:
            self.query_one("#details").mount(PlainMarkdown(source, id=widget_id),
                                             before="#preview")

    def show_puzzle(self, status: PuzzleStatus) -> None:
        entry = status.entry
        puzzle = entry.puzzle
        self.puzzle = puzzle
        bests = ", ".join(f"{best.value:,} {metric}" for metric, best in status.best.items())
        standing = f"**Solved.** Your best: {bests}." if status.solved else "*Not solved yet.*"
        if status.needs:
            standing = ("**Locked:** solve " + ", ".join(f"`{n}`" for n in status.needs)
                        + " first (u unlocks every puzzle).")
        self._show_markdown("description", f"# {puzzle.title}\n\n`{entry.id}` · {standing}"
                            f" Enter opens it.\n\n{puzzle.description}")
        self._show_markdown("limits", "## Machine\n\n"
                            + limits_markdown(puzzle.machine_config(), puzzle.cycle_limit))
        self.query_one("#preview", Static).update(input_preview(entry))

    @on(Tree.NodeSelected, "#puzzles")
    def open_selected(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self.app.open_puzzle(event.node.data)  # type: ignore[attr-defined]
