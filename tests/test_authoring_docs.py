"""docs/authoring.md against the pack format itself, so the page cannot drift from it.

Every `<!-- keys: NAME -->` table documents one object of the JSON Schema
(`vliw pack schema`): "pack file" is the document, the other names are its
`$defs`. A table must list exactly the object's keys, with the type the
schema gives, "required" exactly for its required keys, the default the
schema (or, for defaults built by a factory, the model) gives, and an example
the schema accepts. Every object of the schema has its table. The page's
complete pack loads and passes `vliw pack test`.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from dataclasses import MISSING, Field, fields
from pathlib import Path
from typing import Any, get_type_hints

import jsonschema
import pytest
from pydantic import TypeAdapter

from game.authoring import pack_test
from game.pack import json_schema, parse_pack
from game.pack import schema as pack_schema
from game.paths import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "authoring.md"
TEXT = DOC.read_text(encoding="utf-8")
SCHEMA = json_schema()
DOCUMENT = "pack file"
_MARKER = re.compile(r"<!-- keys: (.+?) -->\n((?:\|.*\n)+)")


def documented_tables() -> dict[str, list[dict[str, str]]]:
    tables: dict[str, list[dict[str, str]]] = {}
    for name, block in _MARKER.findall(TEXT):
        lines = block.strip().splitlines()
        header = [cell.strip() for cell in lines[0].strip("|").split("|")]
        assert header == ["key", "type", "default", "example", "meaning"], name
        rows = []
        for line in lines[2:]:
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            assert len(cells) == len(header), line
            rows.append(dict(zip(header, cells, strict=True)))
        assert name not in tables, f"two tables for {name}"
        tables[name] = rows
    return tables


TABLES = documented_tables()


def schema_object(name: str) -> dict[str, Any]:
    return SCHEMA if name == DOCUMENT else SCHEMA["$defs"][name]


def model_of(name: str) -> type:
    return pack_schema.Pack if name == DOCUMENT else getattr(pack_schema, name)


def fields_by_key(model: type) -> dict[str, tuple[Any, Field[Any]]]:
    """Each key of the table, by the name the file uses: (its type, its dataclass field)."""
    hints = get_type_hints(model, include_extras=True)
    key_of = model.__pydantic_config__.get("alias_generator", str)
    return {key_of(field.name): (hints[field.name], field) for field in fields(model)}


def default_of(field: Field[Any]) -> Any:
    return field.default if field.default is not MISSING else field.default_factory()


def code(cell: str) -> str:
    assert cell.startswith("`") and cell.endswith("`"), f"{cell!r} is not `code`"
    return cell[1:-1]


def toml_value(text: str) -> Any:
    return tomllib.loads(f"value = {text}")["value"]


def plural(kind: str) -> str:
    return kind.replace("array", "arrays", 1) if kind.startswith("array") else kind + "s"


def toml_type(node: dict[str, Any]) -> str:
    """The TOML type a property of the schema takes, in the page's words."""
    if "anyOf" in node:  # X or null: TOML has no null, a key left out is the default
        [kept] = [option for option in node["anyOf"] if option.get("type") != "null"]
        return toml_type(kept)
    if "$ref" in node:
        return "table"
    if "const" in node or "enum" in node:
        return "string"
    kind = node["type"]
    if kind == "array":
        items = node["items"]
        if "$ref" in items or "oneOf" in items:
            return "array of tables"
        return "array of " + plural(toml_type(items))
    if kind == "object":
        values = node.get("additionalProperties")
        if not isinstance(values, dict):
            [values] = node["patternProperties"].values()
        return "table of " + plural(toml_type(values))
    return {"integer": "integer", "string": "string", "boolean": "boolean"}[kind]


def test_every_object_of_the_format_has_its_table() -> None:
    assert set(TABLES) == {DOCUMENT, *SCHEMA["$defs"]}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_table_lists_exactly_the_keys_with_type_and_required(name: str) -> None:
    node = schema_object(name)
    rows = TABLES[name]
    assert [code(row["key"]) for row in rows] == list(node["properties"])
    required = set(node.get("required", ()))
    for row in rows:
        key = code(row["key"])
        assert row["type"] == toml_type(node["properties"][key]), f"{name}.{key}"
        assert (row["default"] == "required") == (key in required), f"{name}.{key}"
        assert row["meaning"], f"{name}.{key} says nothing"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_table_gives_the_real_defaults(name: str) -> None:
    node = schema_object(name)
    model = model_of(name)
    by_key = fields_by_key(model)
    for row in TABLES[name]:
        key = code(row["key"])
        if row["default"] == "required":
            continue
        prop = node["properties"][key]
        documented = None if row["default"] == "not set" else toml_value(code(row["default"]))
        if "default" in prop:
            assert documented == prop["default"], f"{name}.{key}"
            continue
        kind, field = by_key[key]
        adapter = TypeAdapter(kind)
        actual = default_of(field)
        assert adapter.dump_python(adapter.validate_python(documented), mode="json") == \
            adapter.dump_python(actual, mode="json"), f"{name}.{key}"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_example_is_valid(name: str) -> None:
    node = schema_object(name)
    for row in TABLES[name]:
        key = code(row["key"])
        example = toml_value(code(row["example"]))
        prop = {"$defs": SCHEMA["$defs"], **node["properties"][key]}
        jsonschema.validate(example, prop)


def toml_blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", TEXT, flags=re.DOTALL)


def test_the_complete_pack_loads_and_passes_pack_test(tmp_path: Path) -> None:
    [text] = toml_blocks()
    pack = parse_pack(text, "example.toml")
    path = tmp_path / f"{pack.id}.toml"
    path.write_text(text, encoding="utf-8")
    result = pack_test(path, random_seeds=4)
    assert result.passed, result.problems()
    assert len(result.puzzles) == 2


def command_lines() -> list[str]:
    """The `vliw ...` lines of the page's code blocks, continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", TEXT)
    return [line.split("#")[0].split(">")[0]
            for line in re.findall(r"^vliw .*$", joined, flags=re.MULTILINE)]


def test_the_commands_on_the_page_parse() -> None:
    from game.cli import build_parser

    lines = command_lines()
    assert len(lines) >= 8
    for line in lines:
        try:
            args = build_parser().parse_args(shlex.split(line)[1:])
        except SystemExit:
            pytest.fail(f"the page's command does not parse: {line}")
        assert args.func is not None, line
