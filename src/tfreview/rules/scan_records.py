"""What a scan imports, imported: so that `python -m tfreview.rules` keeps the compiled methods of every record a
scan defines (`plumbing.record_code`, ADR 0468)."""

from __future__ import annotations


def define_scan_records() -> None:
    """Load every rule and import what a scan imports besides the rules (a plan or a directory, every report
    format, a baseline): each record they define is compiled once (tests/unit/test_record_code.py holds a plan
    scan to it)."""
    import tfreview.baseline
    import tfreview.config
    import tfreview.core.review
    import tfreview.parsing.hcl
    import tfreview.parsing.inputs
    import tfreview.parsing.plan_json
    import tfreview.parsing.source_tree
    import tfreview.parsing.terraform_roots
    import tfreview.render
    import tfreview.render.github
    import tfreview.render.junit
    import tfreview.render.markdown
    import tfreview.render.roots
    import tfreview.render.text  # noqa: F401 (imported for the records it defines)
    from tfreview.rules import load_rules

    load_rules()
