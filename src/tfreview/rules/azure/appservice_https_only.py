"""App Service and Function Apps must redirect HTTP to HTTPS."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import terraform_bool

_TYPES = tuple(
    f"azurerm_{kind}{slot}"
    for kind in (
        "app_service",
        "linux_web_app",
        "windows_web_app",
        "function_app",
        "linux_function_app",
        "windows_function_app",
    )
    for slot in ("", "_slot")
)


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    value = terraform_bool(resource.get("https_only"))
    if value is False or value is None:
        yield Hit("https_only", "https_only is not true: the app also serves plain HTTP", value)


RULE = Rule(
    id="TFR-AZU-009",
    long_id="azure-appservice-https-only",
    title="App Service or Function App serves plain HTTP",
    severity=Severity.MEDIUM,
    provider="azure",
    category="encryption",
    resource_types=_TYPES,
    remediation="Set `https_only = true` so App Service redirects every HTTP request to HTTPS.",
    description="Without `https_only` the app answers on port 80 as well, so sessions, cookies and form posts can "
    "travel unencrypted and be intercepted or modified. Medium: it needs a network position on the path. "
    "azurerm defaults `https_only` to false, so an unset attribute is flagged. Web apps, function apps "
    "(classic, Linux and Windows) and their deployment slots are all checked.",
    references=References(checkov=("CKV_AZURE_14", "CKV_AZURE_70"), trivy=("AVD-AZU-0004",)),
    check=check,
)
