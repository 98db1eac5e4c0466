
resource "azurerm_bastion_host" "bastion" {
  location            = var.location
  name                = var.name
  resource_group_name = var.resource_group_name
  # Conditional arguments based on SKU value

  copy_paste_enabled     = var.sku == "Standard" ? var.copy_paste_enabled : null
  file_copy_enabled      = var.sku == "Standard" ? var.file_copy_enabled : null
  ip_connect_enabled     = var.sku == "Standard" ? var.ip_connect_enabled : null
  scale_units            = var.sku == "Standard" ? var.scale_units : null
  shareable_link_enabled = var.sku == "Standard" ? var.shareable_link_enabled : null
  sku                    = var.sku
  tags                   = var.tags
  tunneling_enabled      = var.sku == "Standard" ? var.tunneling_enabled : null

  ip_configuration {
    name                 = var.ip_configuration.name
    public_ip_address_id = var.ip_configuration.public_ip_address_id
    subnet_id            = var.ip_configuration.subnet_id
  }


}


# AVM Required Interfaces

resource "azurerm_management_lock" "this" {
  count = var.lock.kind != "None" ? 1 : 0

  lock_level = var.lock.kind
  name       = coalesce(var.lock.name, "lock-${var.name}")
  scope      = azurerm_bastion_host.bastion.id
}

# Diagnostic Settings

resource "azurerm_monitor_diagnostic_setting" "this" {
  for_each = var.diagnostic_settings

  name                           = each.value.name != null ? each.value.name : "diag-${var.name}"
  target_resource_id             = azurerm_bastion_host.bastion.id
  eventhub_authorization_rule_id = each.value.event_hub_authorization_rule_resource_id
  eventhub_name                  = each.value.event_hub_name
  log_analytics_destination_type = each.value.log_analytics_destination_type
  log_analytics_workspace_id     = each.value.workspace_resource_id
  partner_solution_id            = each.value.marketplace_partner_resource_id
  storage_account_id             = each.value.storage_account_resource_id

  dynamic "enabled_log" {
    for_each = each.value.log_categories
    content {
      category = enabled_log.value
    }
  }
  dynamic "enabled_log" {
    for_each = each.value.log_groups
    content {
      category_group = enabled_log.value
    }
  }
  dynamic "metric" {
    for_each = each.value.metric_categories
    content {
      category = metric.value
    }
  }
}

# Role Assignments
resource "azurerm_role_assignment" "this" {
  for_each = var.role_assignments

  principal_id                           = each.value.principal_id
  scope                                  = azurerm_bastion_host.bastion.id
  condition                              = each.value.condition
  condition_version                      = each.value.condition_version
  delegated_managed_identity_resource_id = each.value.delegated_managed_identity_resource_id
  role_definition_id                     = strcontains(lower(each.value.role_definition_id_or_name), lower(local.role_definition_resource_substring)) ? each.value.role_definition_id_or_name : null
  role_definition_name                   = strcontains(lower(each.value.role_definition_id_or_name), lower(local.role_definition_resource_substring)) ? null : each.value.role_definition_id_or_name
  skip_service_principal_aad_check       = each.value.skip_service_principal_aad_check
}
