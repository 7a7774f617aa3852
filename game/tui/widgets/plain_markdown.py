"""Textual's Markdown widget, with code blocks shown as written.

A code block without a language (the indented `.vasm` examples of the puzzle
descriptions) makes Textual ask Pygments to guess one: Pygments tries every
lexer it has, and through their plugins imports IPython, 0.6 s or more the
first time, for colours that belong to some other language anyway. Here such
a block is plain text; a block that names its language is highlighted as before.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock, MarkdownFence


class PlainFence(MarkdownFence):
    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False,
                  dark: bool = False) -> Content:
        return super().highlight(code, language or "text", ansi=ansi, dark=dark)


class PlainMarkdown(Markdown):
    BLOCKS: ClassVar[dict[str, type[MarkdownBlock]]] = {
        **Markdown.BLOCKS, "fence": PlainFence, "code_block": PlainFence}
