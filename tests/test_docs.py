"""Docs stay honest: every setting and command is in the README, and `portal new` writes
every setting out so that users see what can be set."""

import pytest
from click.testing import CliRunner

from conftest import REPO, SKELETON
from portal.cli import main
from portal.mkdocs.gate.config import PortalConfig

README = (REPO / "README.md").read_text()
SKELETON_CONFIG = (SKELETON / "mkdocs.yml").read_text()
OPTIONS = [name for name, _ in PortalConfig._schema]
COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("option", OPTIONS)
def test_every_setting_is_documented_and_written_out_by_portal_new(option):
    assert f"`{option}`" in README
    assert f"      {option}:" in SKELETON_CONFIG


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme_and_has_help(command):
    assert f"`portal {command}" in README
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
