"""A puzzle's workbench: the player's named solutions, the editor, and the run.

Typing is saved on its own (`AUTOSAVE_AFTER` seconds after the first unsaved
keystroke, and whenever the player leaves the solution), atomically, through
`game.player_solutions`. The text is assembled in a thread worker after each
pause in typing, and the assembler's problems are marked in the editor. A run
validates the saved file exactly as `vliw check` does
(`game.scoring.score_solution_file`) in a worker; a pass opens the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Header,
    Label,
    ListItem,
    ListView,
    OptionList,
    ProgressBar,
    Static,
)
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from game.player_solutions import SolutionError, check_name
from game.tui.assembly import Assembly, assemble
from game.tui.context import GameContext
from game.tui.layout import width_class
from game.tui.screens.dialogs import ConfirmDialog, NameDialog
from game.tui.statement_text import statement_markdown
from game.tui.widgets.asm_editor import MAX_EDITABLE_LINES, AsmEditor
from game.tui.widgets.code_view import CodeView
from game.tui.widgets.drawn_markdown import DrawnMarkdown
from game.tui.widgets.footer import GameFooter
from game.tui.widgets.run_report import failure_text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from game.catalog import PuzzleEntry
    from game.scoring import Report
    from game.store import Recorded
    from machine.program import Problem, Program

AUTOSAVE_AFTER = 0.5
"""Seconds from the first unsaved keystroke to the save: the most typing a kill can lose."""
ASSEMBLE_AFTER = 0.3
"""Seconds of quiet before the text is assembled again."""


def starter_text(puzzle_id: str) -> str:
    return (f"# puzzle: {puzzle_id}\n"
            "\n"
            "# One bundle per line; slots of a bundle separated by ||. F1 opens the manual.\n"
            "\n")


class SolutionItem(ListItem):
    """A solution's name, and its primary score if it has passed."""

    def __init__(self, name: str, metric: str, scores: Mapping[str, int] | None):
        super().__init__(Label(self.label(name, metric, scores)))
        self.solution = name

    @staticmethod
    def label(name: str, metric: str, scores: Mapping[str, int] | None) -> Text:
        text = Text(name)
        if scores is not None and metric in scores:
            text.append(f"\n  {scores[metric]:,} {metric}", style="dim")
        return text

    def show_scores(self, metric: str, scores: Mapping[str, int] | None) -> None:
        self.query_one(Label).update(self.label(self.solution, metric, scores))


