"""The rule library's index (`rules/__pycache__/library.*.json`): what it gives back is what parsing gives,
a changed file is read again, and a broken or unwritable index only costs the parse (ADR 0290)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tfreview.rules as library
from tfreview.rules.declarative import load_rule_file
from tfreview.rules.library_index import LibraryIndex, index_path, read_toml, wait_until_settled

_LIBRARY = Path(library.__file__).parent
_TYPES = library._TYPES_IN_TOML


def _rule_file(folder: Path, name: str, types: str = '"aws_s3_bucket"', extra: str = "") -> Path:
    path = folder / name
    path.write_text(f'[rule]\nid = "TFR-AWS-999"\nresource_types = [{types}]\n{extra}', encoding="utf-8")
    _backdate(path)
    return path


def _backdate(path: Path, seconds: int = 60) -> None:
    """A file last changed a while ago (a file changed just now is not kept: see the racy test)."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns - seconds * 1_000_000_000))


def _saved(base: Path, where: Path) -> LibraryIndex:
    """An index that read what a first one saved."""
    return LibraryIndex(base, where)


def test_every_declarative_rule_comes_back_from_the_index_as_parsed(tmp_path: Path) -> None:
    where = tmp_path / "library.json"
    files = sorted(_LIBRARY.glob("*/*.toml"))
    first = LibraryIndex(_LIBRARY, where)
    for file in files:
        first.toml(file)
    assert first.save(force=True)
    second = _saved(_LIBRARY, where)
    for file in files:
        assert second.toml(file) == read_toml(file), file
    assert not second.save(force=False)  # nothing new: nothing written


def test_rules_loaded_through_the_index_are_the_rules_parsed_from_their_files(tmp_path: Path) -> None:
    where = tmp_path / "library.json"
    LibraryIndex(_LIBRARY, where).save(force=True)
    for file in sorted(_LIBRARY.glob("aws/*.toml"))[:40]:
        if file.with_suffix(".py").exists():
            continue  # the examples of a Python rule
        filling = LibraryIndex(_LIBRARY, where)
        filling.toml(file)
        filling.save(force=True)
        indexed = load_rule_file(file, "aws", parse=_saved(_LIBRARY, where).toml)
        parsed = load_rule_file(file, "aws")
        assert (indexed.id, indexed.title, indexed.defaults, indexed.references) == (
            parsed.id,
            parsed.title,
            parsed.defaults,
            parsed.references,
        )


def test_declared_types_are_kept_and_a_changed_file_is_read_again(tmp_path: Path) -> None:
    where = tmp_path / "index.json"
    rule = _rule_file(tmp_path, "a.toml")
    first = LibraryIndex(tmp_path, where)
    assert first.declared_types("a.toml", _TYPES) == ("aws_s3_bucket",)
    assert first.save(force=True)
    assert _saved(tmp_path, where).declared_types("a.toml", _TYPES) == ("aws_s3_bucket",)

    _rule_file(tmp_path, "a.toml", types='"aws_s3_bucket", "aws_kms_key"')  # another size
    os.utime(rule, ns=(rule.stat().st_atime_ns, rule.stat().st_mtime_ns + 1_000_000))
    changed = _saved(tmp_path, where)
    assert changed.declared_types("a.toml", _TYPES) == ("aws_s3_bucket", "aws_kms_key")
    assert changed.toml(rule)["rule"]["resource_types"] == ["aws_s3_bucket", "aws_kms_key"]


