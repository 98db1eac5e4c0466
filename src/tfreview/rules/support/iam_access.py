"""What an IAM action gives, for the "without constraints" checks (not a rule: it exports no RULE).

The AWS Service Authorization Reference gives every action an access level (List, Read, Write,
Permissions management, Tagging). Carrying its whole table (tens of thousands of actions) is out of
scope; the access level follows the action's verb closely enough to be read from its name:

* **read** verbs (`Get`, `List`, `Describe`, …) are List/Read; `Tag`/`Untag` are Tagging;
* **permissions management** is every IAM write, and the actions of other services that change who may
  use a resource (resource policies, ACLs, grants, permissions): the ones the reference files under that level
  (`iam_permissions_table.py`, generated from it; ADR 0400), a short hand-kept list, and any other action named
  like a resource-policy setter;
* **write** is every other action.

Actions the reference lets grant only on `"*"` (`iam_unrestrictable_table.py`, ADR 0428) are left out by the
"without constraints" write and permissions-management rules: see `only_on_any_resource`. So is a statement whose
condition narrows it to some resources or some permissions (`narrowed`, ADR 0446).

Three short tables name the actions that matter on their own, as published by cloudsplaining (the
library behind Checkov's checks of the same names) and Rhino Security Labs' IAM privilege escalation
methods: actions that expose credentials, actions that read data out (exfiltration), and the sets of
actions that together let a principal escalate its privileges.

Every name is compared lower-cased; patterns (`s3:*`, `iam:Put*`) are matched as IAM matches them (`*` any run of
characters, `?` one, every other character itself: `wildcard_match`, ADR 0527) against these tables, and a
pattern reaches the levels its literal part allows (`s3:Get*` reads, `s3:*` and `*` reach every level). An
`Allow` statement with `NotAction` allows every action its patterns do not cover (`not_excluded`, one matcher for
every rule; ADR 0516): a rule asks whether they leave an action of its category in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache, lru_cache
from typing import Final

from tfreview.core.rules import Hit, Resource, Snapshot
from tfreview.rules.support.iam_permissions_table import PERMISSIONS_MANAGEMENT
from tfreview.rules.support.iam_unrestrictable_any_level_table import UNRESTRICTABLE_ANY_LEVEL_PREFIXES
from tfreview.rules.support.iam_unrestrictable_table import UNRESTRICTABLE_PREFIXES
from tfreview.rules.support.policy_documents import (
    Leaders,
    PolicyDocument,
    Statement,
    every_action,
    identity_documents,
    identity_hits,
    listed,
    numbered,
    wildcards_first,
)

# resources whose `policy` is an identity policy document (Checkov's resource-level checks read these)
POLICY_TYPES: Final = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")

_READ_VERBS: Final = (
    "get",
    "list",
    "describe",
    "head",
    "search",
    "query",
    "scan",
    "select",
    "lookup",
    "check",
    "validate",
    "view",
    "batchget",
    "batchdescribe",
    "read",
    "estimate",
    "preview",
    "simulate",
    "generate",
)
_TAGGING_VERBS: Final = ("tag", "untag")
# reads whose names begin with no read verb, as AWS's own read-only managed policies grant them
# (CloudWatchLogsReadOnlyAccess v8: Logs Insights queries, log filtering, live tails)
_READS_BY_NAME: Final = frozenset(
    {"logs:startquery", "logs:stopquery", "logs:testmetricfilter", "logs:filterlogevents", "logs:startlivetail",
     "logs:stoplivetail"}
)  # fmt: skip

CREDENTIALS_EXPOSURE: Final = frozenset(
    a.lower()
    for a in (
        # cloudsplaining's ACTIONS_THAT_RETURN_CREDENTIALS (the table Checkov's CKV_AWS_287 reads), each checked
        # against the action's API reference: its response carries a token, key, password or session credentials
        "airflow:CreateCliToken",
        "airflow:CreateWebLoginToken",
        "appsync:CreateApiKey",
        "chime:CreateApiKey",
        "cloud9:CreateEnvironmentToken",
        "codeartifact:GetAuthorizationToken",  # unlike ECR's, grantable on one domain's ARN
        "codepipeline:PollForJobs",
        "cognito-identity:GetOpenIdToken",
        "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
        "cognito-identity:GetCredentialsForIdentity",
        # not `cognito-idp:GetSigningCertificate` (in cloudsplaining's table): it returns the user pool's public
        # x.509 certificate for SAML, which signs nothing for its reader
        "connect:GetFederationToken",
        "connect:GetFederationTokens",
        "ec2:GetPasswordData",
        # not `ecr:GetAuthorizationToken` nor `ecr-public:GetAuthorizationToken`: the token carries only the
        # caller's own ECR permissions ("represents your IAM authentication credentials", ECR API reference) and it
        # can only be granted on "*"; Checkov's CKV_AWS_287/CKV_AWS_107 leave out ECR's for the same reason
        "emr-containers:GetManagedEndpointSessionCredentials",
        "finspace-api:GetProgrammaticAccessCredentials",
        # GameLift's two compute actions are spelled `gamelist:` in cloudsplaining's table (a typo no policy has)
        "gamelift:GetComputeAccess",
        "gamelift:GetComputeAuthToken",
        "gamelift:GetInstanceAccess",
        "gamelift:RequestUploadCredentials",
        "grafana:CreateWorkspaceApiKey",
        "iam:CreateAccessKey",
        "iam:CreateLoginProfile",
        "iam:CreateServiceSpecificCredential",
        "iam:ResetServiceSpecificCredential",
        "iam:UpdateAccessKey",
        "license-manager:GetAccessToken",
        "lightsail:CreateBucketAccessKey",
        "lightsail:DownloadDefaultKeyPair",
        "lightsail:GetInstanceAccessDetails",
        "lightsail:GetRelationalDatabaseMasterUserPassword",
        "rds-db:Connect",
        "redshift:GetClusterCredentials",
        "redshift:GetClusterCredentialsWithIAM",
        "redshift-serverless:GetCredentials",
        "sso:GetRoleCredentials",
        "mediapackage:RotateChannelCredentials",
        "mediapackage:RotateIngestEndpointCredentials",
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:GetFederationToken",
        "sts:GetSessionToken",
    )
)

DATA_EXFILTRATION: Final = frozenset(
    a.lower()
    for a in (
        "s3:GetObject",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "secretsmanager:GetSecretValue",
    )
)

# permissions management outside IAM: actions that change a resource policy, an ACL, a grant or a permission
_OTHER_PERMISSIONS: Final = frozenset(
    a.lower()
    for a in (
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketAcl",
        "s3:PutObjectAcl",
        "s3:PutObjectVersionAcl",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutAccountPublicAccessBlock",
        "s3:PutBucketOwnershipControls",
        "kms:CreateGrant",
        "kms:PutKeyPolicy",
        "kms:RevokeGrant",
        "kms:RetireGrant",
        "lambda:AddPermission",
        "lambda:RemovePermission",
        "lambda:AddLayerVersionPermission",
        "sns:AddPermission",
        "sns:RemovePermission",
        "sqs:AddPermission",
        "sqs:RemovePermission",
        "ecr:SetRepositoryPolicy",
        "ecr:DeleteRepositoryPolicy",
        "secretsmanager:PutResourcePolicy",
        "secretsmanager:DeleteResourcePolicy",
        "glacier:SetVaultAccessPolicy",
        "glacier:DeleteVaultAccessPolicy",
        "ram:CreateResourceShare",
        "sts:SetSourceIdentity",
    )
)
# the reference's own "Permissions management" actions, by service, with the hand-kept ones above
_PERMISSIONS_BY_SERVICE: Final = {
    service: frozenset(f"{service}:{name.lower()}" for name in names)
    for service, names in PERMISSIONS_MANAGEMENT.items()
}
_ALL_PERMISSIONS: Final = _OTHER_PERMISSIONS.union(*_PERMISSIONS_BY_SERVICE.values())


@cache
def _policy_setter() -> re.Pattern[str]:
    return re.compile(r"^[a-z0-9-]+:(put|delete|set|update)\w*(resourcepolicy|accesspolicy)$")


# Rhino Security Labs' escalation methods: each set of actions, allowed together, escalates privileges
PRIVILEGE_ESCALATION: Final = tuple(
    (name, frozenset(a.lower() for a in actions))
    for name, actions in (
        ("CreateNewPolicyVersion", ("iam:CreatePolicyVersion",)),
        ("SetExistingDefaultPolicyVersion", ("iam:SetDefaultPolicyVersion",)),
        ("CreateAccessKey", ("iam:CreateAccessKey",)),
        ("CreateLoginProfile", ("iam:CreateLoginProfile",)),
        ("UpdateLoginProfile", ("iam:UpdateLoginProfile",)),
        ("AttachUserPolicy", ("iam:AttachUserPolicy",)),
        ("AttachGroupPolicy", ("iam:AttachGroupPolicy",)),
        ("AttachRolePolicy", ("iam:AttachRolePolicy", "sts:AssumeRole")),
        ("PutUserPolicy", ("iam:PutUserPolicy",)),
        ("PutGroupPolicy", ("iam:PutGroupPolicy",)),
        ("PutRolePolicy", ("iam:PutRolePolicy", "sts:AssumeRole")),
        ("AddUserToGroup", ("iam:AddUserToGroup",)),
        ("UpdateRolePolicyToAssumeIt", ("iam:UpdateAssumeRolePolicy", "sts:AssumeRole")),
        ("PassExistingRoleToNewLambdaThenInvoke", ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction")),
        (
            "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
            ("iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
        ),
        ("PassExistingRoleToNewGlueDevEndpoint", ("iam:PassRole", "glue:CreateDevEndpoint")),
        ("UpdateExistingGlueDevEndpoint", ("glue:UpdateDevEndpoint",)),
        ("PassExistingRoleToCloudFormation", ("iam:PassRole", "cloudformation:CreateStack")),
        ("PassExistingRoleToNewDataPipeline", ("iam:PassRole", "datapipeline:CreatePipeline")),
        ("EditExistingLambdaFunctionWithRole", ("lambda:UpdateFunctionCode",)),
        ("PassExistingRoleToNewEc2Instance", ("iam:PassRole", "ec2:RunInstances")),
    )
)


@lru_cache(maxsize=4096)
def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL)


def wildcard_match(name: str, pattern: str) -> bool:
    """Whether `name` matches `pattern` as IAM matches actions (IAM User Guide, "IAM JSON policy elements: Action"):
    `*` any run of characters, `?` one character, every other character itself — `[a-z]` and `[!x]` are no character
    classes (fnmatch's are: `NotAction = "[!x]*:*"` read as excluding nearly every action excludes none). Both
    lower-cased by the caller: IAM compares actions case-insensitively."""
    return _wildcard(pattern).fullmatch(name) is not None


def reads_by_verb(name: str) -> bool:
    """True when an action name (without its service) starts with a read or tagging verb."""
    return name.lower().startswith((*_READ_VERBS, *_TAGGING_VERBS))


def _split(action: str) -> tuple[str, str]:
    service, _, name = action.lower().partition(":")
    return (service, name) if name else ("*", service)  # "*" alone: every service, every action


def _literal(name: str) -> str:
    """The part of an action name before its first wildcard."""
    return re.split(r"[*?]", name, maxsplit=1)[0]


def _exact_level(service: str, name: str) -> str:
    if name.startswith(_TAGGING_VERBS):
        return "tagging"
    action = f"{service}:{name}"
    if name.startswith(_READ_VERBS) or action in _READS_BY_NAME:
        return "read"
    if service == "iam" or action in _ALL_PERMISSIONS or _policy_setter().match(action):
        return "permissions"
    return "write"


@lru_cache(maxsize=4096)
def levels(action: str) -> frozenset[str]:
    """The access levels ("read", "tagging", "permissions", "write") an action or an action pattern reaches."""
    service, name = _split(action)
    literal = _literal(name)
    if literal == name:
        return frozenset({_exact_level(service, name)})
    if literal and literal.startswith(_READ_VERBS):
        found = {"read"}
    elif literal and literal.startswith(_TAGGING_VERBS):
        found = {"tagging"}
    elif literal and not any(verb.startswith(literal) for verb in (*_READ_VERBS, *_TAGGING_VERBS)):
        found = {"write"}
    else:  # `*`, `s3:*`, `ec2:De*`: reaches reads and writes alike
        found = {"read", "tagging", "write"}
    if "write" in found and service in ("iam", "*"):
        found.add("permissions")
        # every IAM write is permissions management, as `_exact_level` reads the names; the reference's ten IAM
        # "Write" actions can only be granted on "*" (ADR 0428): an IAM pattern reaches no write to constrain
        if service == "iam":
            found.discard("write")
    pattern = f"{service}:{name}"
    named = _ALL_PERMISSIONS if any(c in service for c in "*?") else _PERMISSIONS_BY_SERVICE.get(service, frozenset())
    if any(wildcard_match(known, pattern) for known in (*named, *_OTHER_PERMISSIONS)):
        found.add("permissions")
    return frozenset(found)


@lru_cache(maxsize=4096)
def only_on_any_resource(action: str) -> bool:
    """True when every write or permissions-management action that an action or pattern reaches can be granted
    only on `"*"`: the AWS Service Authorization Reference names no resource type for it (`glue:CreateDevEndpoint`,
    `logs:PutResourcePolicy`, `glue:CreateDev*`; not `glue:Create*`, which reaches `glue:CreateDatabase`). A rule
    about actions on `"*"` has no constraint to ask for there; cloudsplaining (Checkov) skips them too. A pattern
    is judged by its part before the first wildcard; `*` and wildcards in the service never qualify."""
    return _in_table(action, UNRESTRICTABLE_PREFIXES)


@lru_cache(maxsize=4096)
def only_on_any_resource_at_any_level(action: str) -> bool:
    """`only_on_any_resource` over every access level, Read and List included: True when every action an action or
    pattern reaches can be granted only on `"*"` (`xray:GetSamplingStatisticSummaries`, `ec2:DescribeInstances`; not
    `ec2:Describe*`, which reaches `ec2:DescribeInstanceAttribute`, limited to an instance). For TFR-AWS-032, whose
    actions on "*" may be of any level (ADR 0570)."""
    return _in_table(action, UNRESTRICTABLE_ANY_LEVEL_PREFIXES)


def _in_table(action: str, table: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether an action or pattern's literal part starts with one of its service's prefixes in a generated table."""
    service, name = _split(action)
    prefixes = table.get(service)
    if not prefixes:
        return False
    literal = _literal(name)  # no name holds a `$`: the anchored entries match only through the second test
    return literal.startswith(prefixes) or (literal == name and f"{name}$" in prefixes)


# the permissions-management actions the tables name that can be limited to a resource: a `NotAction` statement on
# "*" allows permissions management without constraints when it leaves one of them in
RESTRICTABLE_PERMISSIONS: Final = frozenset(a for a in _ALL_PERMISSIONS if not only_on_any_resource(a))


@lru_cache(maxsize=65536)
def matches(pattern: str, action: str) -> bool:
    """True when an allowed action pattern (`s3:*`, `*`, `ssm:GetParameter*`) covers `action` (lower-cased).

    Cached: the escalation table asks the same (pattern, action) pairs of every policy of a plan."""
    pattern = pattern.lower()
    return pattern == action or wildcard_match(action, pattern if ":" in pattern or pattern == "*" else f"*:{pattern}")


@lru_cache(maxsize=4096)
def escalation_methods(patterns: tuple[str, ...], excepting: tuple[tuple[str, ...], ...] = ()) -> tuple[str, ...]:
    """The privilege escalation methods (`PRIVILEGE_ESCALATION`, in its order) whose every action is allowed: one
    of the allowed action `patterns` covers it, or a `NotAction` statement (its patterns one entry of `excepting`)
    names none that covers it. Cached: a plan's policies repeat the same action lists."""
    return tuple(
        name
        for name, actions in PRIVILEGE_ESCALATION
        if all(_allowed(action, patterns, excepting) for action in actions)
    )


def _allowed(action: str, patterns: tuple[str, ...], excepting: tuple[tuple[str, ...], ...]) -> bool:
    return any(matches(p, action) for p in patterns) or any(not_excluded(action, excepted) for excepted in excepting)


def not_excluded(action: str, excepted: tuple[str, ...]) -> bool:
    """Whether an `Allow` statement whose `NotAction` names the patterns `excepted` allows `action` (lower-cased):
    none of the patterns covers it (wildcards `*` and `?`, compared case-insensitively, as IAM matches them)."""
    return not any(matches(p, action) for p in excepted)


def leaves_any(excepted: tuple[str, ...], actions: Iterable[str]) -> bool:
    """Whether a `NotAction` statement naming `excepted` allows at least one of `actions` (lower-cased): the
    statement gives a category of a finite table (credentials, data reads, permissions management) only if the
    patterns leave one of its actions out."""
    return any(not_excluded(action, excepted) for action in actions)


def excludes_everything(excepted: tuple[str, ...]) -> bool:
    """Whether one of the `NotAction` patterns covers every action of every service (`*`, `*:*`): the statement
    then allows nothing. Any other list leaves some action of the open categories (write actions) in: a pattern
    names one service (`s3:*`), or some verbs (`*:Put*`), and every service has writes that no list of verbs
    exhausts (AWS adds actions), so a statement is judged by what its patterns can be shown to exclude."""
    return any(every_action(pattern) for pattern in excepted)


def every_action_except(statement: Statement) -> str:
    """What an `Allow` statement with `NotAction` allows, in the user's spelling, wildcards first:
    every action except `s3:*`, `iam:PassRole` (`NotAction`)."""
    excepted = wildcards_first(statement.written[len(statement.actions) :])
    return f"every action except {', '.join(f'`{text}`' for text in excepted)} (`NotAction`)"


def unconstrained(resource: Resource) -> Iterator[tuple[str, Statement]]:
    """(path, statement) of every Allow statement on `"*"` resources (or NotResource) in the resource's policy."""
    for path, document in identity_documents(resource):
        for statement in document.unconstrained:
            yield path, statement


def named_actions(patterns: Iterable[str], table: frozenset[str]) -> list[str]:
    """The actions of `table` that the patterns allow, sorted."""
    patterns = list(patterns)
    return sorted(a for a in table if any(matches(p, a) for p in patterns))


# condition keys that narrow a statement on "*" (ADR 0446): the resource's tags (`aws:ResourceTag/…`, or a service's
# own `ec2:ResourceTag/…`), the permissions boundary a created or changed principal must carry, the managed
# policies that may be attached; never the caller's address, network, MFA, region or account
@cache
def _resource_tag() -> re.Pattern[str]:
    return re.compile(r"[a-z0-9-]+:resourcetag/.+")


_NARROWING_KEYS = frozenset({"iam:permissionsboundary", "iam:policyarn"})


def narrowed(statement: Statement) -> bool:
    """Whether the statement's condition requires a key that limits it to some resources or permissions: a
    request without that key (an action or resource it does not apply to) fails the condition."""
    return any(key in _NARROWING_KEYS or _resource_tag().fullmatch(key) for key in statement.required_keys)


def offending_hits(
    resource: Resource,
    what: str,
    offends: Callable[[str], bool],
    limit: int = 6,
    *,
    leaves: Callable[[tuple[str, ...]], bool],
    unless_narrowed: bool = False,
    snapshot: Snapshot | None = None,
    leaders: Leaders | None = None,
) -> list[Hit]:
    """One hit per policy document of `resource` naming every Allow statement on `"*"` with actions that
    `offends` (given a lower-cased action or pattern) and those actions: wildcards first, in the user's
    spelling (`statements 0 and 3 allow permissions management on "*": iam:*, ec2:*`). A `NotAction` statement
    allows every action but those its patterns cover: it offends when `leaves` (given its lower-cased patterns)
    says they leave an offending action in, and is named first, by what it allows (`every action except
    `s3:*` (`NotAction`)`). The hit's path is the document's; the first offending statement is the one the
    message names first. `unless_narrowed`: statements whose condition narrows them (`narrowed`) are not
    offending. The message is made once per distinct document (ADR 0449): `offends` and `leaves` must be
    module-level functions, not lambdas made per call. `snapshot`: see `identity_hits`. What the hit says of the
    statements the rules that subsume the caller report is kept apart: their findings take it as a facet (ADR 0730);
    `leaders` names them, TFR-AWS-030 and TFR-AWS-253 unless given."""
    return identity_hits(
        resource,
        _offending_message,
        what,
        offends,
        leaves,
        limit,
        unless_narrowed,
        snapshot=snapshot,
        leaders=LED_BY_ADMIN_AND_FULL_IAM if leaders is None else leaders,  # their statements, their findings
    )


def _offending_message(
    document: PolicyDocument,
    what: str,
    offends: Callable[[str], bool],
    leaves: Callable[[tuple[str, ...]], bool],
    limit: int,
    unless_narrowed: bool,
) -> str | None:
    offending: list[tuple[Statement, list[str]]] = []
    for statement in document.unconstrained:
        if unless_narrowed and narrowed(statement):
            continue
        if statement.not_actions:
            if leaves(statement.not_actions):
                offending.append((statement, []))
            continue
        actions = [a for a in statement.actions if offends(a)]
        if actions:
            offending.append((statement, actions))
    return offending_message(offending, what, limit) if offending else None


def offending_message(offending: list[tuple[Statement, list[str]]], what: str, limit: int = 6) -> str:
    """The words naming every offending statement and its actions as written, wildcards first; a `NotAction`
    statement (its actions not used) by what it allows, before them."""
    excepting = [every_action_except(statement) for statement, _ in offending if statement.not_actions]
    named = wildcards_first(
        statement.as_written(a) for statement, found in offending if not statement.not_actions for a in found
    )
    verb = "allows" if len({statement.index for statement, _ in offending}) == 1 else "allow"
    subject = numbered(statement.index for statement, _ in offending)
    return f'{subject} {verb} {what} on "*": {listed([*dict.fromkeys(excepting), *named], limit)}'


def reports_administrator(statement: Statement) -> bool:
    """TFR-AWS-030's statements: an Allow on every resource (`"*"` or `NotResource`) of every action (`"*"`,
    `"*:*"`), or of every action but those a `NotAction` names, unless they name every action."""
    return statement.allows and statement.any_resource and _allows_some_of_everything(statement)


def reports_star_action(statement: Statement) -> bool:
    """TFR-AWS-031's statements: an Allow of every action (or of every action but a `NotAction`'s), on any resource."""
    return statement.allows and _allows_some_of_everything(statement)


def reports_full_iam(statement: Statement) -> bool:
    """TFR-AWS-253's statements that are nothing else: an Allow on every resource whose actions are all IAM actions,
    one of them every IAM action (`iam:*`, `IAM:*`, `iam:**`). A statement with actions of another service too
    (`["iam:*", "s3:*"]`) has another cause as well, and `i?m:*` may reach another service: not these (ADR 0730)."""
    if not (statement.allows and statement.any_resource and statement.actions) or statement.not_actions:
        return False
    split = [action.partition(":") for action in statement.actions]
    return all(service == "iam" and colon for service, colon, _ in split) and any(
        set(name) == {"*"} for _, _, name in split
    )


def _allows_some_of_everything(statement: Statement) -> bool:
    """`"*"` among the actions, or a `NotAction` that does not exclude every action (ADR 0527)."""
    if statement.not_actions and not statement.actions:
        return not excludes_everything(statement.not_actions)
    return statement.any_action


# the rules that subsume another IAM rule, with the statements each reports: the other rule's words on those
# statements become a facet of the leader's finding, its words on the others stay its own finding (ADR 0730)
ADMINISTRATOR: Final = ("TFR-AWS-030", reports_administrator)
STAR_ACTION: Final = ("TFR-AWS-031", reports_star_action)
FULL_IAM: Final = ("TFR-AWS-253", reports_full_iam)
LED_BY_ADMIN: Final[Leaders] = (ADMINISTRATOR,)  # TFR-AWS-031
LED_BY_ADMIN_AND_STAR: Final[Leaders] = (ADMINISTRATOR, STAR_ACTION)  # TFR-AWS-253
LED_BY_ADMIN_AND_FULL_IAM: Final[Leaders] = (ADMINISTRATOR, FULL_IAM)  # TFR-AWS-032, 243 to 247
