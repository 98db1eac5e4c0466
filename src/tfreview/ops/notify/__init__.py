"""Notifiers: Amazon SNS, PagerDuty Events v2, Slack incoming webhooks, e-mail (SMTP), a signed webhook.

Each adapter turns a `Notification` into one request and classifies its failure (`NotifyFailure`:
retriable or not, with the server's Retry-After); `delivery.deliver` retries within bounds; the
`Dispatcher` sends from its own thread, so a slow or failing notifier never holds up the watchdog,
and records every outcome in the incident's timeline, the log and the outcome counter.
"""
