"""Every store port on one DynamoDB table and one SQS queue, built from an AwsTarget (wiring's entry point)."""

from __future__ import annotations

from dataclasses import dataclass

from tfreview.plumbing.clock import Clock, utcnow
from tfreview.store.aws.audit import DynamoAuditTrail
from tfreview.store.aws.blocks import DynamoBlocks
from tfreview.store.aws.connection import AwsClients, AwsTarget
from tfreview.store.aws.controls import DynamoControls
from tfreview.store.aws.incidents import DynamoIncidents, DynamoLeases
from tfreview.store.aws.intake import DynamoIntake
from tfreview.store.aws.messages import JobMessages
from tfreview.store.aws.notify_outbox import SENT_DAYS, DynamoOutbox
from tfreview.store.aws.publish_locks import DynamoPublishLocks
from tfreview.store.aws.queue import SqsJobQueue
from tfreview.store.aws.records import DynamoPlanStore, DynamoTenants, DynamoTokens
from tfreview.store.aws.reviews import DynamoReviewStore
from tfreview.store.aws.table import Table
from tfreview.store.queue_settings import WorkerSettings


@dataclass(frozen=True, slots=True)
class AwsStores:
    table: Table
    queue: SqsJobQueue
    intake: DynamoIntake
    reviews: DynamoReviewStore
    tokens: DynamoTokens
    tenants: DynamoTenants
    plans: DynamoPlanStore
    publish_locks: DynamoPublishLocks
    incidents: DynamoIncidents
    outbox: DynamoOutbox  # the notifications the incident changes wrote (ADR 0711)
    leases: DynamoLeases
    controls: DynamoControls
    blocks: DynamoBlocks
    audit: DynamoAuditTrail


def aws_stores(
    target: AwsTarget,
    settings: WorkerSettings | None = None,
    *,
    clock: Clock = utcnow,
    outbox_sent_days: float = SENT_DAYS,
) -> AwsStores:
    """`outbox_sent_days`: `notify.outbox_retention_days`, which a sent outbox entry's TTL follows (ADR 0742)."""
    table = Table(AwsClients(target))
    queue = SqsJobQueue(table, JobMessages(table.clients), settings, clock=clock)
    tenants = DynamoTenants(table, clock=clock)  # one tenant cache: the intake writes new tenants
    # told what the incidents write, so this process sends it at once
    outbox = DynamoOutbox(table, clock=clock, sent_days=outbox_sent_days)
    return AwsStores(
        table=table,
        queue=queue,
        intake=DynamoIntake(table, queue, clock=clock, tenants=tenants),
        reviews=DynamoReviewStore(table, clock=clock, open_index="when-backfilled"),  # ADR 0660
        tokens=DynamoTokens(table, clock=clock),
        tenants=tenants,
        plans=DynamoPlanStore(table, clock=clock),
        publish_locks=DynamoPublishLocks(table, clock=clock),
        incidents=DynamoIncidents(table, clock=clock, written=outbox.written),
        outbox=outbox,
        leases=DynamoLeases(table, clock=clock),
        controls=DynamoControls(table, clock=clock),
        blocks=DynamoBlocks(table),
        audit=DynamoAuditTrail(table, clock=clock),
    )
