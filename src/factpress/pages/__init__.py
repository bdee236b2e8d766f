"""Stage 3, the pages: takes Markdown files with front matter; gives parsed Pages (parse.py): an
HTML body with placeholders for each {fact}, {facts} table and {chart} it uses (plugins.py),
its headings and its problems. parse_all.py parses many pages at once, in worker processes, and
reuses pages whose text did not change."""
