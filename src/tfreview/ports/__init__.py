"""The inner half of the application layer: the ports the service's adapters implement and the plain
values they speak (records, typed jobs). Adapters import these; the use cases in `tfreview.service` call them
(docs/adr/0040)."""
