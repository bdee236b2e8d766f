"""The preview: the same build in a loop. serve.py listens and stops cleanly; watch.py reports
edits; rebuild.py runs the real build with one BuildCache across builds and holds the last good
site in memory; http.py serves it under its published path with a reload channel (client.js)."""
