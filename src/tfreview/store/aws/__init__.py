"""The AWS adapters of the store ports: DynamoDB (one table) for every record, SQS for the job queue's delivery.

boto3 is confined to this package (import-linter contract `boto3-in-adapters`); `tfreview.wiring` alone builds
these classes, from `dynamodb://` and `sqs://` URLs (docs/adr/0150-dynamodb-and-sqs.md).
"""
