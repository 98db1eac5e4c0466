retention_days = 90
