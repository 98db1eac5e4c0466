"""deploy/aws/ checked structurally (Terraform's providers cannot be downloaded here, so `terraform validate`
cannot run: docs/adr/0192-aws-module-validation.md): variables documented and typed, every reference resolves,
one role per function with no `*` resource beyond what AWS requires, the table and queue as the adapters define
them, no secret value in the state; `terraform fmt -check` where a terraform binary is installed."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.module import MODULE, ROOT, Module, load_module, unquote, walk
from tfreview.store.aws import definitions

MOD = load_module()
_REFERENCE = re.compile(r"(?<![\w.\"/-])(data\.)?(aws_[a-z0-9_]+)\.([a-z0-9_]+)\b")
_VAR = re.compile(r"\bvar\.([a-z0-9_]+)")
_LOCAL = re.compile(r"\blocal\.([a-z0-9_]+)")
STAR_ALLOWED = {  # statement ids whose "*" resource AWS requires
    "AccountAdministers": "a key policy's resource is the key itself",
    "CloudWatchLogsEncrypts": "a key policy's resource is the key itself",
    "CloudWatchAlarmsPublish": "a key policy's resource is the key itself",
    "Tracing": "X-Ray has no resource-level permissions",
}


def test_every_variable_has_a_description_and_a_type() -> None:
    assert MOD.variables
    for name, body in MOD.variables.items():
        assert unquote(str(body.get("description", ""))).strip(), f"variable {name}: no description"
        assert str(body.get("type", "")).strip(), f"variable {name}: no type"


def test_every_output_has_a_description() -> None:
    for name, body in MOD.outputs.items():
        assert unquote(str(body.get("description", ""))).strip(), f"output {name}: no description"


def test_every_reference_names_something_the_module_defines() -> None:
    everything = "\n".join(MOD.text.values())
    for name in set(_VAR.findall(everything)):
        assert name in MOD.variables, f"var.{name} is not declared"
    for name in set(_LOCAL.findall(everything)):
        assert name in MOD.locals, f"local.{name} is not defined"
    for data, kind, name in set(_REFERENCE.findall(everything)):
        where = MOD.data if data else MOD.resources
        assert name in where.get(kind, {}), f"{data}{kind}.{name} is referenced but not defined"


def test_the_variables_and_locals_are_used() -> None:
    everything = "\n".join(MOD.text.values())
    for name in MOD.variables:
        assert f"var.{name}" in everything, f"variable {name} is never used"
    for name in MOD.locals:
        assert f"local.{name}" in everything, f"local {name} is never used"


def test_each_function_has_its_own_role_policy_and_log_group() -> None:
    function = MOD.resource("aws_lambda_function", "this")
    assert function["for_each"] == "${local.functions}"
    assert function["role"] == "${aws_iam_role.function[each.key].arn}"
    for kind in ("aws_iam_role", "aws_iam_role_policy", "aws_cloudwatch_log_group"):
        assert MOD.resource(kind, "function")["for_each"] == "${local.functions}", kind
    assert MOD.data["aws_iam_policy_document"]["function"]["for_each"] == "${local.functions}"
    assert set(MOD.locals["grants"]) == set(MOD.locals["functions"])


@pytest.mark.parametrize("role", ["http", "worker", "reaper", "reconcile", "watchdog"])
def test_each_handler_is_a_function_of_the_package(role: str) -> None:
    handler = unquote(MOD.locals["functions"][role]["handler"])
    module, _, attribute = handler.rpartition(".")
    assert callable(getattr(importlib.import_module(module), attribute))


def _statements(module: Module) -> list[tuple[str, dict[str, object]]]:
    found = []
    for document_name, document in module.data["aws_iam_policy_document"].items():
        for value in walk(document):
            if isinstance(value, dict) and "actions" in value:
                found.append((document_name, value))
    return found


def test_no_policy_grants_a_star_resource_or_action_unless_aws_requires_it() -> None:
    statements = _statements(MOD)
    assert len(statements) >= 10
    for document, statement in statements:
        sid = unquote(str(statement.get("sid", "")))
        resources = [unquote(str(r)) for r in statement.get("resources", [])]  # type: ignore[attr-defined]
        actions = [unquote(str(a)) for a in statement["actions"]]  # type: ignore[attr-defined]
        if "*" in resources or any(a.endswith(":*") or a == "*" for a in actions):
            assert sid in STAR_ALLOWED, f"{document}/{sid or 'statement'}: * resource or action"
            if sid != "AccountAdministers":
                assert not any(a.endswith(":*") for a in actions), f"{document}/{sid}: a wildcard action"


def test_bedrock_is_granted_to_the_worker_alone_on_the_chosen_models() -> None:
    text = MOD.text["iam.tf"]
    assert '"bedrock:InvokeModel"' in text
    assert "resources = local.bedrock_model_arns" in text
    grants = MOD.locals["grants"]
    assert [role for role, grant in grants.items() if grant["bedrock"] is True] == ["worker"]
    assert "foundation-model/" in str(MOD.locals["bedrock_model_arns"])


def test_the_table_is_the_one_the_dynamodb_adapter_defines() -> None:
    table = MOD.resource("aws_dynamodb_table", "reviews")
    expected = definitions.table_definition("x")
    assert unquote(table["billing_mode"]) == expected["BillingMode"]
    keys = {k["KeyType"]: k["AttributeName"] for k in expected["KeySchema"]}
    assert (unquote(table["hash_key"]), unquote(table["range_key"])) == (keys["HASH"], keys["RANGE"])
    attributes = table["dynamic"][0]['"attribute"']
    assert [unquote(a) for a in attributes["for_each"]] == [
        a["AttributeName"] for a in expected["AttributeDefinitions"]
    ]
    assert unquote(attributes["content"][0]["type"]) == "S"
    indexes = table["dynamic"][1]['"global_secondary_index"']
    assert [f"{unquote(i)}-index" for i in indexes["for_each"]] == [
        g["IndexName"] for g in expected["GlobalSecondaryIndexes"]
    ]
    assert indexes["content"][0]["hash_key"] == '"${global_secondary_index.value}pk"'
    assert unquote(indexes["content"][0]["projection_type"]) == "ALL"
    assert unquote(table["ttl"][0]["attribute_name"]) == definitions.TTL_ATTRIBUTE
    assert table["ttl"][0]["enabled"] is True
    assert table["point_in_time_recovery"][0]["enabled"] is True
    assert table["deletion_protection_enabled"] is True
    assert table["server_side_encryption"][0]["kms_key_arn"] == '${aws_kms_key.this["data"].arn}'
    assert MOD.resource("aws_backup_selection", "table")["resources"] == ["${local.table_arn}"]


def test_the_queues_are_the_ones_the_sqs_adapter_defines() -> None:
    jobs = MOD.resource("aws_sqs_queue", "jobs")
    dead = MOD.resource("aws_sqs_queue", "dead_letters")
    assert unquote(jobs["name"]) == "${local.queue_name}"
    assert unquote(dead["name"]) == "${local.queue_name}-dlq"
    assert (
        jobs["message_retention_seconds"] == dead["message_retention_seconds"] == definitions.MESSAGE_RETENTION_SECONDS
    )
    assert MOD.variables["max_receive_count"]["default"] == definitions.MAX_RECEIVE_COUNT
    assert "deadLetterTargetArn = aws_sqs_queue.dead_letters.arn" in MOD.text["sqs.tf"]
    for queue in (jobs, dead):
        assert queue["kms_master_key_id"] == '${aws_kms_key.this["data"].arn}'
    assert "sqs://${local.queue_name}" in MOD.text["main.tf"]
    worker = MOD.resource("aws_lambda_event_source_mapping", "worker")
    assert [unquote(t) for t in worker["function_response_types"]] == ["ReportBatchItemFailures"]


def test_keys_rotate_and_logs_and_topics_are_encrypted() -> None:
    keys = MOD.resources["aws_kms_key"]
    assert keys
    assert all(key["enable_key_rotation"] is True for key in keys.values())
    for name, group in MOD.resources["aws_cloudwatch_log_group"].items():
        assert "retention_in_days" in group, name
        assert "kms_key_id" in group, name
    topics = MOD.resource("aws_sns_topic", "level")
    assert topics["for_each"] == "${local.levels}"
    assert topics["kms_master_key_id"] == '${aws_kms_key.this["alerts"].arn}'
    assert {unquote(level) for level in MOD.locals["levels"]} == {"1", "2", "3", "4"}


def test_no_secret_value_reaches_the_state() -> None:
    assert "aws_secretsmanager_secret_version" not in MOD.resources
    for name, setting in MOD.locals["secret_settings"].items():
        variable = unquote(setting["variable"])
        assert variable in (MODULE.parents[1] / "docs/reference/settings.md").read_text(encoding="utf-8"), name
    assert MOD.resource("aws_secretsmanager_secret", "setting")["kms_key_id"] == '${aws_kms_key.this["secrets"].arn}'


def test_the_gateway_guards_the_api_with_jwt_and_leaves_webhooks_to_the_app() -> None:
    routes = MOD.resources["aws_apigatewayv2_route"]
    assert unquote(routes["jwt"]["authorization_type"]) == "JWT"
    assert unquote(routes["webhook"]["authorization_type"]) == "NONE"
    assert '"POST /webhooks/github", "POST /webhooks/spacelift"' in MOD.text["api.tf"]
    authorizer = MOD.resource("aws_apigatewayv2_authorizer", "jwt")
    assert unquote(authorizer["authorizer_type"]) == "JWT"
    acl = MOD.resource("aws_wafv2_web_acl", "edge")
    assert "rate_based_statement" in str(acl)
    assert "ip_set_reference_statement" in str(acl)
    assert "AWSManagedRulesCommonRuleSet" in str(acl)


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary on this machine")
def test_terraform_fmt_finds_nothing_to_change() -> None:
    done = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(MODULE)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def _actions(value: object) -> set[str]:
    """The actions a grant's list names: literal items, and the lists of the locals an expression combines."""
    if isinstance(value, list):
        return {unquote(str(item)) for item in value}
    return set().union(*(_actions(MOD.locals[name]) for name in _LOCAL.findall(str(value))))


