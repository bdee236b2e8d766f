"""Stage 5, the site: takes settings, facts, pages and charts; assembles the whole report in
memory and checks every reference (assemble.py: Site), renders it through the templates of the
built-in theme (theme/) and the project's overrides (templates.py, render.py: Rendered, the
site's files as bytes; tables.py: facts tables grouped by source, with their notes), adds what
hosts and search engines read and static/'s files (publish.py), the data downloads (downloads.py)
and the search index of the rendered pages (search.py, with the searchable text in
search_text.py), checks every link and image a page writes against the result (links.py), and
writes it all at once or not at all, inside the output folder (output.py)."""
