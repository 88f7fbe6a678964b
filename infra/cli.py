"""The ``estate`` command line moved to ``tools/cli.py``; this name stays until the console script
(``estate = "tools.cli:app"`` in pyproject.toml) is reinstalled and the last importers move."""

from tools.cli import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
