import altair as alt
from factpress import chart

@chart("c1", title=["a", 3])
def c1(facts):
    return alt.Chart(alt.Data(values=[{"r": "Zhejiang", "v": facts.value("zj-trade")}])).mark_bar().encode(x="r:N", y="v:Q")
