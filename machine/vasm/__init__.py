"""`.vasm`, the text assembly of the machine (docs/vasm.md): parse it, print it.

One bundle per line, slots separated by `||`, one mnemonic per operation (the
engine is inferred from it), named scratch declared with directives, labels
for jump targets, `#` comments and a `# key: value` header. The printer writes
the one canonical text, which the parser reads back as the same program.
"""

from machine.vasm.parser import parse
from machine.vasm.printer import format_program, format_slot

__all__ = ["format_program", "format_slot", "parse"]
