"""The command line: factpress build | serve | pdf | check | new."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from factpress import __version__
from factpress.shared.diagnostics import SHOWN_PER_KIND, FactpressError


class DebugGroup(click.Group):
    """User errors print as one line each; anything else is a bug, shown in full only with --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            else:
                click.echo(f"unexpected error: {type(exc).__name__}: {exc}; run again with --debug for details", err=True)
            sys.exit(2)


def project_arg(func):
    return click.argument("project", type=click.Path(file_okay=False, path_type=Path), default=".")(func)


def base_url_option(func):
    return click.option("--base-url", "base_url", envvar="FACTPRESS_BASE_URL", metavar="URL",
                        help="Where the site is published, e.g. https://user.github.io/repo/ (also FACTPRESS_BASE_URL); "
                             "replaces base_url of report.yaml.")(func)


def given_base_url(ctx: click.Context, value: str | None):
    """The --base-url (or FACTPRESS_BASE_URL) of this command as a BaseUrl, checked; None when not given."""
    if not value:
        return None
    from factpress.project.settings import BASE_URL_ENV, BaseUrl, base_url_problem

    from_env = ctx.get_parameter_source("base_url") == click.core.ParameterSource.ENVIRONMENT
    origin = BASE_URL_ENV if from_env else "--base-url"
    problem = base_url_problem(value)
    if problem:
        raise FactpressError(f"{origin}: error: base_url {problem}")
    return BaseUrl(value, origin)


def echo_warnings(diags, quiet: bool = False, every: bool = False, lines: list[str] | None = None) -> None:
    """The warnings, sorted and formatted once, printed in one write: beyond the first few of one
    kind only their count, unless every (-v). lines: those already made for this build."""
    if quiet:
        return
    if lines is None or every:
        lines = diags.warning_lines(every)
    if lines:
        click.echo("\n".join(lines), err=True)


@click.group(cls=DebugGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks for unexpected errors.")
@click.version_option(__version__, prog_name="factpress")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Build a static report site from sourced facts, Markdown commentary and charts."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@main.command()
@project_arg
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: PROJECT/site].")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--pdf", "with_pdf", is_flag=True, help="Also write report.pdf into the site and link to it (as 'pdf: true' in report.yaml does).")
@click.option("-v", "--verbose", is_flag=True, help="List every warning (by default, of one kind only the first "
                                                    f"{SHOWN_PER_KIND}, then how many more); also say how many pages "
                                                    "were parsed and rendered and how many came from the cache, which "
                                                    "charts were rendered, and the time each stage took.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes for parsing and rendering pages [default: one per core when many pages changed; "
                   "for rendering, from 2000 pages].")
@click.option("--force", is_flag=True, help="Build into an output folder that looks unsafe (the project, content/, other files); "
                                            "files factpress did not write are kept.")
@base_url_option
@click.pass_context
def build(ctx: click.Context, project: Path, output: Path | None, quiet: bool, with_pdf: bool, verbose: bool,
          jobs: int | None, force: bool, base_url: str | None) -> None:
    """Build the site into PROJECT/site (or --output)."""
    from factpress.site.output import FolderOutput, output_refusal

    given = given_base_url(ctx, base_url)

    dest = output or project / "site"
    refusal = output_refusal(dest, project)
    if refusal and not force:
        raise FactpressError(f"{dest}: error: refusing to build into this output folder: it {refusal}; "
                             "choose another with -o, or use --force (files factpress did not write are kept)")
    from factpress.project import uptodate

    inputs = None if refusal else uptodate.inputs_key(project, dest, with_pdf, given and given.url)
    if not verbose:
        same = uptodate.current(project, dest, inputs)
        if same is not None:
            count, warnings = same
            if not quiet:
                if warnings:
                    click.echo("\n".join(warnings), err=True)
                click.echo(f"built {count} files into {dest} (0 written, {count} unchanged, 0 removed; up to date)")
            return
    from factpress.build import run_build  # only now: an up-to-date build needs none of the pipeline
    from factpress.shared.progress import StageClock, for_terminal

    progress = clock = StageClock(for_terminal(quiet))
    result = run_build(project, FolderOutput(dest, keep_foreign=bool(refusal)), pdf=with_pdf, jobs=jobs,
                       progress=progress, base_url=given)
    import gc

    gc.freeze()  # what the build made lives until the process ends: no collection need walk it again
    warnings = result.diagnostics.warning_lines()
    if inputs is not None:
        uptodate.record(project, dest, inputs, len(result.rendered.files), warnings)
    echo_warnings(result.diagnostics, quiet, verbose, warnings)
    if not quiet:
        r = result.report
        click.echo(f"built {len(result.rendered.files)} files into {dest} "
                   f"({len(r.written)} written, {len(r.unchanged)} unchanged, {len(r.removed)} removed)")
    if verbose:
        p = result.pages
        click.echo(f"pages: {p.parsed} parsed{f' in {p.jobs} processes' if p.jobs > 1 else ''}, {p.cached} cached")
        click.echo(f"rendered: {result.rendered.made} files, {result.rendered.reused} unchanged")
        charts = result.site.charts
        for chart_id, state in sorted(charts.status.items()):
            click.echo(f"chart {chart_id}: {state}")
        click.echo(f"charts: {charts.count('rendered')} rendered, {charts.count('cached')} cached")
        if result.search:
            click.echo(f"search: {'index made' if result.search == 'indexed' else 'index unchanged, from the cache'}")
        click.echo(f"time: {clock.summary()}")


