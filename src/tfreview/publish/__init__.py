"""Publisher adapters: where a finished review is shown (a log line here; GitHub and Spacelift later)."""
