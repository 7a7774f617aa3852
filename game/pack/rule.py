"""What a field of the pack format allows, written beside the field and read by pydantic
only when a pack file is validated.

The format's tables (`game.pack.schema`) are plain dataclasses, so a command that gets
its packs already validated (`game.pack.cache`) never imports pydantic. A `Rule` holds
the arguments of pydantic's `Field` (bounds, pattern, lengths, a description for the JSON
Schema, a union's discriminator) and, as `after`, a function that checks a value further
(pydantic's `AfterValidator`): pydantic asks it for its schema through the
`__get_pydantic_core_schema__` hook, and only then is pydantic imported.

    Word = Annotated[int, Rule(ge=0, le=WORD_MASK)]
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, TypeAdapter
    from pydantic_core import CoreSchema


class Rule:
    def __init__(self, *, after: Callable[[Any], Any] | None = None, **field: Any) -> None:
        self.after = after
        self.field = field

    def __repr__(self) -> str:
        given = {**self.field, **({"after": self.after.__name__} if self.after else {})}
        return f"Rule({', '.join(f'{key}={value!r}' for key, value in given.items())})"

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic import AfterValidator, Field

        metadata: list[Any] = [Field(**self.field)] if self.field else []
        if self.after is not None:
            metadata.append(AfterValidator(self.after))
        return handler(Annotated[(source, *metadata)])  # type: ignore[valid-type]


@cache
def validator(table: type) -> TypeAdapter[Any]:
    """pydantic's validator of a table of the format, built once a process (building it
    costs far more than validating with it)."""
    from pydantic import TypeAdapter

    return TypeAdapter(table)
