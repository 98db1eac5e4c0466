"""Virtual machines (legacy `azurerm_virtual_machine`) should use managed disks, not VHDs in a storage account."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.core.rules import Hit, References, Resource, Rule, Setting, Snapshot
from tfreview.core.severity import Severity
from tfreview.core.values import UNKNOWN

_STORAGE_REFS = (["azurerm_storage_account"], ["azurerm_storage_container"], ["azurerm_storage_blob"])
_DISKS = (("storage_os_disk", "the OS disk"), ("storage_data_disk", "data disk"))


def _names_storage(resource: Resource, block: str) -> bool:
    """The block's expressions refer to a storage account, container or blob (the usual `vhd_uri` interpolation)."""
    return any(ref.split(".")[-2:-1] in _STORAGE_REFS for ref in resource.refs(block))


def check(resource: Resource, snapshot: Snapshot) -> Iterator[Hit]:
    for block, label in _DISKS:
        from_storage = _names_storage(resource, block)
        for index, _ in enumerate(resource.blocks(block)):
            path = f"{block}.{index}.vhd_uri"
            value = resource.get(path)
            setting = resource.setting_of(path, value)
            shown = label if block == "storage_os_disk" else f"{label} {index}"
            message = (
                f"{shown} is an unmanaged VHD in a storage account (`vhd_uri`); Azure retired unmanaged disks on "
                "30 September 2025"
            )
            if setting is Setting.SET and isinstance(value, str) and value.strip():
                yield Hit(path, message, value)
            elif setting is Setting.UNKNOWN and value is UNKNOWN and from_storage:
                yield Hit(f"{block}.{index}", message)  # the block, not its value known only after apply


RULE = Rule(
    id="TFR-AZU-251",
    long_id="azure-vm-managed-disks",
    title="Virtual machine uses unmanaged disks (VHDs in a storage account)",
    severity=Severity.MEDIUM,
    provider="azure",
    category="general",
    resource_types=("azurerm_virtual_machine",),
    remediation="Give `storage_os_disk` and every `storage_data_disk` a `managed_disk_type` (or `managed_disk_id`) "
    "instead of `vhd_uri`, or better, move to `azurerm_linux_virtual_machine` / `azurerm_windows_virtual_machine`, "
    "which only use managed disks; convert an existing VM with `ConvertTo-AzVMManagedDisk`.",
    description="MEDIUM: a `vhd_uri` puts the disk as a page blob in a storage account, where anyone holding the "
    "account's keys or a SAS can copy it, and where the disk has none of the managed-disk controls (Azure RBAC per "
    "disk, encryption at host, private disk access, snapshots). Microsoft retired unmanaged disks on 30 September "
    '2025 (Azure documentation, "Migrate your Azure unmanaged disks by September 30, 2025"): VMs still using them '
    "are stopped and deallocated, so such a VM will not keep running. azurerm's legacy `azurerm_virtual_machine` "
    "takes a disk as `vhd_uri` only when the user writes it, so only a `vhd_uri` that is set (a literal, or an "
    "expression built from a storage account, container or blob) is flagged; the newer VM types have no unmanaged "
    "disks. Checkov's CKV2_AZURE_9 also fails an OS disk without `managed_disk_type` that attaches an existing "
    "managed disk by `managed_disk_id`, which is managed.",
    defaults=(("storage_os_disk.vhd_uri", "none: a managed disk"),),
    references=References(checkov=("CKV2_AZURE_9",)),
    check=check,
)
