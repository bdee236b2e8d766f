"""factpress: sourced facts, Markdown commentary and Altair charts into a static report site."""

__version__ = "0.1.0"

from factpress.charting import chart  # noqa: E402  (the one name chart files import)

__all__ = ["chart", "__version__"]
