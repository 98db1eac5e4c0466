"""Tests of the GitHub and Spacelift integrations."""
