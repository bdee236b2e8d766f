"""What the charts stage gives the rest of the build: each chart's themed spec, its rendered
images and what it read, with where it was defined."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from factpress.shared.diagnostics import SourceLocation


@dataclass(frozen=True)
class ChartOutput:
    id: str
    title: str
    description: str  # the author's, may be empty
    spec: str  # themed Vega-Lite JSON, canonical
    svg: str
    png: bytes
    facts_read: tuple[str, ...]
    table_sources: tuple[str, ...]
    loc: SourceLocation

    @property
    def spec_dict(self) -> dict:
        return json.loads(self.spec)


@dataclass
class Charts:
    locs: dict[str, SourceLocation] = field(default_factory=dict)
    outputs: dict[str, ChartOutput] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)  # chart id -> rendered | cached | failed
    bundle: bytes | None = None  # the vega-embed bundle the site serves, when it has charts

    @property
    def known(self) -> set[str]:
        return set(self.locs)

    @property
    def facts_read(self) -> set[str]:
        return {fid for out in self.outputs.values() for fid in out.facts_read}

    def count(self, state: str) -> int:
        return sum(1 for s in self.status.values() if s == state)
