"""Operating through failure: metrics, the alert table, the watchdog, incidents and notifiers."""
