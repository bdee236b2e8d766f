"""factpress: sourced facts, Markdown commentary and Altair charts into a static report site."""

__version__ = "0.1.0"

__all__ = ["chart", "__version__"]


def __getattr__(name: str):
    if name == "chart":  # the one name chart files import; loaded on first use, not by every command
        from factpress.charts.api import chart

        return chart
    raise AttributeError(f"module 'factpress' has no attribute {name!r}")
