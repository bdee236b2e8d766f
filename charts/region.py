"""Regional integration: one firm's chain across the delta, as a tile map of its provincial-level regions."""
import altair as alt

from factpress import chart

# Tile positions of the delta's provincial-level regions (north-west to south-east) and the
# step of the wiper maker's work each one hosts, as the source describes it.
TILES = [
    {"place": "Jiangsu", "col": 1, "row": 0, "step": 0, "stage": ["Not part of", "this chain"]},
    {"place": "Shanghai", "col": 2, "row": 1, "step": 1, "stage": ["1. Research and", "development"]},
    {"place": "Zhejiang", "col": 1, "row": 2, "step": 2, "stage": ["2. Mould", "processing"]},
    {"place": "Anhui", "col": 0, "row": 1, "step": 3, "stage": ["3. Manufacturing"]},
]


@chart("regional-chain", title="One wiper maker's work runs through three of the delta's four provinces",
       subtitle="Where Anhui Shenghuabo Auto Electric does each step, as described in 2020")
def regional_chain(facts, layout):
    regions = int(facts.written("delta-provincial-regions-2020"))
    tiles = [dict(t, stage_text=" ".join(t["stage"])) for t in TILES[:regions]]
    size = 100 if layout.narrow else 150
    base = alt.Chart(alt.Data(values=tiles)).encode(
        x=alt.X("col:O", axis=None, scale=alt.Scale(paddingInner=0.06)),
        y=alt.Y("row:O", axis=None, scale=alt.Scale(paddingInner=0.06)))
    tile = base.mark_rect().encode(
        color=alt.condition("datum.step > 0", alt.value("#0072b2"), alt.value("#767676")),
        tooltip=[alt.Tooltip("place:N", title="Region"), alt.Tooltip("stage_text:N", title="Step")])
    place = base.mark_text(dy=-size * 0.18, fontWeight="bold", color="white", fontSize=13).encode(text="place:N")
    stage = base.mark_text(dy=4, color="white", fontSize=11 if layout.narrow else 12, baseline="top",
                           lineHeight=14).encode(text="stage:N")
    return (tile + place + stage).properties(width=size * 3, height=size * 3)
