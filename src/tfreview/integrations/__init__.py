"""Adapters to the systems tfreview reviews for: GitHub (`integrations.github`) and Spacelift."""
