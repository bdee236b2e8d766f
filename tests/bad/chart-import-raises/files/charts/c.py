import altair as alt
import no_such_module_here
from factpress import chart

@chart("c1", title="Trade")
def c1(facts):
    return alt.Chart(alt.Data(values=[{"r": "Zhejiang", "v": facts.value("zj-trade")}])).mark_bar().encode(x="r:N", y="v:Q")
