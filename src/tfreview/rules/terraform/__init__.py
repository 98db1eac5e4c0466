"""Rules on the Terraform configuration itself rather than on one provider's resources (module calls)."""
