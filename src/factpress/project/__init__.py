"""Stage 1, the project: takes a project folder; gives its input files read and classified
(files.Sources), the report settings (settings.Settings), and the tools later stages read YAML
with (strict_yaml: every value with its file:line; fields: typed fields with precise messages).
Also the up-to-date check of a whole build (uptodate) and the scaffold of a new project (new,
with a wheel of the running factpress for its requirements.txt: wheel)."""
