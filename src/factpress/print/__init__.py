"""Stage 6, print: takes the assembled Site; gives the report as one print document
(document.py) and as a tagged PDF through WeasyPrint (pdf.py), cached by its inputs."""