class PuzzleScreen(Screen[None]):
    """Solutions on the left, the editor on the right, problems and run results below."""

    AUTO_FOCUS = "#editor"
    """Focused as the screen is made (not the first focusable, the list of solutions, then
    the editor: each move of the focus styles the widgets again)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run", "Run", priority=True, id="run",
                tooltip="Validate on every test, as vliw check does"),
        Binding("ctrl+g", "debug", "Debug", priority=True, id="debug",
                tooltip="Step through a test"),
        Binding("ctrl+t", "toggle_statement", "Statement", id="statement", priority=True,
                tooltip="Show or hide the puzzle's statement beside the code"),
        Binding("ctrl+l", "focus_solutions", "Solutions", id="solutions", priority=True,
                tooltip="The list of your solutions of this puzzle"),
        Binding("f4", "new", "New", id="new-solution"),
        Binding("f3", "copy", "Copy", id="copy-solution"),
        Binding("f2", "rename", "Rename", id="rename-solution"),
        Binding("f8", "delete", "Delete", id="delete-solution"),
        Binding("escape", "back", "Back", priority=True, id="back",
                tooltip="Back to the list of puzzles"),
    ]

    def __init__(self, context: GameContext, puzzle_id: str):
        super().__init__(classes=width_class(self.app))
        self.context = context
        self.puzzle_id = puzzle_id
        self.entry: PuzzleEntry = context.catalog.puzzle(puzzle_id)
        self.puzzle = self.entry.puzzle
        self.config = self.puzzle.machine_config()
        self.solution: str | None = None
        self.breakpoints: dict[str, frozenset[int]] = {}
        self._saved_text: str | None = None
        self._save_timer: Timer | None = None
        self._assemble_timer: Timer | None = None
        self.assembly: Assembly | None = None
        self._editor = AsmEditor(id="editor")
        self.editable = True
        self._large_text = ""
        self._located: list[Problem] = []
        self.statement_source = ""
        """The statement's Markdown, as drawn beside the editor."""

    # --- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="workbench"):
            with Vertical(id="solutions-pane"):
                yield Label("Solutions")
                yield ListView(id="solutions")
            with Vertical(id="editor-pane"):
                yield self._editor
                yield Static(id="problems")
                yield OptionList(id="problem-list")
                yield ProgressBar(total=None, show_eta=False, id="run-progress")
                yield Static(id="report")
            with VerticalScroll(id="statement-pane"):
                yield Static(id="statement")
        yield GameFooter()

    async def on_mount(self) -> None:
        self.title = self.puzzle.title
        self.query_one("#statement-pane").display = self.context.settings.statement
        self._show_statement()
        solutions = self.context.solutions
        names = solutions.names(self.puzzle_id)
        if not names:
            names = [solutions.new(self.puzzle_id, starter_text(self.puzzle_id))]
        await self._show_solution_list(solutions.most_recent(self.puzzle_id) or names[0])
        self.focus_code()

    def focus_code(self) -> None:
        """The editor, or the read-only listing of a text too long to edit."""
        (self.editor if self.editable else self._large_view()).focus()

    def _large_view(self, text: str | None = None) -> CodeView:
        """The read-only listing of a text too long to edit, `text` in it if given; made
        the first time such a text is shown (most puzzles never need it: one widget less
        to style and lay out each time a puzzle opens)."""
        found = self.query("#large-view")
        if not found:
            listing = CodeView(text or "", id="large-view")
            self.query_one("#editor-pane").mount(listing, before=self._editor)
            return listing
        listing = found.first(CodeView)
        if text is not None:
            listing.load_text(text)
        return listing

    @property
    def editor(self) -> AsmEditor:
        # Kept from compose: saving on unmount still reads it once it has left the DOM.
        return self._editor

    def _show_statement(self) -> None:
        from game.store import StoreError

        try:
            best = {metric: b.value for metric, b in
                    self.context.best_scores(self.puzzle_id).items()}
        except StoreError:
            best = {}
        source = statement_markdown(self.puzzle, best)
        if source == self.statement_source:
            return  # drawn already (the screen resumes as soon as it is first shown)
        self.statement_source = source
        self.query_one("#statement", Static).update(DrawnMarkdown(source))

    def action_toggle_statement(self) -> None:
        """Show or hide the statement; the choice is kept for every puzzle and later games."""
        settings = self.context.settings
        settings.statement = not settings.statement
        self.query_one("#statement-pane").display = settings.statement
        problem = self.context.save_settings()
        if problem:
            self.notify(problem, severity="warning")

    def action_focus_solutions(self) -> None:
        self.query_one("#solutions", ListView).focus()

    def _solution_scores(self) -> dict[str, Mapping[str, int]]:
        from game.store import StoreError

        try:
            return self.context.solution_scores(self.puzzle_id)
        except StoreError:
            return {}

    async def _show_solution_list(self, selected: str) -> None:
        """List the puzzle's solutions with their scores and open `selected`."""
        names = self.context.solutions.names(self.puzzle_id)
        scores = self._solution_scores()
        listing = self.query_one("#solutions", ListView)
        await listing.clear()
        metric = self.puzzle.primary_metric
        await listing.extend(SolutionItem(name, metric, scores.get(name)) for name in names)
        self.open_solution(selected)

    def on_screen_resume(self) -> None:
        """Back from the results: the new scores in the list and the statement."""
        scores = self._solution_scores()
        for item in self.query(SolutionItem):
            item.show_scores(self.puzzle.primary_metric, scores.get(item.solution))
        self._show_statement()

    def _select_in_list(self, name: str) -> None:
        listing = self.query_one("#solutions", ListView)
        for index, item in enumerate(listing.children):
            if isinstance(item, SolutionItem) and item.solution == name:
                listing.index = index

    # --- opening and saving ---------------------------------------------------------

    def open_solution(self, name: str) -> None:
        """Show a solution in the editor (saving the one shown before)."""
        self.save_now()
        try:
            text = self.context.solutions.read(self.puzzle_id, name)
        except SolutionError as error:
            self.notify(str(error), severity="error")
            return
        self.solution = name
        self._saved_text = text
        editor = self.editor
        self._show_text(text)
        editor.mark(breakpoints=self.breakpoints.get(name, frozenset()), errors=(),
                    fault_at=None)
        self.sub_title = name
        self._select_in_list(name)
        self._hide_report()
        self._schedule_assembly()

    @on(ListView.Selected, "#solutions")
    def solution_chosen(self, event: ListView.Selected) -> None:
        if isinstance(event.item, SolutionItem) and event.item.solution != self.solution:
            self.open_solution(event.item.solution)
            self.focus_code()

    def _show_text(self, text: str) -> None:
        """Into the editor; a text too long to edit goes to a read-only listing instead."""
        editor = self.editor
        self.editable = text.count("\n") < MAX_EDITABLE_LINES
        editor.display = self.editable
        editor.load_text(text if self.editable else "")
        editor.move_cursor(editor.document.end)
        self._large_text = "" if self.editable else text
        if self.editable:
            for listing in self.query("#large-view").results(CodeView):
                listing.display = False
                listing.load_text("")
        else:
            listing = self._large_view(text)
            listing.display = True
            listing.focus()
            self.notify(f"{self.solution} has {text.count(chr(10)):,} lines, more than can be"
                        " edited here: it is shown read-only. Run and Debug work as usual.",
                        timeout=8)

    @property
    def text(self) -> str:
        """The current solution's text."""
        return self.editor.text if self.editable else self._large_text

    @on(AsmEditor.Changed, "#editor")
    def text_changed(self) -> None:
        if not self.editable:
            return
        if self.editor.text != self._saved_text and self._save_timer is None:
            self._save_timer = self.set_timer(AUTOSAVE_AFTER, self.save_now)
        self._hide_report()  # it was about the text before this change
        self._schedule_assembly()

    def save_now(self) -> None:
        """Write the editor's text if it changed since the last save (atomic)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.solution is None or not self.editable:
            return
        text = self.editor.text
        if text == self._saved_text:
            return
        try:
            self.context.solutions.save(self.puzzle_id, self.solution, text)
        except OSError as error:
            self.notify(f"cannot save {self.solution}: {error}", severity="error")
            return
        self._saved_text = text

    def on_screen_suspend(self) -> None:
        self.save_now()

    def on_unmount(self) -> None:
        self.save_now()

    # --- assembling as you type ---------------------------------------------------------

    def _schedule_assembly(self) -> None:
        if self._assemble_timer is not None:
            self._assemble_timer.stop()
        self._assemble_timer = self.set_timer(ASSEMBLE_AFTER, self._assemble)

    def _assemble(self) -> None:
        self._assemble_timer = None
        path = str(self.context.solutions.path(self.puzzle_id, self.solution or "solution"))
        self.assemble_text(self.text, path)

    @work(thread=True, exclusive=True, group="assemble")
    def assemble_text(self, text: str, path: str) -> None:
        from game.tui.highlight import defined_labels

        assembly = assemble(text, path, self.config)
        labels = defined_labels(text)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_assembly, text, assembly, labels)

    def _show_assembly(self, text: str, assembly: Assembly, labels: frozenset[str]) -> None:
        if not self.is_attached or self not in self.app.screen_stack:
            return  # the player left the puzzle while it was being assembled
        if text != self.text:
            return  # typed meanwhile: a newer assembly is on its way
        self.assembly = assembly
        editor = self.editor
        editor.mark(labels=labels, errors=assembly.marks(), fault_at=None)
        problems = self.query_one("#problems", Static)
        problems.set_class(not assembly.ok, "-error")
        problems.set_class(assembly.ok, "-ok")
        problems.update(Text(assembly.summary(self.config.vlen)))
        listing = self.query_one("#problem-list", OptionList)
        listing.clear_options()
        located = [p for p in assembly.problems if p.line is not None]
        listing.add_options(Option(f"line {p.line}:{p.column or 1}: {p.message}", id=str(i))
                            for i, p in enumerate(located))
        listing.set_class(len(located) > 1, "-shown")
        self._located = located

    @on(OptionList.OptionSelected, "#problem-list")
    def jump_to_problem(self, event: OptionList.OptionSelected) -> None:
        """Put the cursor where the chosen problem is."""
        problem = self._located[event.option_index]
        if self.editable and problem.line is not None:
            self.editor.move_cursor((problem.line - 1, (problem.column or 1) - 1),
                                    center=True)
            self.editor.focus()
        elif problem.line is not None:
            listing = self._large_view()
            listing.cursor_line = problem.line
            listing.focus()

    # --- run -------------------------------------------------------------------------

    def action_run(self) -> None:
        if self.solution is None:
            return
        self.save_now()
        self._hide_report()
        self.query_one("#run-progress").add_class("-running")
        self.run_solution(self.solution)

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def run_solution(self, name: str) -> tuple[str, tuple[Program, Report] | None, str | None]:
        """Validate the saved file exactly as `vliw check` does; (name, scored, error)."""
        from game.scoring import SolutionFileError, score_solution_file

        path = self.context.solutions.path(self.puzzle_id, name)
        try:
            return name, score_solution_file(self.entry, path), None
        except SolutionFileError as error:
            return name, None, str(error)

    @on(Worker.StateChanged)
    def run_finished(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "run" or event.state not in (WorkerState.SUCCESS,
                                                              WorkerState.ERROR):
            return
        self.query_one("#run-progress").remove_class("-running")
        if event.state is WorkerState.ERROR:
            self._show_report(Text(f"internal error: {event.worker.error}"), failed=True)
            return
        name, scored, error = event.worker.result
        if error is not None or scored is None:
            self._show_report(Text(error or "the run failed"), failed=True)
            return
        program, report = scored
        if not report.passed:
            self._show_failure(report)
            return
        recorded = self._record(name, program, report)
        from game.tui.screens.results import ResultsScreen

        self.app.push_screen(ResultsScreen(self.entry, name, report, recorded, program))

    def _record(self, name: str, program: Program, report: Report) -> Recorded | None:
        """Put a passing run in the player's score history (and learn the previous best)."""
        from game.histogram import content_hash
        from game.store import ScoreStore, StoreError

        try:
            with ScoreStore.open(self.context.scores_path) as store:
                return store.record(self.puzzle_id, name, content_hash(program),
                                    report.scores.as_dict())
        except (StoreError, OSError) as error:
            self.notify(f"the score could not be recorded: {error}", severity="warning")
            return None

    def _show_failure(self, report: Report) -> None:
        self._show_report(failure_text(report), failed=True)
        failed = next((test for test in report.tests if not test.passed), None)
        if failed is not None and failed.fault is not None and self.assembly is not None:
            program = self.assembly.program
            fault = failed.fault
            if program is not None and program.source is not None:
                self.editor.mark(fault_at=program.source.position(fault.pc, fault.slot))

    def _show_report(self, text: Text, *, failed: bool) -> None:
        report = self.query_one("#report", Static)
        report.update(text)
        report.set_class(True, "-shown")
        report.set_class(failed, "-failed")

    def _hide_report(self) -> None:
        self.query_one("#report").set_class(False, "-shown")
        self.editor.mark(fault_at=None)

    # --- debugger ---------------------------------------------------------------------------

    def action_debug(self) -> None:
        assembly = self.assembly
        text = self.text
        if assembly is None or not assembly.ok or assembly.program is None:
            self.notify("fix the problems first: the debugger runs a program that assembles",
                        severity="warning")
            return
        from game.debug_target import DebugTarget
        from game.tui.screens.debugger import DebuggerScreen

        self.save_now()
        name = self.solution or ""
        screen = DebuggerScreen(DebugTarget.of_puzzle(self.puzzle, assembly.program), text,
                                self.breakpoints.get(name, frozenset()), self.puzzle)

        def keep_breakpoints(lines: frozenset[int] | None) -> None:
            if lines is not None:
                self.breakpoints[name] = lines
                self.editor.mark(breakpoints=lines)

        self.app.push_screen(screen, keep_breakpoints)

    # --- managing solutions ------------------------------------------------------------

    def _name_problem(self, name: str, allow: str | None = None) -> str | None:
        try:
            check_name(name)
        except SolutionError as error:
            return str(error)
        taken = {n.casefold() for n in self.context.solutions.names(self.puzzle_id)}
        if name.casefold() in taken and name.casefold() != (allow or "").casefold():
            return f"a solution named {name!r} already exists"
        return None

    async def _after_change(self, name: str) -> None:
        await self._show_solution_list(name)

    def action_new(self) -> None:
        solutions = self.context.solutions

        async def create(name: str | None) -> None:
            if name:
                solutions.new(self.puzzle_id, starter_text(self.puzzle_id), name)
                await self._after_change(name)

        self.save_now()
        self.app.push_screen(NameDialog("Name of the new solution",
                                        solutions.free_name(self.puzzle_id),
                                        self._name_problem), create)

    def action_copy(self) -> None:
        if self.solution is None:
            return
        solutions = self.context.solutions
        source = self.solution

        async def copy(name: str | None) -> None:
            if name:
                solutions.copy(self.puzzle_id, source, name)
                await self._after_change(name)

        self.save_now()
        self.app.push_screen(NameDialog(f"Copy {source!r} as",
                                        solutions.free_name(self.puzzle_id, f"{source} copy"),
                                        self._name_problem), copy)

    def action_rename(self) -> None:
        if self.solution is None:
            return
        old = self.solution

        async def rename(name: str | None) -> None:
            if name and name != old:
                self.context.solutions.rename(self.puzzle_id, old, name)
                if old in self.breakpoints:
                    self.breakpoints[name] = self.breakpoints.pop(old)
                self.solution = None  # the old name is gone: nothing to save under it
                await self._after_change(name)

        self.save_now()
        self.app.push_screen(NameDialog(f"Rename {old!r} to", old,
                                        lambda name: self._name_problem(name, allow=old)),
                             rename)

    def action_delete(self) -> None:
        if self.solution is None:
            return
        doomed = self.solution

        async def delete(sure: bool | None) -> None:
            if not sure:
                return
            solutions = self.context.solutions
            solutions.delete(self.puzzle_id, doomed)
            self.solution = None
            names = solutions.names(self.puzzle_id)
            if not names:
                names = [solutions.new(self.puzzle_id, starter_text(self.puzzle_id))]
            await self._after_change(names[0])

        self.save_now()
        self.app.push_screen(ConfirmDialog(f"Delete the solution {doomed!r}? Its text is lost.",
                                           "Delete"), delete)

    def action_back(self) -> None:
        self.save_now()
        self.app.pop_screen()
