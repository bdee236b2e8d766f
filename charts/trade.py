"""Trade charts of the dual-circulation report: every value is read from a fact by id."""
import altair as alt

from factpress import chart

PROVINCES = ["zhejiang-trade-2020h1", "anhui-trade-2020h1"]
SHARES = {"delta-gdp-share-2020": "Gross domestic product",
          "delta-trade-investment-share-2020": "Foreign trade and investment"}


def growth_label(fact):
    """The change as the site shows it, without the basis: '+4.2%'."""
    return fact.change.format().split(" ")[0]


@chart("trade-growth", title="Anhui's trade grew faster than Zhejiang's, from a far smaller base",
       subtitle="Imports and exports of two delta provinces in the first half of 2020, and their change on a year earlier")
def trade_growth(facts, layout):
    rows = [{"province": facts[fid].region, "volume_billion_yuan": facts.value(fid) / 1e9,
             "volume": facts[fid].value_text, "growth_percent": facts.change(fid), "growth": growth_label(facts[fid])}
            for fid in PROVINCES]
    base = alt.Chart(alt.Data(values=rows))
    order = [r["province"] for r in rows]
    tip = [alt.Tooltip("province:N", title="Province"), alt.Tooltip("volume:N", title="Imports and exports"),
           alt.Tooltip("growth:N", title="Change on a year earlier")]

    def panel(field, text, title, colour, labels=True):
        y = alt.Y("province:N", title=None, sort=order, axis=alt.Axis() if labels else None)
        bars = base.encode(x=alt.X(f"{field}:Q", title=title, axis=alt.Axis(tickCount=4)), y=y, tooltip=tip)
        return (bars.mark_bar(color=colour) + bars.mark_text(align="left", dx=4).encode(text=f"{text}:N")).properties(
            height=70)

    volume = panel("volume_billion_yuan", "volume", "Imports and exports (billion yuan)", "#0072b2")
    growth = panel("growth_percent", "growth", "Change on a year earlier (%)", "#c24e00", labels=layout.narrow)
    if layout.narrow:
        return alt.vconcat(volume, growth, spacing=20)
    return alt.hconcat(volume, growth, spacing=28)


@chart("delta-weight")
def delta_weight(facts):
    rows = [{"measure": name, "share_percent": round(facts.value(fid) * 100, 1), "share": facts[fid].value_text}
            for fid, name in SHARES.items()]
    area = facts["delta-area-2020"]
    bars = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("share_percent:Q", title="Share of China's total (%)", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("measure:N", title=None, sort=None),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("share:N", title="Share")])
    return (bars.mark_bar() + bars.mark_text(align="left", dx=4).encode(text="share:N")).properties(
        height=90, title=alt.Title("A quarter of China's output, about a third of its foreign trade and investment",
                                   subtitle=f"The Yangtze River Delta's share of the national total in 2020; "
                                            f"the delta covers {area.value_text}"))
