"""The ``portal-feeds`` plugin: /feed.xml, /atom.xml and /api/publications.json."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from ...core.items import Kind
from ...outputs import build_case_studies_json, build_feeds, build_publications_json, schema_text
from ..shared import publication_of
from .config import FeedsConfig

log = get_plugin_logger(__name__)


class FeedsPlugin(BasePlugin[FeedsConfig]):
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """After the gate (priority 100): add the feeds and JSON, built from live items."""
        publication = publication_of(config)
        site_url = config.site_url or ""
        if not site_url:
            log.warning("mkdocs.yml: site_url is not set: feed links need an absolute address")
            site_url = "http://localhost/"
        outputs = []
        for kind in (None, *Kind):
            prefix = f"{kind.value}/" if kind else ""
            title = f"{config.site_name}: {kind.plural.lower()}" if kind else config.site_name
            rss, atom = build_feeds(publication, site_url, title, self.config.description, kind)
            outputs += [(f"{prefix}feed.xml", rss), (f"{prefix}atom.xml", atom)]
        outputs += [
            ("api/publications.json", build_publications_json(publication, site_url)),
            ("api/publications.schema.json", schema_text("publications.schema.json")),
            ("api/case-studies.json", build_case_studies_json(publication, site_url)),
            ("api/case-studies.schema.json", schema_text("case-studies.schema.json")),
        ]
        for src_uri, content in outputs:
            files.append(File.generated(config, src_uri, content=content))
        return files
