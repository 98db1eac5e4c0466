"""The application layer: the service's use cases (`accept_delivery`, `run_review`, `run_publish`,
`combine`), the services container and the reconcilers. Drivers (web, worker, CLI, scheduler) call these;
these call the ports (docs/adr/0040, docs/explanation/architecture.md)."""
