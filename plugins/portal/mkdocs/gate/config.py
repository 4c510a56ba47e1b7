"""Settings of the ``portal`` plugin: the site's publication settings in mkdocs.yml."""

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ...core.anonymise import DEFAULT_ALLOWED_EMAIL_DOMAINS, DEFAULT_ALLOWED_NUMBERS
from ...core.circulation import DEFAULT_RULES
from ...core.nspcc import DEFAULT_ADDRESS

DEFAULT_SUPPORT_NOTICE = (
    "This page describes the abuse or neglect of a child, which some readers may find "
    "distressing. If it affects you, the NSPCC helpline is free and confidential: call "
    "0808 800 5000. Children and young people can call Childline on 0800 1111."
)


class CirculationRuleConfig(Config):
    """One circulation rule (SPEC §4 rule 4)."""

    id = c.Type(str)
    recipient = c.Type(str)
    addresses = c.ListOfItems(c.Type(str))
    working_days = c.Type(int)
    sends = c.ListOfItems(c.Choice(("full-report", "executive-summary", "briefing")),
                          default=["full-report"])
    applies_to = c.ListOfItems(c.Choice(("reviews", "case-studies", "briefings", "progress")),
                               default=["reviews"])


class SmtpConfig(Config):
    """The mail server ``portal circulate --send`` and ``portal nspcc --send`` use."""

    host = c.Type(str, default="localhost")
    port = c.Type(int, default=587)
    starttls = c.Type(bool, default=True)
    username = c.Type(str, default="")
    password_env = c.Type(str, default="PORTAL_SMTP_PASSWORD")
    """The environment variable holding the password: never the password itself."""
    sender = c.Type(str, default="")
    """The From address (default: the archive contact)."""


DEFAULT_CIRCULATION = [
    {"id": rule.id, "recipient": rule.recipient, "addresses": list(rule.addresses),
     "working_days": rule.working_days}
    for rule in DEFAULT_RULES
]


class PortalConfig(Config):
    timezone = c.Type(str, default="Europe/London")
    """IANA timezone in which every local date and time is read."""
    publication_time = c.Type(str, default="00:01")
    """The time of day a bare ``publish_at`` date means (HH:MM)."""
    closure_days = c.Type(list, default=[])
    """Dates (YYYY-MM-DD) the partnership's office is closed, beyond bank holidays."""
    themes_file = c.Type(str, default="themes.yml")
    """The theme vocabulary, relative to mkdocs.yml."""
    register_dir = c.Type(str, default="embargo")
    """The publication register, relative to mkdocs.yml. Never inside docs_dir."""
    area = c.Type(str, default="")
    """The partnership's area: the default ``area`` of a review."""
    partnership = c.Type(str, default="")
    """The partnership's name as shown in the header and footer (default: site_name)."""
    support_notice = c.Type(str, default=DEFAULT_SUPPORT_NOTICE)
    """The content notice shown at the top of review and case-study pages."""
    support_url = c.Type(str, default="support/")
    """Where the content notice points for more sources of support."""
    archive_contact = c.Type(str, default="")
    """Who to ask for an archived report or an accessible format (an email address)."""
    latest_count = c.Type(int, default=6)
    """How many publications the home page lists."""
    circulation = c.ListOfItems(c.SubConfig(CirculationRuleConfig), default=DEFAULT_CIRCULATION)
    """Who must receive what before publication. The default is the statutory three:
    the National Panel, Ofsted and DfE, seven working days ahead, for reviews."""
    smtp = c.SubConfig(SmtpConfig)
    """The mail server for sending packs."""
    nspcc_address = c.Type(str, default=DEFAULT_ADDRESS)
    """Where NSPCC repository submissions go."""
    nspcc_due_working_days = c.Type(int, default=10)
    """Working days after publication by which the NSPCC submission is due."""
    progress_stale_after_days = c.Type(int, default=92)
    """An action not updated for longer than this is reported by ``portal check``."""
    allowed_phone_numbers = c.Type(list, default=list(DEFAULT_ALLOWED_NUMBERS))
    """Phone numbers that may be published (helplines); any other is an identifying detail."""
    allowed_email_domains = c.Type(list, default=list(DEFAULT_ALLOWED_EMAIL_DOMAINS))
    """Email domains that may be published (official addresses); any other is an identifying detail."""
    mailing_list = c.Type(str, default="")
    """Where ``portal digest`` addresses the monthly digest."""
    outbox = c.Type(str, default="outbox")
    """Where .eml files are written, relative to mkdocs.yml."""
    witness_url = c.Type(str, default="")
    """The live site's ``api/publications.json`` (e.g. https://reviews.example.org/api/publications.json):
    a second record of what was published, checked against the ledger at each public build.
    The previous build's copy in the site folder is always checked; set this where that
    folder does not survive between builds (a CI job)."""
