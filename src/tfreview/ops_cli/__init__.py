"""The operator's commands and drills: drivers over `tfreview.ops` (docs/adr/0236-ops-layers.md).

commands.py           `tfreview alerts export|list`, `tfreview slo` (slo_report.py reads attainment from the store)
ai_commands.py        `tfreview ai pause|resume|status`
block_commands.py     `tfreview block …` (blocked addresses and API tokens)
data_commands.py      `tfreview backup …`, `tfreview audit`, `tfreview audit-log`, `tfreview drill …`
                      (restore.py does `backup restore`)
incident_commands.py  `tfreview incidents …`, `tfreview probe`
drill_*.py            the drills: an alert's scenario, the DR drill (`drill dr`), their reports

They may import the store, the wiring and the application; `tfreview.ops` (what adapters may import)
never imports them.
"""
