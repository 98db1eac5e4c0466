"""Operating the service: the alert table, the metric catalogue, the Prometheus export, SLOs and logs.

alerts.toml          the ONE alert table (one row per alert); everything else is derived from it
alert_table.py       its typed loader (`load_alert_table()` → AlertTable of AlertRule/Condition)
metric_catalogue.py  every metric, defined once (name, kind, help, labels); docs are generated from it
"""
