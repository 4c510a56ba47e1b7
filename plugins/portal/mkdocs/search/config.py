from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class SearchConfig(Config):
    output_path = c.Type(str, default="pagefind")
    """Where the Pagefind bundle goes, relative to the site."""
