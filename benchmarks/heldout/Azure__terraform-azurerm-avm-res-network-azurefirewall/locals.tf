locals {
  enable_telemetry = true
}
