from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class FeedsConfig(Config):
    description = c.Type(str, default="New safeguarding case reviews, case studies and briefings.")
    """The feeds' description."""
