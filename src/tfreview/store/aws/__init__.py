"""The AWS adapters of the store ports: DynamoDB (one table) for every record, SQS for the job queue's delivery.

boto3 is confined to this package (import-linter contract `boto3-in-adapters`); only `tfreview.wiring` is to
build these classes, from `dynamodb://` and `sqs://` URLs (docs/adr/0150-dynamodb-single-table.md; the
wiring itself is the next step of issue 16).
"""
