"""An Elastic Beanstalk environment should take managed platform updates."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_NAMESPACE = "aws:elasticbeanstalk:managedactions"
_OPTION = "ManagedActionsEnabled"


def _verdict(environment: Resource) -> str | None:
    """Why managed platform updates are off; None when they are on, or when it cannot be told."""
    if environment.get("setting") is UNKNOWN:
        return None
    template = environment.get("template_name")
    if template is UNKNOWN or template:
        return None  # options may come from a saved configuration the environment starts from
    found: str | None = None
    for index, _ in enumerate(environment.blocks("setting")):
        namespace = environment.get(f"setting.{index}.namespace")
        name = environment.get(f"setting.{index}.name")
        if namespace is UNKNOWN or name is UNKNOWN:
            return None  # a setting whose option is known only after apply may be this one: not judged
        if namespace != _NAMESPACE or name != _OPTION:
            continue
        value = environment.get(f"setting.{index}.value")
        if value is UNKNOWN:
            return None
        if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
            return None
        found = f"`{_NAMESPACE}` `{_OPTION}` is `{value}`"
    if found is not None:
        return found
    return f"not set: `{_NAMESPACE}` `{_OPTION}` defaults to false"


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    why = _verdict(resource)
    if why is not None:
        yield Hit("", f"{why}: the environment's platform gets no scheduled patch or minor updates")


RULE = Rule(
    id="TFR-AWS-287",
    long_id="aws-elastic-beanstalk-managed-updates",
    title="Elastic Beanstalk environment does not take managed platform updates",
    severity=Severity.LOW,
    provider="aws",
    category="general",
    resource_types=("aws_elastic_beanstalk_environment",),
    remediation=f'Add `setting {{ namespace = "{_NAMESPACE}"  name = "{_OPTION}"  value = "true" }}` with a '
    '`PreferredStartTime` in the same namespace and an `UpdateLevel` (`"minor"` or `"patch"`) in '
    "`aws:elasticbeanstalk:managedactions:platformupdate`.",
    description="LOW: with managed platform updates Elastic Beanstalk applies new patch and minor platform versions "
    "(operating system, runtime and web server fixes) in a weekly maintenance window; without them the "
    "environment keeps its platform version, security fixes included, until someone updates it. The Elastic "
    'Beanstalk Developer Guide documents the option under "General options for all environments": '
    f"`{_NAMESPACE}` `{_OPTION}`, default false (the console turns it on, the API and Terraform do not), so an "
    "environment without the setting is flagged. A setting whose namespace, name or value is known only after "
    "apply, and an environment started from a saved configuration (`template_name`), are not judged. Low, as "
    "RDS's automatic minor upgrades (TFR-AWS-138): patching hygiene, not an exposure. Checkov's CKV_AWS_340 asks "
    "the same.",
    defaults=((f"setting {_NAMESPACE} {_OPTION}", "false: managed platform updates are off unless set"),),
    references=References(checkov=("CKV_AWS_340",)),
    check=check,
)
