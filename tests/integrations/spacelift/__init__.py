"""Tests of the Spacelift integration against tests/fakes/spacelift.py."""
