"""Settings of the ``portal`` plugin: the site's publication settings in mkdocs.yml."""

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from ...core.addresses import is_email_address
from ...core.anonymise import DEFAULT_ALLOWED_EMAIL_DOMAINS, DEFAULT_ALLOWED_NUMBERS
from ...core.circulation import DEFAULT_RULES
from ...core.nspcc import DEFAULT_ADDRESS

DEFAULT_SUPPORT_NOTICE = (
    "This page describes the abuse or neglect of a child, which some readers may find "
    "distressing. If it affects you, the NSPCC helpline is free and confidential: call "
    "0808 800 5000. Children and young people can call Childline on 0800 1111."
)


class Typed(c.Type):
    """``c.Type`` with a message in the portal's manner: what was expected and what was
    found (``expected a list of dates, got 5``), never Python's type names; true and
    false are not numbers, and a number may have a least value."""

    def __init__(self, type_, expected: str, minimum: int | None = None, **kwargs) -> None:
        super().__init__(type_, **kwargs)
        self.expected = expected
        self.minimum = minimum

    def run_validation(self, value):
        wrong_type = not isinstance(value, self._type) or (isinstance(value, bool) and self._type is not bool)
        if wrong_type or (self.minimum is not None and value < self.minimum):
            raise ValidationError(f"expected {self.expected}, got {value!r}")
        return value


class Link(Typed):
    """A link the site shows (``href``): a path on the site or an http(s) address, never
    ``javascript:`` or ``data:``, which would run in readers' browsers."""

    def __init__(self, default: str, *, web_only: bool = False) -> None:
        super().__init__(str, "a path on the site (e.g. support/) or an https:// address",
                         default=default)
        self.web_only = web_only

    def run_validation(self, value):
        value = super().run_validation(value)
        from urllib.parse import urlsplit

        scheme = urlsplit(value.strip()).scheme.lower()
        if value and (scheme not in ("", "http", "https") or (self.web_only and scheme == "")
                      or any(ord(ch) < 32 for ch in value)):
            raise ValidationError(f"expected {'an https:// address' if self.web_only else self.expected}, "
                                  f"got {value!r}")
        return value


class EmailAddress(Typed):
    """One email address, or empty for none: it goes into mail headers as it is, where a
    line break or a second address would change who a message is from or goes to."""

    def __init__(self, default: str = "") -> None:
        super().__init__(str, "one email address", default=default)

    def run_validation(self, value):
        value = super().run_validation(value)
        if value and not is_email_address(value):
            raise ValidationError(f"expected one email address (e.g. reviews@example.org), got {value!r}")
        return value


def _text(default: str) -> Typed:
    return Typed(str, "text (in quotes if it could be read as something else)", default=default)


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
    sender = EmailAddress()
    """The From address (default: the archive contact)."""


DEFAULT_CIRCULATION = [
    {"id": rule.id, "recipient": rule.recipient, "addresses": list(rule.addresses),
     "working_days": rule.working_days}
    for rule in DEFAULT_RULES
]


class PortalConfig(Config):
    timezone = _text("Europe/London")
    """IANA timezone in which every local date and time is read."""
    publication_time = _text("00:01")
    """The time of day a bare ``publish_at`` date means (HH:MM)."""
    closure_days = Typed(list, "a list of dates, e.g. [2026-12-29, 2026-12-30]", default=[])
    """Dates (YYYY-MM-DD) the partnership's office is closed, beyond bank holidays."""
    themes_file = _text("themes.yml")
    """The theme vocabulary, relative to mkdocs.yml."""
    register_dir = _text("embargo")
    """The publication register, relative to mkdocs.yml. Never inside docs_dir."""
    area = _text("")
    """The partnership's area: the default ``area`` of a review."""
    partnership = _text("")
    """The partnership's name as shown in the header and footer (default: site_name)."""
    support_notice = _text(DEFAULT_SUPPORT_NOTICE)
    """The content notice shown at the top of review and case-study pages."""
    support_url = Link("support/")
    """Where the content notice points for more sources of support."""
    archive_contact = EmailAddress()
    """Who to ask for an archived report or an accessible format (an email address)."""
    latest_count = Typed(int, "a whole number, 0 or more", minimum=0, default=6)
    """How many publications the home page lists."""
    circulation = c.ListOfItems(c.SubConfig(CirculationRuleConfig), default=DEFAULT_CIRCULATION)
    """Who must receive what before publication. The default is the statutory three:
    the National Panel, Ofsted and DfE, seven working days ahead, for reviews."""
    smtp = c.SubConfig(SmtpConfig)
    """The mail server for sending packs."""
    nspcc_address = EmailAddress(DEFAULT_ADDRESS)
    """Where NSPCC repository submissions go."""
    nspcc_due_working_days = Typed(int, "a whole number, 0 or more", minimum=0, default=10)
    """Working days after publication by which the NSPCC submission is due."""
    progress_stale_after_days = Typed(int, "a whole number, 0 or more", minimum=0, default=92)
    """An action not updated for longer than this is reported by ``portal check``."""
    allowed_phone_numbers = Typed(list, 'a list of phone numbers in quotes, e.g. ["0808 800 5000"]',
                                  default=list(DEFAULT_ALLOWED_NUMBERS))
    """Phone numbers that may be published (helplines); any other is an identifying detail."""
    allowed_email_domains = Typed(list, "a list of email domains, e.g. [example.org]",
                                  default=list(DEFAULT_ALLOWED_EMAIL_DOMAINS))
    """Email domains that may be published (official addresses); any other is an identifying detail."""
    mailing_list = EmailAddress()
    """Where ``portal digest`` addresses the monthly digest."""
    outbox = _text("outbox")
    """Where .eml files are written, relative to mkdocs.yml."""
    witness_url = Link("", web_only=True)
    """The live site's ``api/publications.json`` (e.g. https://reviews.example.org/api/publications.json):
    a second record of what was published, checked against the ledger at each public build.
    The previous build's copy in the site folder is always checked; set this where that
    folder does not survive between builds (a CI job)."""
