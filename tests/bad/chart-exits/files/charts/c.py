import altair as alt
from factpress import chart

import sys


@chart("c1", title="Trade")
def c1(facts):
    facts.value("zj-trade")
    sys.exit(3)
