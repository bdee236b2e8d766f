"""Pieces every stage uses: diagnostics (problems with their file:line and what they are about),
the BuildCache that one build hands the next (and the cache folder's own problems), forked
workers, time limits on work in this process (deadline), and the progress line."""
