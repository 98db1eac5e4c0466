"""Chaos: every model provider of the chain answers 500. Reviews still complete (without AI) and are
published; the ledger shows nothing lost, duplicated or stuck."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.chaos.conftest import REPO, open_pulls, stack_env
from tests.chaos.flows import deliver_all, settle
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.fakes.llm_common import Behaviour, RecordedRequest
from tests.fakes.llm_openai import FakeOpenAI
from tests.integration.served import serving

PULLS = 12


class DownOpenAI(FakeOpenAI):
    """A provider that is down: every call answers 500."""

    def default(self, request: RecordedRequest) -> Behaviour:
        return self.server_error(500)


@pytest.mark.chaos
@pytest.mark.slow
def test_all_model_providers_down_reviews_complete_without_ai_and_nothing_is_lost(tmp_path: Path) -> None:
    ledger = Ledger()
    data = tmp_path / "data"
    key = tmp_path / "model.key"
    key.write_text("sk-chaos-canary-7f3a\n", encoding="utf-8")
    with FakeGitHub() as github, DownOpenAI() as first, DownOpenAI() as second:
        pulls = open_pulls(github, PULLS)
        providers = [
            {"provider": "openai", "model": "gpt-4o-mini", "base_url": f"{fake.url}/v1", "api_key": f"file:{key}"}
            for fake in (first, second)
        ]
        env = stack_env(
            github,
            tmp_path,
            TFREVIEW_ADVISOR__NAME="chain",
            TFREVIEW_ADVISOR__PROVIDERS=json.dumps(providers),
            TFREVIEW_ADVISOR__MAX_ATTEMPTS="1",
        )
        with serving(data, env=env) as served:
            deliver_all(github, served.port, pulls, ledger)
            settle(ledger, data, github)
            log = served.log()
        ledger.settle(next(data.glob("*.db")), github, REPO)
        assert first.request_count > 0  # both were tried, both were down
        assert second.request_count > 0
    assert len(ledger.acked) == PULLS
    ledger.assert_nothing_lost("providers-down")
    assert set(ledger.statuses.values()) == {"completed_without_ai"}
    assert "sk-chaos-canary-7f3a" not in log
