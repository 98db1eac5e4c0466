"""r23-mend item 3 (ADR 0741): the keys azurerm's schema marks `Sensitive: true` under names that are no secret
names — a Stream Analytics input's or output's `storage_account_key`, `shared_access_policy_key` and
`cosmosdb_account_key`, a job storage account's `storage_account_key`, an App Service app's
`connection_string { value }` — were masked in a change read from source only when the value had a secret's shape
(an 88-character account key, `AccountKey=` in a connection string). A value of any other shape (a rotated key
pasted wrong, a SAS token, a key vault reference resolved by hand) reached the stored tarball's plan page and the
model's prompt. The canaries below have no secret's shape: only the schema's names can mask them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.llm_openai import FakeOpenAI
from tfreview.core.redact import SENSITIVE
from tfreview.parsing.hcl import changeset_from_sources
from tfreview.store.source_masking import sensitive_values_of_tree

KEYED = {  # resource type → the argument azurerm marks Sensitive (terraform-provider-azurerm, internal/services/…)
    "azurerm_stream_analytics_output_blob": "storage_account_key",
    "azurerm_stream_analytics_output_table": "storage_account_key",
    "azurerm_stream_analytics_stream_input_blob": "storage_account_key",
    "azurerm_stream_analytics_reference_input_blob": "storage_account_key",
    "azurerm_stream_analytics_job_storage_account": "storage_account_key",
    "azurerm_stream_analytics_stream_input_eventhub": "shared_access_policy_key",
    "azurerm_stream_analytics_stream_input_eventhub_v2": "shared_access_policy_key",
    "azurerm_stream_analytics_stream_input_iothub": "shared_access_policy_key",
    "azurerm_stream_analytics_output_eventhub": "shared_access_policy_key",
    "azurerm_stream_analytics_output_servicebus_queue": "shared_access_policy_key",
    "azurerm_stream_analytics_output_servicebus_topic": "shared_access_policy_key",
    "azurerm_stream_analytics_output_cosmosdb": "cosmosdb_account_key",
}
APPS = (
    "azurerm_linux_web_app",
    "azurerm_windows_web_app",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
)


def _canary(index: int) -> str:
    return f"cnryAzureOddShape{index:02d}zq"


SOURCE = "\n".join(
    [
        *(
            f'resource "{kind}" "k" {{\n  name = "k"\n  {argument} = "{_canary(n)}"\n}}\n'
            for n, (kind, argument) in enumerate(KEYED.items())
        ),
        *(
            f'resource "{kind}" "app" {{\n  name = "app"\n  connection_string {{\n    name  = "db"\n'
            f'    type  = "SQLAzure"\n    value = "{_canary(50 + n)}"\n  }}\n}}\n'
            for n, kind in enumerate(APPS)
        ),
    ]
)
CANARIES = [_canary(n) for n in range(len(KEYED))] + [_canary(50 + n) for n in range(len(APPS))]


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def test_source_changes_mask_the_keys_azurerm_marks_sensitive() -> None:
    by_address = {c.address: c for c in changeset_from_sources({"main.tf": SOURCE}).changes}
    for kind, argument in KEYED.items():
        assert by_address[f"{kind}.k"].after_sensitive == {argument: True}, kind
    for kind in APPS:
        assert by_address[f"{kind}.app"].after_sensitive == {"connection_string": [{"value": True}]}, kind


def test_a_stored_tarball_masks_them() -> None:
    masked = sensitive_values_of_tree({"main.tf": SOURCE}).values
    assert [canary for canary in CANARIES if not any(canary in value for value in masked)] == []


def test_a_scan_of_the_source_sends_none_of_them_to_the_model(model: FakeOpenAI, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(SOURCE)
    env = {
        **os.environ,
        "TFREVIEW_ADVISOR__PROVIDERS": f'[{{"provider": "openai", "base_url": "{model.url}/v1", "model": "m"}}]',
    }
    argv = [sys.executable, "-m", "tfreview", "scan", str(tmp_path), "--advisor", "openai", "-o", "json"]
    child = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert child.returncode in (0, 1), child.stderr
    assert model.request_count == 1
    sent = b"\n".join(r.body for r in model.requests).decode()
    assert "azurerm_stream_analytics_output_blob.k" in sent  # the resources are in the prompt…
    assert SENSITIVE in sent  # …their keys as the sensitive marker
    for canary in CANARIES:
        assert canary not in sent
        assert canary not in child.stdout + child.stderr
