"""Build this repository's report: the same code path as `factpress build`."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from factpress.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["build", str(Path(__file__).resolve().parent), *sys.argv[1:]])
