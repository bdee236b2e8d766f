"""Stage 6, print: takes the assembled Site; gives the report as one print document laid out as a
book (document.py; book.py makes the site's pages chapters: footnotes, numbered figures,
citations) and as a tagged PDF through WeasyPrint (pdf.py), cached by its inputs."""