def test_every_function_may_resolve_both_queues_it_looks_up_at_start() -> None:
    """`store.aws.messages.JobMessages` calls GetQueueUrl for `<queue>` and `<queue>-dlq` in every container."""
    for role, grant in MOD.locals["grants"].items():
        assert "sqs:GetQueueUrl" in _actions(grant["queue"]), role
        assert "sqs:GetQueueUrl" in _actions(grant["dlq"]), role
    assert _actions(MOD.locals["grants"]["worker"]["queue"]) >= {"sqs:ReceiveMessage", "sqs:DeleteMessage"}
    assert "sqs:DeleteMessage" not in _actions(MOD.locals["grants"]["http"]["queue"])


def test_every_queue_that_collects_failures_has_an_alarm() -> None:
    """A DLQ nobody watches is a failure nobody hears of: the job queue's (alarmed when the reaper stops
    draining it) and the functions' (a scheduled function that failed after Lambda's retries), docs/adr/0525."""
    text = MOD.text["sqs.tf"] + MOD.text["lambda.tf"]
    collecting = set(re.findall(r"(?:deadLetterTargetArn|target_arn)\s*=\s*aws_sqs_queue\.([a-z0-9_]+)\.arn", text))
    assert collecting == {"dead_letters", "lambda_failures"}, collecting
    alarms = MOD.resources["aws_cloudwatch_metric_alarm"]
    for queue in collecting:
        watching = [
            alarm
            for alarm in alarms.values()
            if f"aws_sqs_queue.{queue}.name" in str(alarm.get("dimensions"))
            and unquote(str(alarm.get("namespace"))) == "AWS/SQS"
        ]
        assert watching, f"no alarm reads aws_sqs_queue.{queue}"
        for alarm in watching:
            assert str(alarm["alarm_actions"]) == str(alarm["ok_actions"]) != "[]", alarm
            assert "Runbook:" in str(alarm["alarm_description"]), alarm


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary on this machine")
@pytest.mark.parametrize(
    "public_url",
    [
        "",
        "https://tfreview.example.com",
        "http://10.0.0.5:8080/",
        "tfreview.example.com",
        "https://",
        "ftp://x.example",
    ],
)
def test_public_url_is_refused_at_plan_time_as_the_functions_would_refuse_it(public_url: str, tmp_path: Path) -> None:
    # a public_url the functions refuse (TFREVIEW_SERVER__PUBLIC_URL, no scheme) passed `terraform apply` and made
    # every function answer 503 at its cold start; the variable's own validation now says so at plan time
    from pydantic import ValidationError

    from tfreview.settings import ServerSettings

    block = re.search(r'(?ms)^variable "public_url" \{.*?^\}', (MODULE / "variables.tf").read_text(encoding="utf-8"))
    assert block is not None
    (tmp_path / "main.tf").write_text(block.group(0) + "\n", encoding="utf-8")
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_CLI_CONFIG_FILE": str(tmp_path / "none.tfrc")}
    plan = ["plan", "-input=false", f"-var=public_url={public_url}"]
    for command in (["init", "-input=false", "-backend=false"], plan):
        done = subprocess.run(
            ["terraform", *command], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False, env=env
        )
    try:
        ServerSettings(public_url=public_url) if public_url else None
        functions_accept = True
    except ValidationError:
        functions_accept = False
    assert (done.returncode == 0) is functions_accept, done.stdout + done.stderr


