"""ECS containers should run with a read-only root file system."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN
from tfreview.plumbing.json_documents import NotJson, read_written_json


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    family = resource.get("runtime_platform.0.operating_system_family")
    if family is UNKNOWN or (isinstance(family, str) and family.upper().startswith("WINDOWS")):
        return  # Windows containers cannot have a read-only root (ECS refuses the parameter), or not known yet
    text = resource.get("container_definitions")
    if not isinstance(text, str):
        return  # known only after apply (a template, a file read at apply), or absent
    try:
        containers = read_written_json(text)
    except NotJson:  # nested past the reader's depth too (ADR 0680)
        return
    if not isinstance(containers, list):
        return
    writable = [
        str(container.get("name", f"#{index}"))
        for index, container in enumerate(containers)
        if isinstance(container, dict) and container.get("readonlyRootFilesystem") is not True
    ]
    if writable:
        names = ", ".join(f"`{name}`" for name in writable)
        noun = "container" if len(writable) == 1 else "containers"
        yield Hit(
            "container_definitions",
            f"{noun} {names} can write to {'its' if len(writable) == 1 else 'their'} root file system "
            "(`readonlyRootFilesystem` is not true; ECS's default is false)",
        )


RULE = Rule(
    id="TFR-AWS-265",
    long_id="aws-ecs-read-only-root-filesystem",
    title="ECS task definition runs containers with a writable root file system",
    severity=Severity.LOW,
    provider="aws",
    category="general",
    resource_types=("aws_ecs_task_definition",),
    remediation='Set `"readonlyRootFilesystem": true` in each container definition and give the paths the '
    "application writes to a volume (`mountPoints` on a bind or EFS volume).",
    description="A writable root file system lets an attacker who gets code execution in the container drop tools "
    "and change binaries or configuration for as long as the task runs (AWS Security Hub ECS.5). Low: defence in "
    "depth, as for Kubernetes containers (TFR-K8S rules). The `readonlyRootFilesystem` parameter of a container "
    "definition defaults to false (Amazon ECS Developer Guide, task definition parameters), so every container "
    "that does not set it to true is reported, all in one finding. Windows task definitions "
    "(`runtime_platform.operating_system_family` WINDOWS_*, or known only after apply) are not judged: ECS refuses "
    "the parameter for Windows containers (Amazon ECS API reference, `ContainerDefinition`). Definitions known "
    "only after apply (a "
    "`templatefile` result, a data source) are not judged.",
    defaults=(("container_definitions", "`readonlyRootFilesystem` false in each container definition"),),
    references=References(checkov=("CKV_AWS_336",)),
    check=check,
)
