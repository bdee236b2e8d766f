import altair as alt
from factpress import chart

@chart("c1", title="Trade")
def c1(facts):
    facts.value("zj-trade")
    return alt.Chart(alt.sequence(0, 3000000, as_="v")).mark_point().encode(x="v:Q", y="v:Q")
