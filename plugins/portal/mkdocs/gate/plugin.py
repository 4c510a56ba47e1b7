"""The ``portal`` plugin: the embargo gate and the site's structure.

It decides, once per build, which items are live (``portal.project.Publication``), then
makes MkDocs see only those: non-live pages and attachments are removed from the files
collection before any other plugin looks at it, listings and theme pages are generated
from live items only, and links to anything else are removed from rendered pages.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ...core.dates import UTC, format_instant
from ...core.items import Kind
from ...core.text import UnclosedComment, refused_character, strip_hidden_html, strip_html_comments
from ...packs import PackMaker, pack_input
from ...progress_view import export_csv, export_json
from ...project import (SYMLINK_MESSAGE, Project, Publication, SettingsError, load_project,
                        load_settings)
from ...site import SiteView, generated_pages, notice_pages
from ..fragments import FragmentCache, with_material_prefix
from ..inline import QuickInlineExtension
from .config import PortalConfig

log = get_plugin_logger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
_LINK = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", re.S)
_IMG = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]*)\"[^>]*>", re.S)


class PortalPlugin(BasePlugin[PortalConfig]):
    """Embargo gate, listings, theme pages and item templates."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.now: datetime | None = None
        """The build's instant; None means the real clock. ``portal build --now`` sets it."""
        self.preview = False
        """An internal preview (``portal build --preview``): everything, marked, noindex."""
        self.previous_site: Path | None = None
        """The public site this build replaces (``portal build`` sets it; a plain ``mkdocs
        build`` reads ``site_dir`` before cleaning it): its ``api/publications.json`` is a
        witness the ledger is checked against."""
        self.project: Project | None = None
        self.publication: Publication | None = None
        self.site: SiteView | None = None
        self._blocked: set[str] | None = None
        self.packs: PackMaker | None = None
        self.mkdocs_command: str | None = None
        """'build', 'gh-deploy' or 'serve' when MkDocs' own command runs the plugin (set in
        ``on_startup``); None under ``portal build``, which keeps the ledger itself."""
        self._lock = ExitStack()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Run by MkDocs' own commands (never by ``portal build``): remember which, so that a
        plain ``mkdocs build`` or ``gh-deploy`` keeps the ledger as ``portal build`` does
        (SPEC §5) and ``mkdocs serve`` never writes it.

        Defining this hook makes MkDocs keep one instance of the plugin for the process;
        ``portal build`` resets ``mkdocs_command`` for each build it runs.
        """
        self.mkdocs_command = "serve" if _is_serving() else command
        self.dirty = dirty

    def on_shutdown(self) -> None:
        """End of MkDocs' command: release the lock and forget the command, so that a later
        build in the same process (MkDocs keeps this instance) starts from defaults."""
        self._lock.close()
        self.mkdocs_command = None

    dirty = False
    """``mkdocs build --dirty``: the site folder is not cleaned first."""

    def is_mkdocs_public_build(self) -> bool:
        """A public build made by ``mkdocs build``/``gh-deploy``: it must keep the ledger."""
        return self.mkdocs_command in ("build", "gh-deploy") and not self.preview

    def _lock_for_mkdocs_build(self, config: MkDocsConfig) -> None:
        """Under ``mkdocs build``: take the project lock before the project is read, and
        refuse an output folder that is one of the project's own (MkDocs would empty it)."""
        if not self.is_mkdocs_public_build():
            return
        if self.dirty:
            raise PluginError(
                "mkdocs build --dirty: a public build is never dirty: the site folder would keep "
                "the pages, PDFs and search entries of items that are no longer live (a withdrawn "
                "report among them). Run 'mkdocs build' or 'portal build' without --dirty.")
        from ...workspace import (OutputKind, ProjectFolders, WorkspaceError, check_output_dir,
                                  project_lock)

        root = Path(config.config_file_path).resolve().parent
        try:
            self._lock.close()
            self._lock.enter_context(project_lock(
                root, "mkdocs build", on_wait=lambda holder: log.info(f"waiting for {holder}")))
            folders = ProjectFolders.of(config, self.config.register_dir, with_site_dir=False)
            check_output_dir(Path(config.site_dir), folders, OutputKind.PUBLIC_SITE)
        except WorkspaceError as exc:
            self._lock.close()
            raise PluginError(f"mkdocs.yml: site_dir: {exc}") from exc

    def _record_for_mkdocs_build(self) -> None:
        """Under ``mkdocs build``: write the ledger now, before MkDocs writes any page
        (the record before the effect)."""
        if not self.is_mkdocs_public_build():
            return
        from ...workspace import RecordError, record_publication, shown_path

        assert self.publication is not None
        try:
            recorded = record_publication(self.publication)
        except RecordError as exc:
            raise PluginError(str(exc)) from exc
        if recorded.ledger_lines:
            log.info(f"Recorded {recorded.ledger_lines} publication event(s) in "
                     f"{shown_path(recorded.ledger_path, self.publication.project.root)} (commit it)")

    def load_project(self, config: MkDocsConfig) -> Project:
        """Read and validate the project (also used by ``portal check``)."""
        refuse_unsafe_site_text(config)
        refuse_file_including_extensions(config)
        root = Path(config.config_file_path).resolve().parent
        refuse_unsafe_theme_folder(config, root, root / self.config.register_dir)
        try:
            settings = load_settings(dict(self.config), root)
        except SettingsError as exc:
            raise PluginError(str(exc)) from exc
        docs = Path(config.docs_dir).resolve()
        register = (root / self.config.register_dir).resolve()
        if register == docs or docs in register.parents:
            raise PluginError(
                f"mkdocs.yml: plugins.portal.register_dir: {self.config.register_dir} is inside "
                "docs_dir, so MkDocs would publish the register: keep it beside content/")
        return load_project(root, settings, docs_dir=_relative(docs, root),
                            register_dir=self.config.register_dir)

    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """First of all plugins: validate everything and decide what is live.

        Content errors are collected and reported together, and stop the build before
        anything is written.
        """
        self._lock_for_mkdocs_build(config)
        self.project = self.load_project(config)
        now = self.now or datetime.now(UTC)
        if self.project.errors:
            self.publication = None
        elif self.preview:
            self.publication = self.project.preview(now, datetime.now(UTC))
        else:
            self.publication = self.project.decide(now, witnesses=self.read_witnesses(config))
        self._blocked = None
        errors = self.project.errors or self.publication.findings
        if errors:
            listing = "\n".join(f"  {finding}" for finding in errors)
            raise PluginError(
                f"{len(errors)} content error{'s' if len(errors) != 1 else ''}: nothing was "
                f"published.\n{listing}")
        self._record_for_mkdocs_build()
        self.site = SiteView(self.publication, self.config, config.site_name)
        custom = 1 if config.theme.custom_dir else 0
        if str(TEMPLATES_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(custom, str(TEMPLATES_DIR))
        if not any(isinstance(ext, QuickInlineExtension) for ext in config.markdown_extensions):
            config.markdown_extensions.append(QuickInlineExtension())  # same HTML, sooner
        for item_id, decision in sorted(self.publication.decisions.items()):
            for block in decision.blocks:
                if block.is_error:
                    src = self.project.items[item_id].src_uri
                    log.warning(f"content/{src}: {block.message}")
        live = len(self.publication.live_items)
        log.info(f"{live} of {len(self.project.items)} items are live at "
                 f"{format_instant(now, self.project.settings.timezone)}")
        return config

    @event_priority(100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Before any other plugin: drop every file of a non-live item, and every file the
        project's own walk did not see; add generated pages.

        MkDocs copies every file under docs_dir whether or not anything links to it, so
        a page or PDF that is not live must leave the collection here. MkDocs also
        follows symbolic links, which the portal's walk refuses: whatever MkDocs found
        that the walk did not (and so the gate never decided on) is not copied either.
        And no file MkDocs collected from any folder (docs_dir, the theme's custom_dir,
        whatever source a later version adds) may be or lie under a symbolic link: a
        link in site_overrides/ to a draft's PDF, the register or /etc/passwd fails the
        build (``linked_sources``).
        """
        assert self.publication is not None
        links = linked_sources(files)
        if links:
            root = Path(config.config_file_path).resolve().parent
            listing = "\n".join(f"  {_relative(Path(link), root)}: {SYMLINK_MESSAGE}" for link in links)
            raise PluginError(f"{len(links)} symbolic link{'s' if len(links) != 1 else ''} among the "
                              f"files MkDocs would copy: nothing was published.\n{listing}")
        withheld = self.publication.withheld_paths
        for file in unread_files(files, config.docs_dir, self.publication.project.files):
            if not file.inclusion.is_excluded():
                log.warning(f"{_shown(config, file.src_uri)}: not among the files the portal read: "
                            "left out of the site")
            files.remove(file)
        for file in list(files):
            if file.src_uri in withheld:
                files.remove(file)
        for src_uri, content in notice_pages(self.publication):
            files.append(File.generated(config, src_uri, content=content))
        for src_uri, content in generated_pages(self.publication, files):
            files.append(File.generated(config, src_uri, content=content))
        partnership = self.config.partnership or config.site_name
        # Trainer packs are made in other processes while MkDocs renders the pages, and
        # written into the site at the end (on_post_build).
        self.packs = PackMaker([pack_input(item, self.publication, partnership, config.site_url or "")
                                for item in self.publication.live_of_kind(Kind.CASE_STUDY)],
                               self.publication.project.cache)
        for item in self.publication.live_of_kind(Kind.PROGRESS):
            files.append(File.generated(config, f"{item.id}.csv", content=export_csv(item, self.publication)))
            files.append(File.generated(config, f"{item.id}.json", content=export_json(item, self.publication)))
        return files

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Once the trainer packs are all made, take them and end their process."""
        if self.packs is not None:
            self.packs.collect_if_done()
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the trainer packs made while the pages were rendered."""
        if self.packs is not None:
            self.packs.write(Path(config.site_dir))
            self.packs = None
        self._lock.close()

    def on_build_error(self, *, error: Exception) -> None:
        if self.packs is not None:
            self.packs.cancel()
            self.packs = None
        self._lock.close()

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        """Drop navigation entries that point at an item that is not live.

        An explicit ``nav`` in mkdocs.yml naming such an item would otherwise become a
        link (MkDocs keeps unresolved entries as links), revealing its address and title.
        """
        blocked = self._blocked_targets()

        def keep(entry) -> bool:
            children = getattr(entry, "children", None)
            if children is not None:
                children[:] = [child for child in children if keep(child)]
                return bool(children)
            url = getattr(entry, "url", None)
            if entry.__class__.__name__ != "Link" or url is None:
                return True
            target = re.sub(r"(/index\.html|\.md|\.html)$", "", url.strip("/"))
            if target in blocked:
                log.warning(f"mkdocs.yml: nav: '{url}' is not live: the entry was left out "
                            "(listings link to items; the nav need not)")
                return False
            return True

        nav.items[:] = [entry for entry in nav.items if keep(entry)]
        return nav

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Escape everything the portal's own templates print, unless marked safe.

        Titles and summaries come from authors and are shown as text. Material's
        templates are left as they are (they print trusted HTML unescaped).
        """
        env.autoescape = lambda name: bool(name) and name.startswith("portal/")
        env.globals["portal"] = self.site  # also for pages without a page context (404.html)
        env.loader = with_material_prefix(env.loader)
        env.globals["portal_fragments"] = FragmentCache()  # new for every build
        return env

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """An item's body as the project read it: its front matter is the portal's, already
        parsed (with libyaml) and validated, so MkDocs need not read and parse it again
        with its pure-Python YAML (seconds at thousands of items)."""
        assert self.site is not None
        item = self.site.item_for(page.file.src_uri)
        if item is None or self.publication is None:
            return None
        return self.publication.project.bodies.get(item.id)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Choose the item's template and show its title as text, whatever it holds; take
        HTML comments out of a page that is not an item (an item's body comes without
        them from the project: ``core.text``).

        Titles of the pages the portal owns (items, notices, generated pages) come from
        the site view, never from text MkDocs parsed as front matter.
        """
        assert self.site is not None
        item = self.site.item_for(page.file.src_uri)
        if item is None:
            try:
                markdown = strip_html_comments(markdown)
            except UnclosedComment as exc:
                raise PluginError(f"{_shown(config, page.file.src_uri)}: body: {exc}: close it, or "
                                  "delete the comment (comments are never published)") from exc
        title = self.site.page_title_html(page.file.src_uri)
        if title is not None:
            page.meta["title"] = title
        # The tabs and listings do the finding: no sidebar navigation (it would also be
        # rendered into every page, MkDocs' quadratic cost on a large site).
        page.meta.setdefault("hide", ["navigation", "toc"] if page.is_homepage else ["navigation"])
        if item is not None:
            page.meta["template"] = f"portal/{item.kind.value}.html"
        elif page.is_homepage and "template" not in page.meta:
            page.meta["template"] = "portal/home.html"
        return markdown

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        """Give templates the site view and, on an item's page, the item's view."""
        assert self.site is not None
        context["portal"] = self.site
        item = self.site.item_for(page.file.src_uri)
        context["item"] = self.site.view(item.id) if item else None
        notice = self.site.notice_for(page.file.src_uri)
        context["notice"] = self.site.notice_view(notice.id) if notice else None
        return context

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Never render a link (or image) to something that is not live, nor an HTML
        comment.

        MkDocs reports such links only at INFO; here each is removed and reported as a
        warning, which ``--strict`` counts. Comments were taken out of the Markdown
        already; any left in the HTML came from somewhere else (an extension, a
        snippet) and goes too: in rendered HTML, code shows ``<!--`` escaped, so every
        literal ``<!--`` is a real comment.
        """
        assert self.publication is not None
        html_text = strip_hidden_html(html_text)  # and CDATA, processing instructions
        blocked = self._blocked_targets()

        def target(href: str) -> str | None:
            if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^//", href, re.I):
                return None
            path = href.split("#", 1)[0].split("?", 1)[0]
            # MkDocs leaves a link to a missing page as written (relative to the source
            # file); a hand-written link is relative to the page's URL.
            bases = ("", ) if path.startswith("/") else (
                posixpath.dirname(page.file.src_uri), page.url)
            for base in bases:
                resolved = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
                resolved = re.sub(r"(/index\.html|\.md|\.html)$", "", resolved.strip("/"))
                if resolved in blocked:
                    return resolved
            return None

        def unlink(match: re.Match) -> str:
            hit = target(html.unescape(match.group(1)))
            if hit is None:
                return match.group(0)
            log.warning(f"{page.file.src_uri}: links to '{hit}', which is not live: "
                        "the link was removed (link only to published items)")
            return match.group(2)

        def drop_image(match: re.Match) -> str:
            hit = target(html.unescape(match.group(1)))
            if hit is None:
                return match.group(0)
            log.warning(f"{page.file.src_uri}: shows '{hit}', which is not published: "
                        "the image was removed")
            return ""

        return _IMG.sub(drop_image, _LINK.sub(unlink, html_text))

    def read_witnesses(self, config: MkDocsConfig) -> list:
        """The public records the ledger must agree with: the site this build replaces
        and the configured ``witness_url`` (``portal.witness.read_witnesses``: one that
        cannot be read is an error where it is checked; warnings are logged, so that
        ``--strict`` counts them)."""
        from ...witness import read_witnesses

        previous = self.previous_site if self.previous_site is not None else Path(config.site_dir)
        root = Path(config.config_file_path).resolve().parent
        ledger = root / self.config.register_dir / "ledger"
        witnesses, warnings = read_witnesses(previous, self.config.witness_url, ledger,
                                             f"{self.config.register_dir}/ledger")
        for message in warnings:
            log.warning(message)
        return witnesses

    def _blocked_targets(self) -> set[str]:
        """Paths (without .md) of everything a page must not link to; once per build."""
        assert self.publication is not None
        if self._blocked is None:
            self._blocked = self._compute_blocked()
        return self._blocked

    def _compute_blocked(self) -> set[str]:
        """Every withheld path but the archive notices: a withdrawn review's notice page
        exists, but no other page links to it or names it (as ``Publication.is_public``)."""
        assert self.publication is not None
        notices = {self.publication.project.items[i].src_uri
                   for i, form in self.publication.notice_pages.items() if form == "archived"}
        return {re.sub(r"\.md$", "", path) for path in self.publication.withheld_paths - notices}


def _is_serving() -> bool:
    """True under ``mkdocs serve``, also with ``--clean``, which MkDocs announces as a build."""
    import click

    context = click.get_current_context(silent=True)
    return context is not None and context.info_name == "serve"


def linked_sources(files: Files) -> list[str]:
    """Every symbolic link that a file MkDocs collected is, or lies under, below the
    folder it was collected from (its ``src_dir``), each named once. Generated files
    have no source and are not links."""
    links: set[str] = set()
    checked: dict[str, str | None] = {}  # each folder once: its link, or None

    def link_at(path: str, top: str) -> str | None:
        if path == top or not path.startswith(top + os.sep):
            return None
        if path not in checked:
            checked[path] = path if os.path.islink(path) else link_at(os.path.dirname(path), top)
        return checked[path]

    for file in files:
        if file.generated_by is not None or file.src_dir is None:
            continue
        top = os.path.normpath(file.src_dir)
        found = link_at(os.path.normpath(os.path.join(top, file.src_uri)), top)
        if found is not None:
            links.add(found)
    return sorted(links)


UNSAFE_IN_SITE_TEXT = '<>"'


def refuse_unsafe_site_text(config: MkDocsConfig) -> None:
    """Refuse ``<``, ``>``, ``"`` and control or invisible characters in ``site_name`` and
    ``site_description``: Material's templates print them unescaped (``site_name`` in
    the logo's aria-label on every page), so they would run as HTML in readers' browsers."""
    shown = posixpath.basename(config.config_file_path or "mkdocs.yml")
    for option in ("site_name", "site_description"):
        value = config.get(option) or ""
        unsafe = sorted({ch for ch in value if ch in UNSAFE_IN_SITE_TEXT})
        problem = (f"contains {' '.join(unsafe)}, which the theme would print as HTML: write "
                   "the name without them" if unsafe else refused_character(value, multiline=option == "site_description"))
        if problem:
            raise PluginError(f"{shown}: {option}: {problem}")


# Markdown extensions and plugins that pull other files into a page: a live page could show
# an embargoed item or the register, and the disclosure scan (which reads each item's own
# text) would never see it.
FILE_INCLUDING_EXTENSIONS = ("pymdownx.snippets", "pymdownx.b64", "markdown_include.include",
                             "mdx_include")
FILE_INCLUDING_PLUGINS = ("macros", "include-markdown", "mkdocs-simple-hooks")


def refuse_file_including_extensions(config: MkDocsConfig) -> None:
    shown = posixpath.basename(config.config_file_path or "mkdocs.yml")
    for name in config.markdown_extensions:
        module = _extension_module(name)
        if module in FILE_INCLUDING_EXTENSIONS or module.split(".")[-1] in ("snippets", "b64"):
            raise PluginError(
                f"{shown}: markdown_extensions: {name} includes other files into pages, so a live "
                "page could show an embargoed item or the register, unchecked by the embargo and "
                "the deny-list: remove it (paste the text into the page instead)")
    for name in config.plugins:
        if name in FILE_INCLUDING_PLUGINS:
            raise PluginError(
                f"{shown}: plugins: {name} can include other files into pages, so a live page "
                "could show an embargoed item or the register: remove it")


def _extension_module(extension) -> str:
    """The module an extension entry comes from, however it is written: a name
    (``pymdownx.snippets``), ``module:Class``, or an extension object."""
    if isinstance(extension, str):
        return extension.split(":", 1)[0].strip()
    return type(extension).__module__


def refuse_unsafe_theme_folder(config: MkDocsConfig, root: Path, register_dir: Path) -> None:
    """MkDocs copies every file of ``custom_dir`` that is not a template into the site: it
    may not be, hold or lie inside the content or register folder, nor hold the project."""
    custom_dir = config.theme.custom_dir
    if not custom_dir:
        return
    shown = posixpath.basename(config.config_file_path or "mkdocs.yml")
    theme = Path(os.path.realpath(custom_dir))
    project = Path(os.path.realpath(root))
    for name, folder in (("the content folder (docs_dir)", Path(os.path.realpath(config.docs_dir))),
                         ("the register folder (register_dir)", Path(os.path.realpath(register_dir))),
                         ("the project folder", project)):
        inside = theme == folder or folder in theme.parents
        holds = theme == folder or theme in folder.parents
        if holds or (inside and folder != project):  # inside the project is where it belongs
            raise PluginError(
                f"{shown}: theme.custom_dir: {os.path.relpath(custom_dir, root)} "
                f"{'is or lies inside' if inside else 'holds'} "
                f"{name}: MkDocs copies the theme folder's files into the site, so it would publish "
                "them. Keep the theme's overrides in a folder of their own (e.g. site_overrides/)")


def unread_files(files: Files, docs_dir: str, read: set[str]) -> list[File]:
    """The files MkDocs collected from docs_dir that are not among the files the project
    read (``Project.files``): what MkDocs may copy must be a subset of what the gate saw.
    Theme files and generated files are not from docs_dir and are kept."""
    docs = os.path.normpath(docs_dir)
    return [file for file in files
            if file.generated_by is None and file.src_dir is not None
            and os.path.normpath(file.src_dir) == docs and file.src_uri not in read]


def _shown(config: MkDocsConfig, src_uri: str) -> str:
    """A file under docs_dir as users see it (``content/reviews/child-t.md``)."""
    root = Path(config.config_file_path).resolve().parent
    return f"{_relative(Path(config.docs_dir).resolve(), root)}/{src_uri}"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
