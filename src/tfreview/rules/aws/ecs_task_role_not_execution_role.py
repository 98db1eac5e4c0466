"""An ECS task definition should not give its containers the execution role."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    task, execution = resource.get("task_role_arn"), resource.get("execution_role_arn")
    if task is None or execution is None or task == "" or execution == "":
        return  # one of the two roles is not set
    if task is not UNKNOWN and execution is not UNKNOWN:
        same = task == execution
        what = f"`{task}`"
    else:
        # known only after apply: the same when both expressions refer to one role and nothing else
        task_refs, execution_refs = resource.refs("task_role_arn"), resource.refs("execution_role_arn")
        same = (
            task is UNKNOWN
            and execution is UNKNOWN
            and len(task_refs) == 1
            and task_refs == execution_refs
            and _single_instance(task_refs[0], snapshot)
        )
        what = f"`{task_refs[0]}`" if same else ""
    if same:
        yield Hit(
            "task_role_arn" if task is not UNKNOWN else "",  # a hit on a value unknown until apply is dropped
            f"the task role is the execution role ({what}): the application can use the permissions meant for "
            "ECS's agent (pulling images, reading the secrets it injects, writing logs)",
        )


def _single_instance(address: str, snapshot: Snapshot) -> bool:
    """The referenced role is one resource instance: references are read without their keys, so
    `aws_iam_role.ecs["task"]` and `aws_iam_role.ecs["execution"]` both read `aws_iam_role.ecs`; a role made by
    `count` or `for_each` (or in a module called so), or one not in the snapshot, is not judged."""
    parts = address.split(".")
    if len(parts) < 2:
        return False
    instances = [r for r in snapshot.of_type(parts[-2]) if r.config_address == address]
    return len(instances) == 1 and instances[0].address == address


RULE = Rule(
    id="TFR-AWS-267",
    long_id="aws-ecs-task-role-not-execution-role",
    title="ECS task definition uses its execution role as the task role",
    severity=Severity.LOW,
    provider="aws",
    category="iam",
    resource_types=("aws_ecs_task_definition",),
    remediation="Give the task definition two roles: an execution role with what the ECS agent needs (ECR pulls, "
    "CloudWatch Logs, the `secrets` it injects) and a task role with only what the application calls.",
    description="The execution role is what the ECS container agent uses to start the task: pull the image, write "
    "logs, and fetch the Secrets Manager and Parameter Store values named in `secrets` (Amazon ECS Developer Guide, "
    '"Amazon ECS task execution IAM role"). The task role is what the application\'s own AWS calls get. When '
    "they are one role, code running in the container (or an attacker in it) can read every secret the agent "
    "may inject and pull images beyond its own. Low: least privilege, not an exposure. Flagged when both ARNs "
    "are set and equal, or, when known only after apply, both refer to the same single role resource (one "
    "instance: a role made by `count` or `for_each` is not judged, as the two keys cannot be told apart). Neither "
    "role has a provider default: unset roles are not judged.",
    references=References(checkov=("CKV_AWS_249",)),
    check=check,
)
