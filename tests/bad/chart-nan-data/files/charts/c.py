import altair as alt
from factpress import chart

@chart("c1", title="Trade")
def c1(facts):
    facts.value("zj-trade")
    rows = [{"r": "Zhejiang", "v": float("nan")}]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="r:N", y="v:Q")
