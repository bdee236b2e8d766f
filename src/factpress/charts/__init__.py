"""Stage 4, the charts: takes chart files (Python with Altair) and the FactBook; gives Charts
(model.py): each chart's themed Vega-Lite spec, SVG and PNG. api.py is what chart files import
(the @chart decorator, the facts a chart reads); runner.py and worker.py run the files and render
in forked workers with a timeout; cache.py keeps all of it by content; theme.py is the look;
describe.py and figure.py make a chart's text description, data table and downloads for the site."""
