"""The safeguarding review publication portal.

``portal.core`` holds the publication rules as plain functions (no MkDocs, no I/O);
``portal.project`` reads a site project from disk; ``portal.mkdocs`` adapts both to
MkDocs' plugin events; ``portal.cli`` is the ``portal`` command.
"""

__version__ = "0.1.0"
