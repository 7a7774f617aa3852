"""Loading programs and memory images from files: format choice, limits, unreadable files."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machine import files, loader
from machine.loader import (
    MAX_PROGRAM_BYTES,
    MemoryFileError,
    load_memory,
    load_program,
    parse_program,
)
from machine.program import ProgramError

VASM = "    const 0, 5\n    halt\n"
JSON = '[{"load": [["const", 0, 5]]}, {"flow": [["halt"]]}]'


def problem_of(path: Path) -> str:
    with pytest.raises(ProgramError) as caught:
        load_program(path)
    assert len(caught.value.problems) == 1
    return str(caught.value)


@pytest.mark.parametrize(
    ("name", "text"),
    [("p.vasm", VASM), ("p.json", JSON), ("p.txt", VASM), ("p.txt", JSON), ("noext", "\n " + JSON)],
)
def test_both_forms_by_extension_or_content(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    program = load_program(path)
    assert [slot.name for _, _, slot in program.slots()] == ["const", "halt"]
    assert program.source is not None and program.source.path == str(path)


def test_the_extension_wins_over_the_content(tmp_path: Path) -> None:
    path = tmp_path / "p.vasm"
    path.write_text(JSON)
    assert problem_of(path) == (f"{path}: looks like a take-home JSON program (it begins with "
                                "'['), but its name says .vasm; name it .json")


def test_a_byte_order_mark_and_crlf_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "p.vasm"
    path.write_bytes(b"\xef\xbb\xbf" + VASM.replace("\n", "\r\n").encode())
    assert len(load_program(path)) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"    halt\n\x00\x01", "is not a text file (binary data: a NUL byte at offset 9)"),
        (b"    halt # \xff\xfe", "is not a text file (binary data: invalid UTF-8 at offset 11)"),
    ],
)
def test_empty_and_binary_files_get_one_clear_message(tmp_path: Path, content: bytes,
                                                      message: str) -> None:
    path = tmp_path / "p.vasm"
    path.write_bytes(content)
    assert problem_of(path) == f"{path}: {message}"


def test_missing_files_and_folders(tmp_path: Path) -> None:
    assert problem_of(tmp_path / "nope.vasm") == f"{tmp_path / 'nope.vasm'}: no such file"
    assert problem_of(tmp_path) == f"{tmp_path}: is a folder, not a file"


def test_a_file_above_the_limit_is_refused_without_being_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.vasm"
    with path.open("wb") as handle:
        handle.truncate(MAX_PROGRAM_BYTES + 1)  # sparse: no disk used

    def refuse_to_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", refuse_to_open)
    assert problem_of(path) == (f"{path}: is 33,554,433 bytes (32 MiB); program files are "
                                "limited to 33,554,432 bytes (32 MiB)")


def test_a_file_that_grows_past_the_limit_is_read_only_up_to_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A pipe or a device has no size to stat: the read itself stops at limit + 1 bytes.
    monkeypatch.setattr(loader, "MAX_PROGRAM_BYTES", 100)
    path = tmp_path / "grows.vasm"
    path.write_text(VASM * 50)
    sizes: list[int] = []
    real_read = files._read_at_most

    def recording_read(fd: int, count: int) -> bytes:
        sizes.append(count)
        return real_read(fd, count)

    monkeypatch.setattr(files, "_refuse", lambda *args: None)  # stat and fstat saw no size
    monkeypatch.setattr(files, "_read_at_most", recording_read)
    assert problem_of(path) == f"{path}: is larger than the 100 bytes allowed for program files"
    assert sizes == [101]


def test_parse_program_refuses_blank_text() -> None:
    with pytest.raises(ProgramError, match="is empty"):
        parse_program("  \n", "x.vasm")


def test_vlen_reaches_the_assembler(tmp_path: Path) -> None:
    path = tmp_path / "p.vasm"
    path.write_text(".vector v\n.scalar s\n    vadd v, v, v\n")
    assert load_program(path, vlen=4).symbols[1].address == 4


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
       st.sampled_from(["r.vasm", "r.json", "r.bin"]))
def test_any_bytes_load_or_raise_program_error(content: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            load_program(path)
        except ProgramError as error:
            assert str(error).startswith(str(path))


# --- memory images ------------------------------------------------------------------


def test_a_memory_image_is_a_list_of_words(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps([0, 1, 2**32 - 1]))
    assert load_memory(path) == [0, 1, 2**32 - 1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "m.json: is empty"),
        ('{"a": 1}', "m.json: expected a JSON list of words, not {'a': 1}"),
        ("[1, 2", "m.json:1:6: not valid JSON"),
        ("[0, 1, -1]", "m.json: memory word 2 is -1, not an integer in 0..2^32-1"),
        ("[0, 4294967296]", "m.json: memory word 1 is 4294967296"),
        ("[0, 1.5]", "m.json: memory word 1 is 1.5"),
        ("[true]", "m.json: memory word 0 is True"),
    ],
)
def test_bad_memory_images_name_the_file_and_the_word(tmp_path: Path, content: str,
                                                      message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(MemoryFileError) as caught:
        load_memory(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")
