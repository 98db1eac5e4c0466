"""tfreview: a reviewer for Terraform and OpenTofu changes."""

__version__ = "0.1.0"
