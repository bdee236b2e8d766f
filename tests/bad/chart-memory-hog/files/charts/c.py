import altair as alt
from factpress import chart

@chart("c1", title="Trade")
def c1(facts):
    facts.value("zj-trade")
    return bytearray(5 * 1024 ** 3)