@main.command()
@project_arg
@click.option("--strict", is_flag=True, help="Treat warnings (unused facts and sources, numbers typed in prose) as errors.")
@click.option("--explain", is_flag=True, help="List, for each page, every number it shows with its fact and source.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning (by default, of one kind only the first "
                                                    f"{SHOWN_PER_KIND}, then how many more).")
@base_url_option
@click.pass_context
def check(ctx: click.Context, project: Path, strict: bool, explain: bool, verbose: bool, base_url: str | None) -> None:
    """Validate the project; write nothing."""
    from factpress.build import run_build

    result = run_build(project, None, strict=strict, base_url=given_base_url(ctx, base_url))
    echo_warnings(result.diagnostics, every=verbose)
    site = result.site
    if explain:
        from factpress.site.explain import explain as explain_numbers

        click.echo("\n".join(explain_numbers(site)))
    warned = sum(1 for d in result.diagnostics.sorted() if d.severity == "warning")
    click.echo(f"ok: {len(site.book.facts)} facts, {len(site.book.sources)} sources, {len(site.pages)} pages, "
               f"{len(site.charts.outputs)} charts; {warned} warning{'' if warned == 1 else 's'}")


@main.command()
@project_arg
@click.option("--host", help="Address to listen on [default: 127.0.0.1, this machine only]; 0.0.0.0 opens it to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; when it is busy, the next free one.")
@base_url_option
@click.pass_context
def serve(ctx: click.Context, project: Path, host: str | None, port: int, base_url: str | None) -> None:
    """Build, serve the site under its published path, and rebuild and reload open pages on every change."""
    from factpress.preview.serve import run

    given = given_base_url(ctx, base_url)
    if not project.is_dir():
        raise FactpressError(f"{project}: no such folder")
    run(project, host, port, debug=ctx.obj["debug"], base_url=given)


@main.command()
@project_arg
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PDF file to write [default: PROJECT/report.pdf].")
@click.option("--paper", type=click.Choice(["A4", "Letter"], case_sensitive=False), help="Paper size [default: 'paper' in report.yaml, else A4].")
@click.option("--no-appendix", is_flag=True, help="Leave out the appendix with the table of all facts.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@base_url_option
@click.pass_context
def pdf(ctx: click.Context, project: Path, output: Path | None, paper: str | None, no_appendix: bool, quiet: bool,
        base_url: str | None) -> None:
    """Write the whole report as one print-ready PDF."""
    from factpress.build import run_pdf
    from factpress.print.document import PrintOptions

    given = given_base_url(ctx, base_url)
    from factpress.site.output import pdf_refusal

    dest = output or project / "report.pdf"
    refusal = pdf_refusal(dest, project)
    if refusal:
        raise FactpressError(f"{dest}: error: refusing to write the PDF there: it {refusal}; choose another file with -o")
    options = PrintOptions(paper=paper, appendix=not no_appendix)  # click gives the choice as listed: A4 or Letter
    from factpress.shared.progress import for_terminal

    result = run_pdf(project, dest, options, progress=for_terminal(quiet), base_url=given)
    echo_warnings(result.diagnostics, quiet)
    if not quiet:
        state = "written" if result.written else "unchanged"
        origin = "from cache" if result.cached else "rendered"
        click.echo(f"{dest}: {result.pages} pages, {result.size / 1024:.0f} KiB ({origin}, {state})")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new(directory: Path) -> None:
    """Start a new report project in DIRECTORY."""
    from factpress.project.new import create_project

    create_project(directory)
    import shlex

    click.echo(f"created a new report in {directory}; build it with: factpress build {shlex.quote(str(directory))}")


if __name__ == "__main__":  # pragma: no cover
    main()
