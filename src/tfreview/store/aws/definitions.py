"""The DynamoDB table and the SQS queues, defined once: the tests create them from here and the Terraform
module (deploy/aws/) mirrors them (a test compares the two once the module exists).

One table, keys `pk`/`sk` (strings), four generic sparse GSIs (`g1`..`g4`, each `gNpk`/`gNsk`, all attributes
projected), TTL on `expires_at` (epoch seconds), on-demand billing, point-in-time recovery in the module.

Items (pk / sk; then the GSIs each sets: g1 by tenant, g2 by state or source, g3 all, g4 due jobs):
- counter       COUNTER#<name> / COUNTER
- job           JOB#<id> / JOB;  g1 JOB#T#<tenant>, id;  g2 JOB#S#<state>, id;  g3 JOB, id;
                g4 JOB#DUE, <run_after>#<id> (only while queued: a sparse index)
- job key       JOBKEY#<idempotency key> / JOBKEY   (the dedupe item, written with the job)
- delivery      DEL#<id> / DEL;  g1 DEL#T#<tenant>, id;  g2 DEL#S#<source>, id;  g3 DEL, id
- delivery key  DELKEY#<source>#<key> / DELKEY
- review        REV#<id> / REV;  g1 REV#T#<tenant>, <created>#<id>;  g2 REV#S#<status>, <created>#<id> (only while
                queued or in progress: a sparse index, ADR 0633);  g3 REV, <created>#<id>
- token         TOK#<id> / TOK;  g1 TOK#T#<tenant>, <created>#<id>;  g3 TOK, <created>#<id>
- tenant        TEN#<id> / TEN
- plan          PLAN#<id> / PLAN
- Spacelift run RUN#<tenant>#<run> / RUN
- publish lock  LOCK#<target> / LOCK   (carries the TTL attribute: DynamoDB removes crashed holders' locks)
- incident      INC#<id> / INC;  g1 INC#S#<status>, id;  g2 INC#ACTIVE, id (until resolved);  g3 INC, id
- incident ev.  INC#<id> / EV#<event id>;   open group INCOPEN#<group key> / INCOPEN
- notification  NOTIFY#<incident id> / OUT#<entry id>;  g2 NOTIFY#PENDING, <created>#<entry id> (until sent);
                g3 NOTIFY#DONE, <done>#<entry id> (once sent: what the outbox sweep deletes; docs/adr/0711)
- lease         LEASE#<name> / LEASE     (TTL);   control  CONTROLS / <name>  (TTL)
- block         BLOCK#<source> / BLOCK;  g3 BLOCK, <expiry>#<source>
- audit entry   AUDIT / <id>;  g1 AUDIT#A#<action>, id;   chain head  AUDITHEAD / HEAD   (docs/adr/0195)
- token budget  AIBUDGET#<tenant> / <YYYY-MM-DD>   (TTL: a week after its UTC day; docs/adr/0560)
- marker        META#open-reviews-index / backfilled   (every review written before g2 is in it: docs/adr/0660)

Retention (docs/adr/0196): deliveries, their keys and payload chunks, job keys, and jobs once over (succeeded or
dead) carry `expires_at` = then + `retention_days` (the dynamodb:// URL's, 30 by default); DynamoDB's TTL
deletes them. A queued or running job never carries it. Reviews, tokens, tenants and the audit log are kept.
- blob chunk    <its owner's pk> / CHUNK#<n>   (payloads, reports, plans over 300 KB compressed)

Ids and instants inside sort keys are fixed width (`id` zero-padded to 20 digits, instants as
`YYYY-MM-DDTHH:MM:SS.ffffff+00:00`), so string order is numeric and chronological order.

Queues: a standard queue for jobs and its dead-letter queue (redrive after `MAX_RECEIVE_COUNT` receives).
"""

from __future__ import annotations

import json
from typing import Any, Final

PARTITION_KEY: Final = "pk"
SORT_KEY: Final = "sk"
TTL_ATTRIBUTE: Final = "expires_at"
INDEXES: Final = ("g1", "g2", "g3", "g4")

VISIBILITY_TIMEOUT_SECONDS: Final = 120  # the queue's default; every claim sets the lease of its own receive
MESSAGE_RETENTION_SECONDS: Final = 14 * 24 * 3600  # SQS's maximum
# a message is also received (then released) when a worker skips it — another kind, not yet due, a fairer
# tenant in the batch — so the redrive count is far above any job's max_attempts: the DLQ catches messages
# SQS gave up on, and `reap()` maps them onto the jobs' own states (docs/adr/0151-sqs-job-queue.md)
MAX_RECEIVE_COUNT: Final = 50


def index_name(index: str) -> str:
    """The GSI's name ("g1-index"); its key attributes are `g1pk` and `g1sk`."""
    return f"{index}-index"


def table_definition(name: str) -> dict[str, Any]:
    """The `CreateTable` request of the store's table (what deploy/aws/ must create: the same keys and GSIs)."""
    attributes = [PARTITION_KEY, SORT_KEY] + [f"{index}{part}" for index in INDEXES for part in ("pk", "sk")]
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index_name(index),
                "KeySchema": [
                    {"AttributeName": f"{index}pk", "KeyType": "HASH"},
                    {"AttributeName": f"{index}sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in INDEXES
        ],
    }


def ttl_definition(name: str) -> dict[str, Any]:
    return {"TableName": name, "TimeToLiveSpecification": {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}}


def dead_letter_queue_attributes() -> dict[str, str]:
    return {"MessageRetentionPeriod": str(MESSAGE_RETENTION_SECONDS)}


def queue_attributes(dead_letter_arn: str) -> dict[str, str]:
    """The job queue's attributes: a standard queue (not FIFO: see ADR 0151), redriving to `dead_letter_arn`."""
    return {
        "VisibilityTimeout": str(VISIBILITY_TIMEOUT_SECONDS),
        "MessageRetentionPeriod": str(MESSAGE_RETENTION_SECONDS),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": MAX_RECEIVE_COUNT}),
    }


def create_resources(dynamodb: Any, sqs: Any, table: str, queue: str) -> tuple[str, str]:
    """Create the table (waiting until it is active), its TTL, the queue and its DLQ; (queue url, DLQ url).
    For tests and a local endpoint; in AWS the Terraform module creates them."""
    dynamodb.create_table(**table_definition(table))
    dynamodb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    dynamodb.update_time_to_live(**ttl_definition(table))
    dead_url = sqs.create_queue(QueueName=f"{queue}-dlq", Attributes=dead_letter_queue_attributes())["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=queue, Attributes=queue_attributes(dead_arn))["QueueUrl"]
    return str(url), str(dead_url)
