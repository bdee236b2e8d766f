"""Stage 2, the facts: takes the fact, source and data files and the report's settings; gives a
FactBook (model.py) of sources, data tables and facts, each with its file:line (load.py).

units.py reads a unit (the report's kinds, ISO 4217 currencies, the Pint unit library, the report's
own), quantities.py shows an exact number in it, periods.py reads and words periods and intervals.
tables.py reads content/data/NAME.csv with its schema NAME.yaml; draw.py resolves facts drawn from a
table (`from:`), formula.py and derive.py facts derived from others (`formula:`); recipes.py reads
those two fields. typed_numbers.py finds figures typed into prose instead of cited from a fact."""
