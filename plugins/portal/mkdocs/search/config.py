from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class SearchConfig(Config):
    output_path = c.Type(str, default="pagefind")
    """Where the Pagefind bundle goes, relative to the site (further shards beside it,
    as ``pagefind-1`` and so on)."""
    shard_text_mb = c.Type((int, float), default=12)
    """Megabytes of text per Pagefind index: a larger collection is indexed as several,
    merged by the search page, to bound the indexer's memory (about 40 MB per MB)."""
