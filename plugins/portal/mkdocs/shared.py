"""What the portal's plugins share: the one publication decision of this build."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from ..project import Publication


def publication_of(config: MkDocsConfig) -> Publication:
    """The ``portal`` plugin's decision. Other portal plugins read it, never decide again."""
    gate = config.plugins.get("portal")
    publication = getattr(gate, "publication", None)
    if publication is None:
        raise PluginError(
            "mkdocs.yml: plugins: the portal's feeds and search need the 'portal' plugin, "
            "listed before them")
    return publication
