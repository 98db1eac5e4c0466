"""`tfreview scan DIR` of a tree holding one large `.tf` file (ADR 0683): parsing HCL holds ~500 bytes of memory per
byte of source (a 1 MB map literal: 8 s of CPU and 500 MB; four of them 933 MB), and a `.tf` file was read up to
32 MiB — one file a pull request adds could need ~16 GB and take the CI job or the service's worker down. A `.tf` or
`.tfvars` file past MAX_TERRAFORM_FILE_BYTES (1 MiB; the largest file of the shared corpus is 103 KB) is not read:
named with the reason, as every file not read is — exit 2, or listed under coverage with --allow-parse-errors.
Nor is a file that would take one review's parsed Terraform past MAX_SOURCE_CHARACTERS (4 MiB, ADR 0684): files
each under the bound add up (four 1 MB map literals: 25 s of CPU and 933 MB), and a module called is parsed too.
The trees are written at run time; a long string literal is cheap to parse, a map literal is what costs."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from tfreview.parsing.hcl import changeset_from_sources
from tfreview.parsing.hcl_read_budget import MAX_SOURCE_CHARACTERS
from tfreview.parsing.source_tree import MAX_TERRAFORM_FILE_BYTES

MEMORY = 300 * 1024 * 1024  # bytes of address space the scan may take: main's parse of the map below passed it


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _scan(cwd: Path, *args: str, capped: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfreview", "scan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
        check=False,
        preexec_fn=_bounded if capped else None,
    )


def _long_string(path: Path, size: int) -> None:
    """A `.tf` file of exactly `size` bytes: one local holding a long string."""
    head, tail = 'locals {\n  s = "', '"\n}\n'
    path.write_text(head + "x" * (size - len(head) - len(tail)) + tail, encoding="utf-8")


def _map_literal(path: Path, size: int) -> None:
    """A `.tf` file of `size` bytes or a few more: one local holding a map of short strings (what parsing costs)."""
    lines = ["locals {\n  m = {\n"]
    written = len(lines[0])
    while written < size:
        lines.append(f'    k{len(lines)} = "v{len(lines)}"\n')
        written += len(lines[-1])
    lines.append("  }\n}\n")
    path.write_text("".join(lines), encoding="utf-8")


def test_a_tf_file_past_the_bound_is_named_and_not_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    _long_string(tree / "big.tf", MAX_TERRAFORM_FILE_BYTES + 1)
    (tree / "main.tf").write_text('resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n', encoding="utf-8")
    done = _scan(tmp_path, "tree", "-o", "json", "--output-file", "report.json")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "tfreview: error: 1 file could not be parsed and was not reviewed: big.tf (larger than 1 MiB; not read); "
        "fix it, or pass --allow-parse-errors to review the rest"
    )
    assert not (tmp_path / "report.json").exists()  # nothing half-written
    rest = _scan(tmp_path, "tree", "-o", "json", "--allow-parse-errors")
    assert rest.returncode == 0, rest.stderr
    coverage = json.loads(rest.stdout)["coverage"]
    assert coverage["files_skipped"] == [{"file": "tree/big.tf", "reason": "larger than 1 MiB; not read"}]
    assert coverage["files_parsed"] == ["tree/main.tf"]


def test_a_tf_file_at_the_bound_is_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    _long_string(tree / "big.tf", MAX_TERRAFORM_FILE_BYTES)
    assert (tree / "big.tf").stat().st_size == MAX_TERRAFORM_FILE_BYTES
    done = _scan(tmp_path, "tree", "-o", "json")
    assert done.returncode == 0, done.stderr
    coverage = json.loads(done.stdout)["coverage"]
    assert coverage["files_parsed"] == ["tree/big.tf"]
    assert coverage["files_skipped"] == []


def test_a_map_literal_past_the_bound_is_refused_within_a_modest_memory_cap(tmp_path: Path) -> None:
    # main read and parsed it: 4.8 s of CPU, then MemoryError under this cap (500 MB without one)
    tree = tmp_path / "tree"
    tree.mkdir()
    _map_literal(tree / "values.tf", MAX_TERRAFORM_FILE_BYTES + 1)
    (tree / "terraform.tfvars").write_bytes(b"region = " + b'"eu-west-1"' + b" " * MAX_TERRAFORM_FILE_BYTES + b"\n")
    done = _scan(tmp_path, "tree", "-o", "json", "--allow-parse-errors", capped=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["coverage"]["files_skipped"] == [
        {"file": "tree/terraform.tfvars", "reason": "larger than 1 MiB; not read"},
        {"file": "tree/values.tf", "reason": "larger than 1 MiB; not read"},
    ]


def test_files_past_one_reviews_budget_are_named_and_not_parsed(tmp_path: Path) -> None:
    # each file under the per-file bound; together, with the module the root calls, past the review's budget
    tree = tmp_path / "tree"
    (tree / "modules" / "m").mkdir(parents=True)
    part = MAX_TERRAFORM_FILE_BYTES  # at the per-file bound: read
    for name in ("a.tf", "b.tf", "c.tf"):
        _long_string(tree / name, part)
    (tree / "main.tf").write_text('module "m" {\n  source = "./modules/m"\n}\n', encoding="utf-8")
    _long_string(tree / "modules" / "m" / "big.tf", part)
    (tree / "modules" / "m" / "small.tf").write_text('variable "v" {\n  default = "x"\n}\n', encoding="utf-8")
    read = 3 * part + len((tree / "main.tf").read_text(encoding="utf-8"))
    assert read + part > MAX_SOURCE_CHARACTERS >= read + len((tree / "modules" / "m" / "small.tf").read_text())
    why = f"not parsed: one review parses at most {MAX_SOURCE_CHARACTERS:,} characters of Terraform, and the files read"
    done = _scan(tmp_path, "tree", "-o", "json", "--output-file", "report.json")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"tfreview: error: 1 file could not be parsed and was not reviewed: modules/m/big.tf ({why} before it hold "
        f"{read:,}); fix it, or pass --allow-parse-errors to review the rest"
    )
    assert not (tmp_path / "report.json").exists()
    rest = _scan(tmp_path, "tree", "-o", "json", "--allow-parse-errors")
    assert rest.returncode == 0, rest.stderr
    coverage = json.loads(rest.stdout)["coverage"]
    assert coverage["files_skipped"] == [{"file": "tree/modules/m/big.tf", "reason": f"{why} before it hold {read:,}"}]
    assert coverage["files_parsed"] == [
        "tree/a.tf",
        "tree/b.tf",
        "tree/c.tf",
        "tree/main.tf",
        "tree/modules/m/small.tf",
    ]


def test_a_pull_requests_files_are_held_to_the_same_budget() -> None:
    # a pull request's head and base (GitHub: at most 1,000,000 characters a file, `SourceLimits.max_file_chars`)
    # each parse at most MAX_SOURCE_CHARACTERS; a file left out on both sides is one entry (r21-mend)
    text = 'locals {\n  s = "' + "x" * 1_000_000 + '"\n}\n'
    files = {f"part{n}.tf": text for n in range(5)}
    change_set = changeset_from_sources(files, files)
    skipped = change_set.coverage.files_skipped
    read = 4 * len(text)
    assert [file for file, _ in skipped] == ["part4.tf"]  # at head and in base: one file not reviewed
    assert skipped[0][1] == (
        f"not parsed: one review parses at most {MAX_SOURCE_CHARACTERS:,} characters of Terraform, and the files read "
        f"before it hold {read:,}; in base too"
    )
