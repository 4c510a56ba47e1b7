"""Email addresses as the portal accepts them: one plain address, nothing around it.

An address from mkdocs.yml goes into mail headers (From, To) as it is: a display name, a
second address or a line break (``a@b.org\r\nBcc: x@y.org``) would change who a
message is from or who receives it.
"""

from __future__ import annotations

import re

_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]")


def is_email_address(text: str) -> bool:
    """True for exactly one address such as ``reviews@example.org`` (no name, no
    brackets, no spaces or line breaks, a domain with a dot in it)."""
    return isinstance(text, str) and len(text) <= 254 and _ADDRESS.fullmatch(text) is not None
