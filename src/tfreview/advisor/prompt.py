"""Builds the prompt from a versioned template (`prompts/<version>.toml`) within the token budget.

Everything that comes from the change under review goes inside data fences whose marker carries
a random nonce, so nothing in the data can close a fence it cannot name; the context has already
turned any `<<<`/`>>>` run into look-alikes as a second lock.
"""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from string import Template

from tfreview.advisor.budget import Parts, Piece, estimate_tokens, fit
from tfreview.advisor.context import ChangeRef, ChangeView, Fact, ReviewContext
from tfreview.advisor.model import Prompt
from tfreview.advisor.output import OUTPUT_SCHEMA
from tfreview.advisor.risk import Rank
from tfreview.core.errors import ConfigError
from tfreview.core.listing import listed
from tfreview.core.severity import Severity
from tfreview.core.usage import Omission

_SECTIONS = ("facts", "changes", "drift", "extras")
_OMITTED_RESERVE = 400  # bytes kept for the "left out" note
_SLACK = 16  # bytes: rounding of two token estimates, and a margin


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    version: str
    system: str
    user: str
    fence: str
    empty: str
    omitted: str


@dataclass(frozen=True, slots=True)
class BuiltPrompt:
    prompt: Prompt
    version: str
    nonce: str
    estimated_tokens: int
    omission: Omission


@lru_cache(maxsize=8)
def load_template(version: str = "review-v1") -> PromptTemplate:
    if not version.replace("-", "").isalnum():
        raise ConfigError(f"bad prompt version {version!r}")
    try:
        text = resources.files("tfreview.advisor.prompts").joinpath(f"{version}.toml").read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"unknown prompt version {version!r}") from None
    data = tomllib.loads(text)
    if data.get("version") != version:
        raise ConfigError(f"prompt file {version}.toml declares version {data.get('version')!r}")
    return PromptTemplate(
        version, data["system"], data["user"], data["fence"], data["empty"], data.get("omitted", "$what")
    )


def build_prompt(
    context: ReviewContext,
    *,
    max_input_tokens: int,
    max_output_tokens: int = 1500,
    template: PromptTemplate | None = None,
    new_nonce: Callable[[], str] = lambda: secrets.token_hex(8),
) -> BuiltPrompt:
    """The prompt for `context`, never over `max_input_tokens` (estimated), and what it left out."""
    template = template or load_template()
    pieces = list(pieces_of(context))
    nonce = new_nonce()
    counts = _counts(context)
    skeleton_system, skeleton_user = _render(template, nonce, counts, dict.fromkeys(_SECTIONS, "x"), "")
    overhead = len(skeleton_system.encode()) + len(skeleton_user.encode()) + _OMITTED_RESERVE + _SLACK
    available = max_input_tokens * 4 - overhead
    if available <= 0:
        raise ConfigError(f"advisor max_input_tokens={max_input_tokens} is below the prompt's own size")
    kept, omission = fit(pieces, available)
    while any(f"DATA-{nonce}" in text for parts in kept for _, text in parts):
        nonce = new_nonce()  # the data cannot know the nonce; this only rules out a 1-in-2^64 accident
    while True:
        bodies: dict[str, list[str]] = {name: [] for name in _SECTIONS}
        for parts in kept:
            for section, text in parts:
                bodies[section].append(text)
        what = Template(template.omitted).substitute(what=omission.summary()) if not omission.empty else ""
        system, user = _render(template, nonce, counts, {k: "\n".join(v) for k, v in bodies.items()}, what)
        tokens = estimate_tokens(system) + estimate_tokens(user)
        if tokens <= max_input_tokens or not kept:
            break
        kept.pop()  # defensive: the byte accounting above already keeps us under
    schema = dict(OUTPUT_SCHEMA)
    prompt = Prompt(system=system, user=user, max_output_tokens=max_output_tokens, json_schema=schema)
    return BuiltPrompt(prompt, template.version, nonce, tokens, omission)


def _render(template: PromptTemplate, nonce: str, counts: str, bodies: dict[str, str], omitted: str) -> tuple[str, str]:
    fenced = {
        name: Template(template.fence).substitute(nonce=nonce, name=name, body=body) if body else template.empty
        for name, body in bodies.items()
    }
    system = Template(template.system).substitute(nonce=nonce)
    user = Template(template.user).substitute(nonce=nonce, counts=counts, omitted=omitted, **fenced)
    return system, user


def _counts(context: ReviewContext) -> str:
    if not context.kinds:
        return "no resource changes"
    total = sum(context.kinds.values())
    parts = ", ".join(f"{n:,} {kind}" for kind, n in sorted(context.kinds.items()))
    return f"{total:,} resource changes ({parts}), {len(context.facts):,} rule findings, {len(context.drift):,} drifted"


def pieces_of(context: ReviewContext) -> Iterable[Piece]:
    """Every unit of the prompt, ranked: a change travels with its findings."""
    by_address: dict[str, list[Fact]] = {}
    for fact in context.facts:
        by_address.setdefault(fact.address, []).append(fact)
    changed = set()
    for ref in context.changes:
        changed.add(ref.address)
        facts = by_address.get(ref.address, [])
        worst = max((_severity_rank(f.severity) for f in facts), default=0)
        yield Piece(
            ref.rank,
            (-worst, ref.address),
            "change",
            ref.address,
            ref.kind.value,
            facts=len(facts),
            render=partial(_change_parts, context, ref, tuple(facts)),
            floor=len(ref.kind.value) + 5,  # `- a: kind`, the address at least one character
        )
    for address, facts in by_address.items():
        if address in changed:
            continue
        for fact in facts:
            rank = -_severity_rank(fact.severity)
            line = fact.line()
            yield Piece(
                Rank.UNCHANGED_FACTS, (rank, address), "fact", address, parts=(("facts", line),), floor=len(line)
            )
    for ref in context.drift:
        line = f"- {context.shown(ref)}: {ref.kind.value}"
        yield Piece(Rank.DRIFT, (0, ref.address), "drift", ref.address, parts=(("drift", line),), floor=len(line))
    for index, (name, text) in enumerate(context.extras):
        line = f"{name}:\n{text}"
        yield Piece(Rank.REST, (-1, f"{index:04d}"), "extra", name, parts=(("extras", line),), floor=len(line))


def _change_parts(context: ReviewContext, ref: ChangeRef, facts: tuple[Fact, ...]) -> Parts:
    return (("changes", _change_text(context.view(ref))), *(("facts", f.line()) for f in facts))


_STAYS = "the current object stays"


def _change_text(view: ChangeView) -> str:
    head = f"- {view.address}: {view.kind.value}"
    why = [view.reason.replace("_", " ")] if view.reason else []
    if view.deposed is not None:  # not the current object at the address, which stays (ADR 0616)
        why.insert(0, f"deposed object {view.deposed}, left by an unfinished create-before-destroy replace: {_STAYS}")
    if view.replace_paths:
        why.append("forced by " + listed(view.replace_paths))
    if why:
        head += f" ({'; '.join(why)})"
    lines = [head] + [f"    {d.line()}" for d in view.diffs]
    if view.more_attributes:
        lines.append(f"    (+{view.more_attributes} more changed attributes)")
    return "\n".join(lines)


def _severity_rank(name: str) -> int:
    """The rank of a severity as a fact names it (core/severity.py's order); 0 for a name it does not know."""
    try:
        return Severity(name).rank
    except ValueError:
        return 0
