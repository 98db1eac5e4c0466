"""Prompt templates, one TOML file per version (review-v1.toml, …): data, not code."""
