# Copyright IBM Corp. 2017, 2025
# SPDX-License-Identifier: MPL-2.0

output "cluster_name" {
  value = local.cluster_name
}
