"""Unified diff → the (path, line) pairs GitHub accepts for a RIGHT-side review comment."""

from __future__ import annotations

from tfreview.integrations.github.diff_lines import diff_lines_from_files, lines_from_patch, parse_unified_diff

DIFF = """\
diff --git a/main.tf b/main.tf
index 1111111..2222222 100644
--- a/main.tf
+++ b/main.tf
@@ -1,4 +1,5 @@
 resource "aws_s3_bucket" "logs" {
-  bucket = "old"
+  bucket = "new"
+  acl    = "public-read"
 }
 \n@@ -20,2 +21,3 @@ resource "x" "y" {
 a
+b
 c
diff --git a/gone.tf b/gone.tf
deleted file mode 100644
--- a/gone.tf
+++ /dev/null
@@ -1,2 +0,0 @@
-resource "a" "b" {
-}
diff --git a/modules/db/new.tf b/modules/db/new.tf
new file mode 100644
--- /dev/null
+++ b/modules/db/new.tf
@@ -0,0 +1,2 @@
+resource "aws_db_instance" "main" {
+}
\\ No newline at end of file
diff --git a/old name.tf b/new name.tf
similarity index 100%
rename from old name.tf
rename to new name.tf
diff --git "a/caf\\303\\251.tf" "b/caf\\303\\251.tf"
--- "a/caf\\303\\251.tf"
+++ "b/caf\\303\\251.tf"
@@ -1 +1 @@
-x
+y
"""


def test_added_and_context_lines_are_inside_the_diff() -> None:
    lines = parse_unified_diff(DIFF)
    assert lines.right["main.tf"] == frozenset({1, 2, 3, 4, 5, 21, 22, 23})
    assert lines.added["main.tf"] == frozenset({2, 3, 22})
    assert lines.contains("main.tf", 3)
    assert not lines.contains("main.tf", 6)  # between hunks
    assert not lines.contains("main.tf", 24)  # after the last hunk


def test_deleted_file_has_no_head_lines_and_new_file_has_all() -> None:
    lines = parse_unified_diff(DIFF)
    assert "gone.tf" not in lines.right
    assert lines.right["modules/db/new.tf"] == frozenset({1, 2})


def test_rename_without_changes_has_no_lines_and_quoted_names_are_unquoted() -> None:
    lines = parse_unified_diff(DIFF)
    assert "new name.tf" not in lines.right
    assert lines.right["café.tf"] == frozenset({1})


def test_patch_of_the_files_api() -> None:
    patch = "@@ -3,3 +3,4 @@ x\n a\n+b\n+c\n-d\n e"
    assert lines_from_patch(patch) == frozenset({3, 4, 5, 6})
    lines = diff_lines_from_files([("a.tf", patch), ("big.tf", None)])
    assert lines.contains("a.tf", 4)
    assert not lines.contains("big.tf", 1)  # no patch (too large): no line may be commented


def test_hunk_without_lengths_counts_one_line() -> None:
    assert lines_from_patch("@@ -1 +1 @@\n-a\n+b") == frozenset({1})


def test_lines_that_look_like_headers_inside_a_hunk_are_content() -> None:
    patch = "@@ -1,2 +1,3 @@\n a\n+++ b/not-a-header\n b"
    assert lines_from_patch(patch) == frozenset({1, 2, 3})