def _alarms_on(namespace: str, metric: str) -> list[dict[str, Any]]:
    """The alarms reading `metric` of `namespace`, directly or in a metric_query (metric math)."""
    found = []
    for alarm in MOD.resources["aws_cloudwatch_metric_alarm"].values():
        metrics = [alarm, *(m for q in alarm.get("metric_query", []) for m in q.get("metric", []))]
        if any(
            unquote(str(m.get("namespace"))) == namespace and unquote(str(m.get("metric_name"))) == metric
            for m in metrics
        ):
            found.append(alarm)
    return found


def _runbook_section(alarm: dict[str, Any]) -> str:
    """The section of docs/howto/deploy-on-aws.md an AWS alarm's description names ("Runbook: <file> (<title>)")."""
    match = re.search(r"Runbook: (docs/[\w/.-]+\.md) \(([^)]+)\)", str(alarm["alarm_description"]))
    assert match, alarm["alarm_description"]
    document = (ROOT / match.group(1)).read_text(encoding="utf-8")
    assert re.search(rf"(?m)^#+ {re.escape(match.group(2))}$", document), match.groups()
    return match.group(2)


def test_throttles_and_function_errors_that_no_tfreview_metric_sees_are_alarmed() -> None:
    """What AWS refuses before tfreview runs is in no EMF line: a throttled function (the API answers 429/5xx
    from API Gateway, an SQS batch waits), a function that crashed, timed out or ran out of memory before it
    answered, a throttled table (the botocore retries spent, answered 503). docs/adr/0601."""
    throttles = _alarms_on("AWS/Lambda", "Throttles")
    assert len(throttles) == 1, throttles
    assert "aws_lambda_function.this[each.key].function_name" in str(throttles[0]["dimensions"])
    assert "local.functions" in str(throttles[0]["for_each"])  # every function, the schedules' included
    errors = _alarms_on("AWS/Lambda", "Errors")
    assert len(errors) == 1, errors
    # the scheduled functions' failures are alarmed already through their failures queue
    assert re.findall(r'"(\w+)"', str(errors[0]["for_each"])) == ["http", "worker"], errors[0]["for_each"]
    table = {m: _alarms_on("AWS/DynamoDB", m) for m in ("ReadThrottleEvents", "WriteThrottleEvents")}
    assert all(len(alarms) == 1 for alarms in table.values()), table
    assert table["ReadThrottleEvents"] == table["WriteThrottleEvents"]
    assert "local.table_name" in str(table["WriteThrottleEvents"][0]["metric_query"])
    indexes = [definition["IndexName"] for definition in definitions.table_definition("t")["GlobalSecondaryIndexes"]]
    assert re.findall(r'"([\w-]*)"', str(table["WriteThrottleEvents"][0]["for_each"])) == ["table", *indexes]
    for alarm in [*throttles, *errors, *table["WriteThrottleEvents"]]:
        assert str(alarm["alarm_actions"]) == str(alarm["ok_actions"]) != "[]", alarm
        assert 'level["2"]' in str(alarm["alarm_actions"]).replace("\\", ""), alarm
        assert unquote(str(alarm["treat_missing_data"])) == "notBreaching", alarm
        _runbook_section(alarm)


