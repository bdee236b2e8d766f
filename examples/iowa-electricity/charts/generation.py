"""Charts of Iowa's electricity: every value comes from the report's table or its facts."""
import altair as alt

from factpress import chart

TABLE = "iowa-electricity"
SHARES = {"fossil-share-2017": "Fossil fuels", "renewables-share-2017": "Renewables",
          "nuclear-share-2017": "Nuclear energy"}


@chart("generation-by-source", title="Net generation of electricity in Iowa by source, 2001–2017")
def generation_by_source(facts):
    rows = facts.table(TABLE)
    return alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("year:T", title=rows.title_of("year"), axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2})),
        y=alt.Y("net_generation:Q", title=rows.label("net_generation")),
        color=alt.Color("source:N", title=rows.title_of("source"), sort=["Fossil Fuels", "Renewables", "Nuclear Energy"],
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("year:T", title=rows.title_of("year"), format="%Y"),
                 alt.Tooltip("source:N", title=rows.title_of("source")),
                 alt.Tooltip("net_generation:Q", title=rows.label("net_generation"), format=",")],
    ).properties(width=560, height=300)


@chart("mix-2017", title="Shares of net generation in Iowa, 2017")
def mix_2017(facts):
    rows = [{"source": name, "share_percent": facts.written(fid), "share": facts[fid].value_text}
            for fid, name in SHARES.items()]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("source:N", title=None, sort=list(SHARES.values())),
        x=alt.X("share_percent:Q", title="Share of net generation (%)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("source:N", title="Source"), alt.Tooltip("share:N", title="Share")])
    return (base.mark_bar() + base.mark_text(align="left", dx=4).encode(text="share:N")).properties(width=480, height=120)
