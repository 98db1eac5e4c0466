"""S2 at TFREVIEW_LOG_LEVEL=DEBUG: an upstream that echoes our key in a response header (an API gateway's debug
header) must not put it in the log (session 17, r17-llm).

Found from the outside: `tfreview serve` at DEBUG against a fake OpenAI answering `x-debug-auth: Bearer <key>`
logged the key, in httpcore's trace of the response headers (`receive_response_headers.complete return_value=…`).
Each process logs as `configure_logging` sets it up: run in a child process, so this process's logging is untouched.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from tests.fakes.llm_common import Behaviour, RecordedRequest, Reply
from tests.fakes.llm_openai import FakeOpenAI

CANARY_KEY = "sk-proj-CANARYdebugK3yZ9q8w7e6r5t4y3u2i1o0pAbCd"


class EchoingGateway(FakeOpenAI):
    """The model's answer, with the request's Authorization header sent back as a response header."""

    def default(self, request: RecordedRequest) -> Behaviour:
        answer = super().default(request)
        assert isinstance(answer, Reply)
        echoed = ("x-debug-auth", request.headers.get("authorization", ""))
        return Reply(answer.status, answer.body, (*answer.headers, echoed))


@pytest.fixture
def gateway() -> Iterator[EchoingGateway]:
    with EchoingGateway() as server:
        yield server


def test_s2_a_key_echoed_in_a_response_header_is_not_logged_at_debug(gateway: EchoingGateway) -> None:
    code = textwrap.dedent(
        f"""
        import logging, os
        from tfreview.plumbing.log_lines import configure_logging
        from tfreview.advisor.model import Prompt
        from tfreview.advisor.openai import OpenAIClient
        from tfreview.plumbing.secret_references import SecretSource

        configure_logging("DEBUG")
        os.environ["DRILL_KEY"] = {CANARY_KEY!r}
        with OpenAIClient({gateway.url + "/v1"!r}, SecretSource.parse("env:DRILL_KEY"), "gpt-4o-mini") as model:
            model.complete(Prompt(system="s", user="u"), timeout=10)
        logging.getLogger("tfreview.drill").debug("debug lines are on")
        """
    )
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)

    assert gateway.request_count == 1
    assert "debug lines are on" in child.stderr  # the process logs at DEBUG
    assert "HTTP Request: POST" in child.stderr  # httpx's request line (INFO) is still there
    assert CANARY_KEY not in child.stderr
    assert CANARY_KEY[8:20] not in child.stderr
