"""Regional integration: one firm's chain across the delta, as a tile map of its provincial-level regions."""
import altair as alt

from factpress import chart

# Tile positions of the delta's provincial-level regions (north-west to south-east) and the
# step of the wiper maker's work each one hosts, as the source describes it.
TILES = [
    {"place": "Jiangsu", "col": 1, "row": 0, "step": 0, "stage": "not in this chain"},
    {"place": "Shanghai", "col": 2, "row": 1, "step": 1, "stage": "1 Research and development"},
    {"place": "Zhejiang", "col": 1, "row": 2, "step": 2, "stage": "2 Mould processing"},
    {"place": "Anhui", "col": 0, "row": 1, "step": 3, "stage": "3 Manufacturing"},
]


@chart("regional-chain", title="One firm's chain across the delta")
def regional_chain(facts):
    regions = facts.written("delta-provincial-regions-2020")
    tiles = TILES[: int(regions)]
    base = alt.Chart(alt.Data(values=tiles)).encode(
        x=alt.X("col:O", axis=None), y=alt.Y("row:O", axis=None))
    tile = base.mark_rect(stroke="white", strokeWidth=4).encode(
        color=alt.condition("datum.step > 0", alt.value("#0072b2"), alt.value("#595959")),
        tooltip=[alt.Tooltip("place:N", title="Region"), alt.Tooltip("stage:N", title="Step")])
    flow = base.transform_filter("datum.step > 0").mark_line(
        color="#c24e00", strokeWidth=3, yOffset=32, point=alt.OverlayMarkDef(color="#c24e00", size=60, yOffset=32)).encode(order="step:Q")
    place = base.mark_text(dy=-26, fontWeight="bold", color="white", fontSize=13).encode(text="place:N")
    stage = base.mark_text(dy=-4, color="white", fontSize=11).encode(text="stage:N")
    return (tile + flow + place + stage).properties(width=540, height=270)
