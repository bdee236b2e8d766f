"""Regional integration: one firm's chain across the delta, as a tile map of its provincial-level regions."""
import altair as alt

from factpress import chart

# Tile positions of the delta's provincial-level regions (north-west to south-east) and the
# stage of the wiper maker's work each one hosts, as the source describes it.
TILES = [
    {"place": "Jiangsu", "col": 1, "row": 0, "stage": "—"},
    {"place": "Anhui", "col": 0, "row": 1, "stage": "Manufacturing"},
    {"place": "Shanghai", "col": 2, "row": 1, "stage": "Research and development"},
    {"place": "Zhejiang", "col": 1, "row": 2, "stage": "Mould processing"},
]


@chart("regional-chain", title="One firm's chain across the delta")
def regional_chain(facts):
    facts["delta-provincial-regions-2020"]  # the map shows these regions
    base = alt.Chart(alt.Data(values=TILES)).encode(
        x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=3).encode(
        color=alt.condition("datum.stage != '—'", alt.value("#1f5f8b"), alt.value("#9aa5b1")),
        tooltip=[alt.Tooltip("place:N", title="Region"), alt.Tooltip("stage:N", title="Stage")])
    place = base.mark_text(dy=-10, fontWeight="bold", color="white").encode(text="place:N")
    stage = base.mark_text(dy=10, color="white", fontSize=10).encode(text="stage:N")
    return (tiles + place + stage).properties(width=480, height=270)
