"""Pieces every stage uses: diagnostics (problems with their file:line and what they are about),
the BuildCache that one build hands the next, forked workers, and the progress line."""
