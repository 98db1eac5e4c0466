"""Chaos: an invalid-signature flood from one source while GitHub (an allow-listed hook address behind a
trusted proxy) delivers real pull requests. The flooder is answered 401 and then blocked (429); every
genuine delivery is still acknowledged, reviewed and published once."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest

from tests.chaos.conftest import REPO, delivery_request, open_pulls, stack_env
from tests.chaos.flows import deliver_all, from_address, settle
from tests.chaos.ledger import Ledger
from tests.fakes.github import FakeGitHub
from tests.integration.served import raw_request, serving, status_of

PULLS = 12
FLOOD = 150
ATTACKER = "203.0.113.66"
GITHUB_HOOK = "140.82.115.5"  # inside GitHub's hook network, allow-listed by default


@pytest.mark.chaos
@pytest.mark.slow
def test_an_invalid_signature_flood_is_blocked_and_genuine_deliveries_are_all_published(tmp_path: Path) -> None:
    ledger = Ledger()
    data = tmp_path / "data"
    with FakeGitHub() as github:
        pulls = open_pulls(github, PULLS)
        env = stack_env(github, tmp_path, TFREVIEW_DOOR__TRUSTED_PROXIES='["127.0.0.1/32"]')
        with serving(data, env=env) as served:
            answers: list[int | None] = []

            def flood() -> None:
                forged = delivery_request(github, pulls[0][0], str(uuid.uuid4())).replace(b"sha256=", b"sha256=0", 1)
                for _ in range(FLOOD):
                    answers.append(status_of(raw_request(served.port, from_address(forged, ATTACKER), timeout=20)))

            flooder = threading.Thread(target=flood)
            flooder.start()
            deliver_all(github, served.port, pulls, ledger, forwarded_for=GITHUB_HOOK)
            flooder.join(240)
            settle(ledger, data, github)
    ledger.settle(next(data.glob("*.db")), github, REPO)
    assert set(answers) <= {401, 429}, answers
    assert answers.count(429) > 0, "the flooding source was never blocked"
    assert len(ledger.acked) == PULLS
    ledger.assert_nothing_lost("signature-flood")
