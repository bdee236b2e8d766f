"""Trade charts of the dual-circulation report: every value is read from a fact by id."""
import altair as alt

from factpress import chart

PROVINCES = ["zhejiang-trade-2020h1", "anhui-trade-2020h1"]


@chart("trade-growth", title="Foreign trade growth, first half of 2020")
def trade_growth(facts):
    rows = []
    for fid in PROVINCES + ["lcfc-computer-exports-2020h1"]:
        fact = facts[fid]
        rows.append({"series": fact.entity or fact.region, "what": fact.label,
                     "growth": facts.change(fid)})
    return alt.Chart(alt.Data(values=rows)).mark_bar(color="#1f5f8b").encode(
        x=alt.X("growth:Q", title="Growth on a year earlier (%)"),
        y=alt.Y("series:N", title=None, sort=None),
        tooltip=[alt.Tooltip("what:N", title="Measure"), alt.Tooltip("growth:Q", title="Growth (%)")],
    ).properties(width=420, height=120)


@chart("delta-weight", title="The delta's weight in China")
def delta_weight(facts):
    rows = [{"measure": facts[fid].label, "share": round(facts.value(fid) * 100, 1)}
            for fid in ("delta-gdp-share-2020", "delta-trade-investment-share-2020")]
    return alt.Chart(alt.Data(values=rows)).mark_bar(color="#1f5f8b").encode(
        x=alt.X("share:Q", title="Share of the national total (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("measure:N", title=None, sort=None),
        tooltip=[alt.Tooltip("measure:N"), alt.Tooltip("share:Q", title="Share (%)")],
    ).properties(width=420, height=90)
