"""How many Terraform files a scan reads (ADR 0587, ADR 0604): at most MAX_SCAN_FILES in all — every folder a scan
reads, its modules' (hidden ones and those outside the scanned folder too), a module read again for each root that
calls it. Past it the scan is refused before the folder's files are read: one line naming the scan, exit 2.

>>> count = FileCount("infra")
>>> count.take(MAX_SCAN_FILES)
>>> count.take(1)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
tfreview.parsing.file_bound.TooManyReads: scanning infra reads more than 50,000 Terraform files ... at most 50,000 ...
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreview.core.errors import InputError

# Terraform files (.tf, .tfvars) one scan of a folder reads at most (ADR 0587): 200,000 tiny files were all listed,
# read and parsed, minutes and gigabytes for a pull request's say-so
MAX_SCAN_FILES = 50_000


class TooManyFiles(InputError):
    """A folder holds more Terraform files than a scan reads: refused before any is read (exit 2)."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where} holds more than {MAX_SCAN_FILES:,} Terraform files (.tf, .tfvars): a scan reads at most "
            f"{MAX_SCAN_FILES:,} (scan a folder that holds fewer)"
        )


class TooManyReads(InputError):
    """A scan would read more Terraform files than it reads, its modules' with them (ADR 0604)."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"scanning {where} reads more than {MAX_SCAN_FILES:,} Terraform files (.tf, .tfvars) with the modules it "
            f"calls (a module again for each root that calls it): a scan reads at most {MAX_SCAN_FILES:,} (scan a "
            "folder that holds fewer)"
        )


@dataclass(slots=True)
class FileCount:
    """The Terraform files one scan has listed to read, every folder and root together (ADR 0587, ADR 0604): the
    root walk does not count hidden module folders nor those outside the scanned one, and a module is read again for
    each root calling it. `where` names the scan in the refusal."""

    where: str
    counted: int = 0

    def take(self, files: int) -> None:
        """`files` more about to be read; TooManyReads, before any of them is read, past MAX_SCAN_FILES in all."""
        self.counted += files
        if self.counted > MAX_SCAN_FILES:
            raise TooManyReads(self.where)
