"""Fakes of external systems that speak their real protocols over HTTP on 127.0.0.1."""
