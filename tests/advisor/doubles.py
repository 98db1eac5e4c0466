"""In-process doubles for the advisor tests: a scripted ModelClient and a fake clock.

(The HTTP-level fakes of the real providers live in tests/fakes/llm_*.py.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tfreview.advisor.model import Completion, Prompt, ProviderError
from tfreview.core.findings import Evidence, Finding, Status
from tfreview.core.plan import ChangeKind, ChangeSet, ResourceChange
from tfreview.core.severity import Severity


@dataclass
class FakeTime:
    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Step = Completion | ProviderError | Callable[[Prompt, float], Completion]


class ScriptedClient:
    """A ModelClient that plays a script: one step per call; the last step repeats."""

    def __init__(
        self,
        script: Sequence[Step] = (),
        *,
        provider: str = "openai",
        model: str = "gpt-test",
        time: FakeTime | None = None,
        reload_result: bool = False,
    ) -> None:
        self.provider = provider
        self.model = model
        self.script = list(script) or [answer()]
        self.calls: list[Prompt] = []
        self.call_times: list[float] = []
        self.timeouts: list[float] = []
        self.reloads = 0
        self.reload_result = reload_result
        self._time = time

    def complete(self, prompt: Prompt, *, timeout: float) -> Completion:
        self.calls.append(prompt)
        self.timeouts.append(timeout)
        if self._time is not None:
            self.call_times.append(self._time.now)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, ProviderError):
            if step.kind == "timeout" and self._time is not None:
                self._time.now += timeout  # a hang: the call takes its whole timeout
            raise step
        if isinstance(step, Completion):
            return step
        return step(prompt, timeout)

    def reload_credentials(self) -> bool:
        self.reloads += 1
        return self.reload_result


def answer(summary: str = "Looks fine.", risk: str = "low", concerns: Sequence[dict[str, Any]] = (),
           *, model: str = "gpt-test", tokens: tuple[int, int] = (100, 20)) -> Completion:  # fmt: skip
    text = json.dumps({"summary": summary, "risk": risk, "concerns": list(concerns)})
    return Completion(text, model, tokens[0], tokens[1])


def failure(kind: str = "unavailable", *, retriable: bool = True, status: int | None = 503,
            retry_after: float | None = None, provider: str = "openai") -> ProviderError:  # fmt: skip
    return ProviderError(
        provider, kind, "upstream said no", retriable=retriable, status=status, retry_after=retry_after
    )


def change(
    address: str, kind: str = "update", *, before: Any = None, after: Any = None, **extra: Any
) -> ResourceChange:
    actions = {
        "create": ("create",),
        "update": ("update",),
        "delete": ("delete",),
        "replace": ("delete", "create"),
        "no-op": ("no-op",),
        "read": ("read",),
    }[kind]
    type_name, name = address.split(".")[-2:]
    if before is None and kind in ("update", "delete", "replace", "no-op", "read"):
        before = {"name": name}
    if after is None and kind in ("create", "update", "replace", "no-op", "read"):
        after = {"name": name}
    return ResourceChange(address, type_name, name.split("[")[0], actions, before, after, **extra)


def finding(address: str, rule_id: str = "T-1", severity: Severity = Severity.HIGH, *, category: str = "networking",
            status: Status = Status.INTRODUCED) -> Finding:  # fmt: skip
    return Finding(
        rule_id=rule_id,
        long_id=f"test-{rule_id.lower()}",
        title="a test finding",
        severity=severity,
        provider="aws",
        category=category,
        address=address,
        resource_type=address.split(".")[-2],
        message=f"{address} is flagged",
        remediation="fix it",
        evidence=Evidence("acl", "public-read"),
        status=status,
        change=ChangeKind.UPDATE,
    )


def change_set(*changes: ResourceChange, drift: Sequence[ResourceChange] = ()) -> ChangeSet:
    return ChangeSet(changes=list(changes), drift=list(drift))
