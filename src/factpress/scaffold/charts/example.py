"""Charts of this report: each function receives the facts and returns an Altair chart."""
import altair as alt

from factpress import chart


@chart("example-chart", title="Population (placeholder)")
def example_chart(facts):
    fact = facts["example-population-2023"]
    data = alt.Data(values=[{"region": fact.region, "people": facts.value(fact.id)}])
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("people:Q", title="People"),
        y=alt.Y("region:N", title=None),
    )