def test_a_file_changed_twice_within_one_timestamp_tick_with_the_same_size_is_read_again(tmp_path: Path) -> None:
    # A coarse file system clock (kernel ticks, 2 s on FAT) gives two quick edits of the same size the same
    # stamp; an entry of a file changed just before the index is written is not kept, as git does.
    where = tmp_path / "index.json"
    rule = tmp_path / "a.toml"
    rule.write_text('[rule]\nid = "TFR-AWS-111"\nresource_types = ["aws_s3_bucket"]\n', encoding="utf-8")
    first = LibraryIndex(tmp_path, where)
    assert first.toml(rule)["rule"]["id"] == "TFR-AWS-111"
    assert first.declared_types("a.toml", _TYPES) == ("aws_s3_bucket",)
    first.save(force=True)
    stamp = rule.stat()
    rule.write_text('[rule]\nid = "TFR-AWS-222"\nresource_types = ["aws_kms_key__"]\n', encoding="utf-8")
    os.utime(rule, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # the same tick
    assert rule.stat().st_size == stamp.st_size
    again = _saved(tmp_path, where)
    assert again.toml(rule)["rule"]["id"] == "TFR-AWS-222"
    assert again.declared_types("a.toml", _TYPES) == ("aws_kms_key__",)


def test_a_list_that_is_not_literal_names_stays_unknown(tmp_path: Path) -> None:
    where = tmp_path / "index.json"
    _rule_file(tmp_path, "a.toml", types="SOME_CONSTANT")
    first = LibraryIndex(tmp_path, where)
    assert first.declared_types("a.toml", _TYPES) is None
    first.save(force=True)
    assert _saved(tmp_path, where).declared_types("a.toml", _TYPES) is None


def test_toml_json_cannot_hold_is_parsed_each_time(tmp_path: Path) -> None:
    where = tmp_path / "index.json"
    rule = _rule_file(tmp_path, "a.toml", extra="when = 2026-12-04\nbig = 18446744073709551616\n")
    infinite = _rule_file(tmp_path, "b.toml", extra="far = inf\n")
    first = LibraryIndex(tmp_path, where)
    expected = read_toml(rule)
    assert first.toml(rule) == expected
    assert first.toml(infinite)["rule"]["far"] == float("inf")
    first.save(force=True)
    again = _saved(tmp_path, where).toml(rule)
    assert again["rule"]["when"] == expected["rule"]["when"]  # a date, not the string JSON would give
    assert again["rule"]["big"] == 18446744073709551616
    assert _saved(tmp_path, where).toml(infinite)["rule"]["far"] == float("inf")  # JSON would write null
    assert b"2026-12-04" not in where.read_bytes()
    assert b"far" not in where.read_bytes()


def test_a_broken_or_foreign_index_is_ignored(tmp_path: Path) -> None:
    rule = _rule_file(tmp_path, "a.toml")
    where = tmp_path / "index.json"
    for content in (b"{not json", b"[1, 2]", b'{"format": 999, "files": {}}', b'{"format": 1, "files": []}'):
        where.write_bytes(content)
        index = LibraryIndex(tmp_path, where)
        assert index.toml(rule) == read_toml(rule)
        assert index.declared_types("a.toml", _TYPES) == ("aws_s3_bucket",)
        assert index.save(force=False) is (not sys.dont_write_bytecode)
    where.write_bytes(b'{"format": 1, "files": {"a.toml": {"stamp": "no", "toml": {"rule": {}}}}}')
    assert LibraryIndex(tmp_path, where).toml(rule) == read_toml(rule)  # a stamp that matches nothing


def test_the_toml_is_kept_as_json_text_and_a_damaged_text_is_parsed_again(tmp_path: Path) -> None:
    """ADR 0469: the index holds each file's TOML as JSON text, parsed only for the files asked for."""
    rule = _rule_file(tmp_path, "a.toml")
    other = _rule_file(tmp_path, "b.toml", types='"aws_kms_key"')
    where = tmp_path / "index.json"
    _backdate(rule)
    _backdate(other)
    first = LibraryIndex(tmp_path, where)
    first.toml(rule)
    first.toml(other)
    assert first.save(force=True)
    saved = json.loads(where.read_bytes())
    assert saved["format"] == 2
    assert isinstance(saved["files"]["a.toml"]["toml"], str)
    assert json.loads(saved["files"]["a.toml"]["toml"]) == read_toml(rule)
    saved["files"]["a.toml"]["toml"] = '{"rule": {"id": '  # cut short
    where.write_bytes(json.dumps(saved).encode())
    again = LibraryIndex(tmp_path, where)
    assert again.toml(rule) == read_toml(rule)
    assert again.toml(other) == read_toml(other)


def test_the_stateful_types_table_is_read_through_the_index() -> None:
    from tfreview.rules import library_toml
    from tfreview.rules.support.stateful import TABLE_FILE, stateful_types

    assert library_toml(TABLE_FILE) == read_toml(TABLE_FILE)
    assert stateful_types()["aws_db_instance"].kind


def test_invalid_toml_raises_as_parsing_does_and_is_not_kept(tmp_path: Path) -> None:
    rule = tmp_path / "a.toml"
    rule.write_text("[rule\n", encoding="utf-8")
    index = LibraryIndex(tmp_path, tmp_path / "index.json")
    with pytest.raises(Exception, match="line 1") as raised:
        index.toml(rule)
    assert type(raised.value).__name__ == "TOMLDecodeError"
    assert "toml" not in index._entry("a.toml", rule)


def test_written_only_where_bytecode_is_and_never_failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = _rule_file(tmp_path, "a.toml")
    where = tmp_path / "cache" / "index.json"
    index = LibraryIndex(tmp_path, where)
    index.toml(rule)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert not index.save()
    assert not where.exists()
    assert index.save(force=True)
    assert where.exists()
    assert oct(where.stat().st_mode & 0o777) == oct(tmp_path.stat().st_mode & 0o666)
    assert not list(where.parent.glob(".library.*"))  # no temporary file left

    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    unwritable = LibraryIndex(tmp_path, blocked / "index.json")  # its folder cannot be made
    unwritable.toml(rule)
    assert not unwritable.save(force=True)


def test_the_index_lives_beside_the_bytecode() -> None:
    where = index_path(_LIBRARY)
    assert where is not None
    assert where.parent == _LIBRARY / "__pycache__"
    assert where.name == f"library.{sys.implementation.cache_tag}.json"


def test_python_m_tfreview_rules_writes_the_index_whatever_the_bytecode_setting() -> None:
    where = index_path(_LIBRARY)
    assert where is not None
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tfreview.rules"], env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(where)
    assert where.exists()
    index = LibraryIndex(_LIBRARY, where)
    kms = _LIBRARY / "aws" / "kms_key_rotation.toml"
    assert index.toml(kms) == read_toml(kms)
    assert not index.save(force=False)  # every file was already there


def test_a_fresh_checkout_is_waited_for_so_the_index_it_writes_is_not_empty(tmp_path: Path) -> None:
    """`python -m tfreview.rules` right after a clone or an install: every file is newer than the racy window,
    so an index written at once leaves every entry out (seen: a 23-byte index in a fresh worktree)."""
    rule = _rule_file(tmp_path, "fresh.toml")
    os.utime(rule)  # written just now, as by a checkout
    written = rule.stat().st_mtime_ns
    at_once = LibraryIndex(tmp_path, tmp_path / "index.json")
    at_once.toml(rule)
    assert at_once.save(force=True)
    assert not _saved(tmp_path, tmp_path / "index.json")._files  # the racy window left it out

    slept: list[float] = []
    seconds = wait_until_settled(tmp_path, clock=lambda: written + 500_000_000, sleep=slept.append)
    assert slept == [seconds]
    assert 1.5 < seconds <= 1.502  # the rest of the two-second window, no more

    wait_until_settled(tmp_path)  # for real this time
    after_wait = LibraryIndex(tmp_path, tmp_path / "index.json")
    after_wait.toml(rule)
    assert after_wait.save(force=True)
    assert "fresh.toml" in _saved(tmp_path, tmp_path / "index.json")._files

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s for files already settled")

    assert wait_until_settled(tmp_path, sleep=no_sleep) == 0.0