def test_the_failure_queue_alarms_name_a_runbook_section_that_exists() -> None:
    for name in ("lambda_failures", "dead_letters_undrained"):
        assert _runbook_section(MOD.resource("aws_cloudwatch_metric_alarm", name)) == "When a function fails"


# what AWS itself does with a function's role, not tfreview's code: the SQS event source mapping polls the job
# queue with the worker's role (AWS's AWSLambdaSQSQueueExecutionRole: ReceiveMessage, DeleteMessage,
# GetQueueAttributes); Converse is authorized as InvokeModel; a transaction's ConditionCheck as ConditionCheckItem
_AWS_USES = {
    "worker": {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
}
_CALLED_AS = {
    "dynamodb:ConditionCheckItem": '"ConditionCheck"',
    "bedrock:InvokeModel": "converse(",
    "wafv2:GetIPSet": "get_ip_set(",
    "wafv2:UpdateIPSet": "update_ip_set(",
}


def _snake(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action.split(":", 1)[1]).lower()


def test_every_data_action_a_function_is_granted_is_one_tfreview_calls() -> None:
    """Least privilege: a DynamoDB, SQS, Secrets Manager or Bedrock action in a function's policy is one the
    code calls (boto3's method for it appears in src/tfreview), or one AWS uses the role for (_AWS_USES)."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "src" / "tfreview").rglob("*.py"))
    granted: dict[str, set[str]] = {}
    for role, grant in MOD.locals["grants"].items():
        granted[role] = _actions(grant["table"]) | _actions(grant["queue"]) | _actions(grant["dlq"])
    fixed = set(re.findall(r'"((?:dynamodb|sqs|secretsmanager|bedrock|sns|wafv2):\w+)"', MOD.text["iam.tf"]))
    unused = set()
    for role, actions in granted.items():
        for action in actions | fixed:
            if action in _AWS_USES.get(role, set()):
                continue
            evidence = _CALLED_AS.get(action, f"{_snake(action)}(")
            if evidence not in source and f".{_snake(action)}," not in source:
                unused.add(f"{role}: {action}")
    assert not unused, sorted(unused)
