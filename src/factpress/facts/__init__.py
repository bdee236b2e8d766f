"""Stage 2, the facts: takes the fact and source files; gives a FactBook (model.py) of facts with
exact quantities, units and periods (quantities.py), each with its file:line (load.py). Also the
scan for figures typed into prose instead of cited from a fact (typed_numbers.py)."""
