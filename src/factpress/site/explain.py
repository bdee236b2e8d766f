"""check --explain: for each page, every number it shows with its fact and source, and the
numbers typed in prose without one."""
from __future__ import annotations

from factpress.site.assemble import Site


def explain(site: Site) -> list[str]:
    """For each page: every number it shows, with its fact and source, and the numbers typed without one."""
    book = site.book
    out = []

    def source_text(fact) -> str:
        texts = []
        for sid in fact.sources:
            src = book.sources.get(sid)
            texts.append(f"source '{sid}'" if src is None else f"{src.title} ({src.publisher}, {src.date})")
        derived = f"= {fact.derivation.formula}; " if fact.derivation else ""
        return derived + "; ".join(texts)

    def fact_line(line: int, col: int, fact, field: str, via: str = "") -> tuple[int, int, str]:
        shown = fact.change_text if field == "change" and fact.change else fact.value_text
        via = f" ({via})" if via else ""
        return line, col, f"  {f'{line}:{col}':<8} {shown:<26} fact {fact.id}{via} <- {source_text(fact)}"

    for page in ([site.home] if site.home else []) + list(site.pages):
        out.append(f"{page.rel} ({page.href})")
        rows = []
        for use in page.uses:
            if use.kind == "fact" and use.name in book.facts and use.field in ("value", "change"):
                rows.append(fact_line(use.line, use.col, book.facts[use.name], use.field))
            elif use.kind == "table":
                opts = dict(use.options)
                for fact in book.select(opts.get("tag", ""), opts.get("region", "")):
                    rows.append(fact_line(use.line, use.col, fact, "value", "in a facts table"))
            elif use.kind == "chart" and use.name in site.charts.outputs:
                chart = site.charts.outputs[use.name]
                for fid in chart.facts_read:
                    if fid in book.facts:
                        rows.append(fact_line(use.line, use.col, book.facts[fid], "value", f"in chart {use.name}"))
                if chart.table_sources:  # numbers drawn from data tables: the plotted rows, with the tables' sources
                    count = len(chart.plotted.rows)
                    shown = f"{count} row{'s' if count != 1 else ''} plotted"
                    cited = "; ".join(f"source '{sid}'" if sid not in book.sources else
                                      f"{book.sources[sid].title} ({book.sources[sid].publisher}, {book.sources[sid].date})"
                                      for sid in chart.table_sources)
                    rows.append((use.line, use.col, f"  {f'{use.line}:{use.col}':<8} {shown:<26} "
                                                    f"chart {use.name}, from a data table <- {cited}"))
        for n in getattr(page, "numbers", ()):
            rows.append((n.line, n.col, f"  {f'{n.line}:{n.col}':<8} {n.text:<26} typed in prose, no fact"))
        out.extend(row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1])))
        if not rows:
            out.append("  (no numbers)")
    return out
