"""An upload holding many sensitive values costs time in its size, not in its size × its number of secrets (ADR 0606).

Found from the outside (review17c, session 17): a generated plan of N `aws_db_instance`s, each with its own
sensitive password, uploaded as is — `redact_plan_json` (the stored copy) and `masked_addresses` (ADR 0595) searched
every string of the plan for every secret: 1,000 resources 2.5 s, 2,000 8.5 s, 4,000 50 s, 100,000 hours, all in the
upload request. Here 20,000 sensitive strings (a sensitive output) and a resource with 20,000 tags: before, 4·10^8
substring searches (minutes; ~0.5 s now at load 8 on 2 CPUs, benchmarks/upload_many_secrets_cost.py). No timing
here (no timing thresholds in tests): the search's secrets are grouped once per upload, not once per string or part
of a finding, and what it finds is right.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Set as AbstractSet

import pytest

from tfreview.core.redact import SENSITIVE, mask_text
from tfreview.core.secret_search import SecretSearch
from tfreview.parsing.plan_json import load_plan
from tfreview.service.uploads import masked_addresses
from tfreview.store.plan_records import prepare_plan
from tfreview.store.plan_redaction import redact_plan_json

COUNT = 20_000


def _groupings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many secrets each `SecretSearch` made while the test runs grouped (each grouping is the per-upload cost)."""
    made: list[int] = []
    grouping = SecretSearch.__init__

    def counted(self: SecretSearch, secrets: AbstractSet[str]) -> None:
        made.append(len(secrets))
        grouping(self, secrets)

    monkeypatch.setattr(SecretSearch, "__init__", counted)
    return made


def _plan() -> bytes:
    secrets = [f"pw-{n:08d}-secret" for n in range(COUNT)]
    tags = {f"k{n}": f"plain-{n:08d}-value" for n in range(COUNT)}
    tags["holder"] = f"ticket {secrets[COUNT // 2]} opened"  # a copy inside a longer string
    return json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.9.8",
            "resource_changes": [
                {
                    "address": "aws_s3_bucket.b",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "name": "b",
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "change": {
                        "actions": ["create"],
                        "before": None,
                        "after": {"bucket": "b", "tags": tags},
                        "after_unknown": {},
                        "before_sensitive": False,
                        "after_sensitive": {},
                    },
                }
            ],
            "output_changes": {
                "passwords": {
                    "actions": ["create"],
                    "before": None,
                    "after": secrets,
                    "after_unknown": False,
                    "before_sensitive": False,
                    "after_sensitive": True,
                }
            },
        }
    ).encode()


def test_many_secrets_are_searched_in_time_linear_in_the_upload(monkeypatch: pytest.MonkeyPatch) -> None:
    body = _plan()
    made = _groupings(monkeypatch)
    masked = masked_addresses(load_plan(body, path="many-secrets"))
    stored = json.loads(redact_plan_json(body))
    assert len(made) <= 3, made  # grouped once per pass over the upload, not once per string
    assert max(made) >= COUNT, made
    assert masked == frozenset({"aws_s3_bucket.b"})
    tags = stored["resource_changes"][0]["change"]["after"]["tags"]
    assert tags["holder"] == f"ticket {SENSITIVE} opened"
    assert tags["k7"] == "plain-00000007-value"
    assert f"pw-{COUNT // 2:08d}-secret" not in json.dumps(stored)


def test_the_findings_kept_with_many_secrets_are_masked_in_time_linear_in_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The findings made on the original are masked with the upload's secrets before they are stored: a real
    `serve` took over 30 s to answer a 4,000-resource upload (8 kept findings a resource, 4,000 secrets), each of
    the 96,000 parts of a finding searched for every secret (and the whole set sorted again for each)."""
    body = _plan()
    kept = [
        {
            "rule_id": "TFR-AWS-093",
            "address": f"aws_s3_bucket.b{n}",
            "message": f"a message about bucket {n}",
            "evidence": {"path": "tags", "value": f"pw-{n:08d}-secret" if n % 1000 == 0 else f"tag {n}"},
        }
        for n in range(COUNT)
    ]
    made = _groupings(monkeypatch)
    prepared = prepare_plan(body, "plan_json", {}, kept)
    assert len(made) <= 3, made  # the findings' parts share one grouping (one per part took 333 s)
    assert prepared.findings is not None
    stored = json.loads(prepared.findings)
    assert stored[1000]["evidence"]["value"] == SENSITIVE
    assert stored[7]["evidence"]["value"] == "tag 7"
    assert "-secret" not in prepared.findings


def test_the_search_masks_as_mask_text_does() -> None:
    secrets = {f"tok-{n:05d}" for n in range(200)} | {"abc", "abcdef", "cdefgh", "xyz-long-secret"}
    search = SecretSearch(secrets)
    for text in ("abcdefgh", "tok-00042 and tok-00199", "xyz-long-secretabc", "nothing here", "abc", ""):
        assert search.mask(text) == mask_text(text, secrets), text
        assert search.holds(text) == any(secret in text for secret in secrets), text
    assert not SecretSearch(set())
    assert SecretSearch({"abc"}).found("xabcx") == {"abc"}


def test_overlapping_secrets_mask_alike_whatever_the_hash_seed() -> None:
    """Two secrets of one length overlapping in a text: which went first followed the set's order, so the stored
    copy of one upload differed from process to process (its SHA-256 too)."""
    code = "from tfreview.core.redact import mask_text; print(mask_text('abcdefgh', {'abcdef', 'cdefgh'}))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(1, 9)
    }
    assert outputs == {f"{SENSITIVE}gh\n"}
