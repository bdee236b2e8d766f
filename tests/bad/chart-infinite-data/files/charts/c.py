import altair as alt
from factpress import chart

@chart("c1", title="Trade")
def c1(facts):
    rows = [{"r": "Zhejiang", "v": facts.value("zj-trade")}, {"r": "Anhui", "v": float("inf")}]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="r:N", y="v:Q")
