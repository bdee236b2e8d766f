import altair as alt
from factpress import chart

@chart("../../../x", title="Trade")
def c1(facts):
    return alt.Chart(alt.Data(values=[{"r": "Zhejiang", "v": facts.value("zj-trade")}])).mark_bar().encode(x="r:N", y="v:Q")
