"""Charts of the benchmark results: every value is read from a fact, found by its tag."""
import altair as alt

from factpress import chart

TOOLS = ["factpress", "Hugo", "Pelican", "MkDocs"]
COLD_LINES = [*TOOLS, "factpress without search"]  # Hugo, Pelican and MkDocs index nothing
REBUILDS = {"no-change": "Nothing changed", "prose-edit": "One page's prose edited", "fact-edit": "One fact edited"}


def pages(facts, fact):
    """The corpus size of a measured figure, from the corpus fact of its run (tag nN)."""
    size = next(t[1:] for t in fact.tags if t[:1] == "n" and t[1:].isdigit())
    return facts.value(f"corpus-pages-{size}")


def pages_text(facts, fact):
    return facts[f"corpus-pages-{int(pages(facts, fact))}"].value_text


def ratio_dots(rows, y_title, sort):
    """Ratios on a log scale around 1, one row per measure, one colour per corpus size."""
    base = alt.Chart().encode(
        x=alt.X("ratio:Q", title="Time relative to factpress's cold build (log scale)",
                scale=alt.Scale(type="log")),
        y=alt.Y("measure:N", title=y_title, sort=sort),
        color=alt.Color("corpus:N", title="Corpus", sort=alt.SortField("pages")),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("corpus:N", title="Corpus"),
                 alt.Tooltip("text:N", title="Relative time")])
    one = alt.Chart().mark_rule(strokeDash=[4, 4], color="#595959").encode(x=alt.datum(1))
    return alt.layer(base.mark_point(filled=True, size=110), one, data=alt.Data(values=rows)).properties(
        width=440, height=36 * len(sort))


@chart("cold-time-by-pages", title="Cold build time against corpus size", description=(
    "Line chart: the median cold build time of each tool, one line per tool, against the number of pages "
    "in the corpus; both axes are logarithmic. The table below gives every plotted value."))
def cold_time_by_pages(facts):
    rows = [{"tool": f.entity, "pages": pages(facts, f), "corpus": pages_text(facts, f),
             "seconds": facts.value(f.id), "time": f.value_text, "run": f.source.rsplit("-", 1)[0]} for f in facts.select(tag="cold")
            if f.entity in COLD_LINES]  # the code measured beside (before) is in the results' tables
    rows.sort(key=lambda r: (r["tool"], r["pages"]))
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("pages:Q", title="Pages in the corpus (log scale)", scale=alt.Scale(type="log")),
        y=alt.Y("seconds:Q", title="Cold build, median seconds (log scale)", scale=alt.Scale(type="log", nice=False)),
        color=alt.Color("tool:N", title="Tool", sort=COLD_LINES),
        detail="run:N",  # a line joins the sizes of one run: figures of different runs are not comparable
        tooltip=[alt.Tooltip("tool:N", title="Tool"), alt.Tooltip("corpus:N", title="Corpus"),
                 alt.Tooltip("time:N", title="Cold build")])
    return (base.mark_line() + base.mark_point(filled=True, size=70)).properties(width=440, height=280)


@chart("tool-ratios", title="Other generators' cold build time relative to factpress", description=(
    "Dot chart: for Hugo, Pelican and MkDocs, the cold build time divided by factpress's at the same corpus "
    "size, one dot per corpus size, on a logarithmic axis; a dashed line marks factpress's own time. "
    "The table below gives every plotted value."))
def tool_ratios(facts):
    rows = [{"measure": f.entity, "pages": pages(facts, f), "corpus": pages_text(facts, f),
             "ratio": facts.value(f.id), "text": f.value_text} for f in facts.select(tag="tool-ratio")]
    return ratio_dots(rows, "Tool", [t for t in TOOLS if any(r["measure"] == t for r in rows)])


@chart("rebuild-ratios", title="factpress rebuilds relative to its cold build", description=(
    "Dot chart: a factpress build into a folder it built before, with nothing changed, after a prose edit and "
    "after a fact edit, divided by the cold build time, one dot per corpus size, on a logarithmic axis; a "
    "dashed line marks the cold build. The table below gives every plotted value."))
def rebuild_ratios(facts):
    rows = []
    for f in facts.select(tag="rebuild-ratio"):
        kind = next(k for k in REBUILDS if f"-{k}-vs-cold-" in f.id)
        measure = REBUILDS[kind] if f.entity == "factpress" else f"{REBUILDS[kind]}, before"
        rows.append({"measure": measure, "pages": pages(facts, f), "corpus": pages_text(facts, f),
                     "ratio": facts.value(f.id), "text": f.value_text})
    order = list(dict.fromkeys(r["measure"] for r in sorted(rows, key=lambda r: (r["measure"] not in REBUILDS.values(),))))
    return ratio_dots(rows, "Rebuild", order)
