"""Charts of the benchmark results: every value is read from a fact, found by its tag."""
import altair as alt

from factpress import chart

REBUILDS = {"no-change": "Nothing changed", "prose-edit": "One page's prose edited", "fact-edit": "One fact edited"}


def pages(facts, fact):
    """The corpus size of a measured figure, from the corpus fact of its run (tag nN)."""
    size = next(t[1:] for t in fact.tags if t[:1] == "n" and t[1:].isdigit())
    return facts.value(f"corpus-pages-{size}")


def pages_text(facts, fact):
    return facts[f"corpus-pages-{int(pages(facts, fact))}"].value_text


def ratio_dots(rows, y_title, sort):
    """Ratios on a log scale around 1, one row per measure, one colour per corpus size."""
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("ratio:Q", title="Time relative to factpress's cold build (log scale)",
                scale=alt.Scale(type="log")),
        y=alt.Y("measure:N", title=y_title, sort=sort),
        color=alt.Color("corpus:N", title="Corpus", sort=alt.SortField("pages")),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("corpus:N", title="Corpus"),
                 alt.Tooltip("text:N", title="Relative time")])
    one = alt.Chart(alt.Data(values=[{"x": 1}])).mark_rule(strokeDash=[4, 4], color="#595959").encode(x="x:Q")
    return (one + base.mark_point(filled=True, size=110)).properties(width=440, height=36 * len(sort))


@chart("cold-time-by-pages", title="Cold build time against corpus size")
def cold_time_by_pages(facts):
    rows = [{"tool": f.entity, "pages": pages(facts, f), "corpus": pages_text(facts, f),
             "seconds": facts.value(f.id), "time": f.value_text} for f in facts.select(tag="cold")]
    rows.sort(key=lambda r: (r["tool"], r["pages"]))
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("pages:Q", title="Pages in the corpus (log scale)", scale=alt.Scale(type="log")),
        y=alt.Y("seconds:Q", title="Cold build, median seconds (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("tool:N", title="Tool"),
        tooltip=[alt.Tooltip("tool:N", title="Tool"), alt.Tooltip("corpus:N", title="Corpus"),
                 alt.Tooltip("time:N", title="Cold build")])
    return (base.mark_line() + base.mark_point(filled=True, size=70)).properties(width=440, height=280)


@chart("tool-ratios", title="Other generators' cold build time relative to factpress")
def tool_ratios(facts):
    rows = [{"measure": f.entity, "pages": pages(facts, f), "corpus": pages_text(facts, f),
             "ratio": facts.value(f.id), "text": f.value_text} for f in facts.select(tag="tool-ratio")]
    order = sorted({r["measure"] for r in rows})
    return ratio_dots(rows, "Tool", order)


@chart("rebuild-ratios", title="factpress rebuilds relative to its cold build")
def rebuild_ratios(facts):
    rows = []
    for f in facts.select(tag="rebuild-ratio"):
        kind = next(k for k in REBUILDS if f.id.startswith(f"factpress-{k}-"))
        rows.append({"measure": REBUILDS[kind], "pages": pages(facts, f), "corpus": pages_text(facts, f),
                     "ratio": facts.value(f.id), "text": f.value_text})
    return ratio_dots(rows, "Rebuild", [v for v in REBUILDS.values() if any(r["measure"] == v for r in rows)])
