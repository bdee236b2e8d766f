"""Trade charts of the dual-circulation report: every value is read from a fact by id."""
import altair as alt

from factpress import chart

PROVINCES = ["zhejiang-trade-2020h1", "anhui-trade-2020h1"]
FIRM = "lcfc-computer-exports-2020h1"


def growth_label(fact):
    """The change as the site shows it, without the basis: '+4.2%'."""
    return fact.change.format().split(" ")[0]


@chart("trade-growth", title="Foreign trade in the first half of 2020: volume and growth")
def trade_growth(facts):
    rows = []
    for fid in PROVINCES + [FIRM]:
        fact = facts[fid]
        is_trade = fid in PROVINCES
        rows.append({
            "series": fact.region if is_trade else "LCFC computer exports",
            "measure": fact.label,
            "volume_billion_yuan": facts.value(fid) / 1e9 if is_trade else None,
            "volume": fact.value_text,
            "growth_percent": facts.change(fid),
            "growth": growth_label(fact),
        })
    base = alt.Chart(alt.Data(values=rows))
    order = [r["series"] for r in rows]
    y = alt.Y("series:N", title=None, sort=order)
    tip = [alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("volume:N", title="Volume"),
           alt.Tooltip("growth:N", title="Year on year")]
    volume = base.transform_filter("datum.volume_billion_yuan != null").encode(
        x=alt.X("volume_billion_yuan:Q", title="Import and export volume (billion yuan)"), y=y, tooltip=tip)
    volume = (volume.mark_bar() + volume.mark_text(align="left", dx=4).encode(text="volume:N")).properties(
        width=400, height=70, title="Volume")
    growth = base.encode(x=alt.X("growth_percent:Q", title="Growth on a year earlier (%)",
                                 scale=alt.Scale(domainMin=0)), y=y, tooltip=tip)
    growth = (growth.mark_bar(color="#c24e00") + growth.mark_text(align="left", dx=4).encode(text="growth:N")).properties(
        width=400, height=105, title="Year-on-year growth")
    return alt.vconcat(volume, growth, spacing=24).resolve_scale(y="independent")


@chart("delta-weight", title="The delta's weight in China")
def delta_weight(facts):
    rows = [{"measure": facts[fid].label, "share_percent": round(facts.value(fid) * 100, 1),
             "share": facts[fid].value_text}
            for fid in ("delta-gdp-share-2020", "delta-trade-investment-share-2020")]
    area = facts["delta-area-2020"]
    bars = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("share_percent:Q", title="Share of the national total (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("measure:N", title=None, sort=None, axis=alt.Axis(labelLimit=340)),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("share:N", title="Share")])
    return (bars.mark_bar() + bars.mark_text(align="left", dx=4).encode(text="share:N")).properties(
        width=380, height=90,
        title=alt.Title("The delta's weight in China", subtitle=f"on {area.value_text} of land ({area.period_text})"))
