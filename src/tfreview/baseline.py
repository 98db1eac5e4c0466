"""Baselines: record today's findings once, then report only new ones (`--baseline FILE`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tfreview import __version__
from tfreview.core.errors import ConfigError
from tfreview.core.findings import Review, Status
from tfreview.plumbing.small_files import read_small_text

BASELINE_VERSION = 1
_MAX_BASELINE_BYTES = 256 * 1024 * 1024  # a baseline is ~150 bytes a finding: a million findings fit


def baseline_document(review: Review) -> str:
    entries = sorted(
        (
            {"fingerprint": f.fingerprint, "rule_id": f.rule_id, "address": f.address, "path": f.evidence.path}
            for f in review.findings
            if f.status is not Status.RESOLVED
        ),
        key=lambda e: (e["rule_id"], e["address"], e["path"]),
    )
    document = {
        "version": BASELINE_VERSION,
        "tool": f"tfreview {__version__}",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "findings": entries,
    }
    return json.dumps(document, indent=2) + "\n"


def load_baseline(path: Path) -> frozenset[str]:
    try:
        document = json.loads(read_small_text(path, _MAX_BASELINE_BYTES, "a tfreview baseline"))
    except FileNotFoundError:
        raise ConfigError(
            "baseline file not found (create it with `tfreview baseline create`)", path=str(path)
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"baseline is not valid JSON: {exc}", path=str(path)) from None
    except RecursionError:  # the standard library reads nested arrays recursively
        raise ConfigError("baseline is not valid JSON: nested too deeply", path=str(path)) from None
    except OSError as exc:  # a directory, no permission
        raise ConfigError(f"cannot read the baseline: {exc.strerror}", path=str(path)) from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise ConfigError(f"not a tfreview baseline (expected version {BASELINE_VERSION})", path=str(path))
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise ConfigError("baseline has no `findings` list", path=str(path))
    return frozenset(str(e["fingerprint"]) for e in findings if isinstance(e, dict) and "fingerprint" in e)
