"""The documentation names only what exists: commands and their options, API paths and
their query parameters, files behind relative links, and every environment variable the
settings read."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def doc_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- management commands ------------------------------------------------------------------------

# `manage.py name` followed by the rest of the command line, up to a shell separator or comment.
COMMAND = re.compile(r"manage\.py\s+([a-z][a-z0-9_]*)([^\n`&|;#]*)")
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")


def command_uses() -> list[tuple[str, str, str]]:
    uses = []
    for path in documents():
        for match in COMMAND.finditer(path.read_text()):
            uses.append((doc_id(path), match.group(1), match.group(2).strip()))
    return uses


@cache
def option_strings(name: str) -> frozenset[str]:
    command = load_command_class(get_commands()[name], name)
    # The options its help lists (argparse's public face of them).
    return frozenset(OPTION.findall(command.create_parser("manage.py", name).format_help()))


def test_the_documents_name_commands():
    names = {name for _, name, _ in command_uses()}
    assert {"export_register", "import_register", "run_report", "issue_api_token",
            "load_reference", "migrate", "createsuperuser"} <= names


@pytest.mark.parametrize(("document", "name", "rest"), command_uses(),
                         ids=lambda value: value if isinstance(value, str) else None)
def test_every_documented_command_and_option_exists(document, name, rest):
    commands = get_commands()
    assert name in commands, f"{document}: `manage.py {name}` is not a management command"
    unknown = [option for option in OPTION.findall(rest) if option not in option_strings(name)]
    assert not unknown, f"{document}: `manage.py {name}` has no option {', '.join(unknown)}"


# --- API paths ----------------------------------------------------------------------------------

API_PATH = re.compile(r"/api/v1/[A-Za-z0-9_.{}<>/-]*(?:\?[^\s`'\")\]]*)?")
PLACEHOLDER = re.compile(r"\{[^}/]*\}|<[^>/]*>")
PAGINATION = {"page", "page_size"}


def api_paths(*paths: Path) -> list[tuple[str, str]]:
    """(path, query) of every /api/v1/ URL named in these documents (default: all)."""
    found = set()
    for path in paths or documents():
        for match in API_PATH.finditer(path.read_text()):
            found.add((match.group(0).split("?")[0], match.group(0).partition("?")[2]))
    return sorted(found)


def test_the_api_document_names_the_design_endpoints():
    paths = {path for path, _ in api_paths(DOCS / "api.md")}
    for path in ("/api/v1/organisations/", "/api/v1/recipients/", "/api/v1/activities/",
                 "/api/v1/data-categories/", "/api/v1/data-subject-categories/",
                 "/api/v1/lawful-bases/", "/api/v1/reports/", "/api/v1/export/",
                 "/api/v1/schema/", "/api/v1/docs/"):
        assert path in paths, path
    assert any(p.endswith("/lawful-basis/") for p in paths)


@pytest.mark.parametrize(("path", "query"), api_paths())
def test_every_documented_api_path_resolves(path, query):
    concrete = PLACEHOLDER.sub("1", path)
    try:
        resolve(concrete)
    except Resolver404:
        pytest.fail(f"the documentation names {path}, which no URL pattern answers")


@cache
def schema_parameters() -> dict[str, set[str]]:
    """{path template with [^/]+ for its variables: query parameter names} of the schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for template, operations in schema["paths"].items():
        names = {p["name"] for op in operations.values() if isinstance(op, dict)
                 for p in op.get("parameters", []) if p.get("in") == "query"}
        pattern = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)) + "$"
        found[pattern] = names
    return found


@pytest.mark.parametrize(("path", "query"), [(p, q) for p, q in api_paths() if q])
def test_every_documented_query_parameter_is_in_the_schema(path, query):
    concrete = PLACEHOLDER.sub("1", path)
    known = [names for pattern, names in schema_parameters().items() if re.match(pattern, concrete)]
    assert known, f"{path} is not in the OpenAPI schema"
    allowed = set().union(*known) | PAGINATION
    for pair in query.split("&"):
        name = pair.split("=")[0]
        assert name in allowed, f"{path} has no query parameter '{name}'"


# --- links --------------------------------------------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def relative_links() -> list[tuple[str, str]]:
    links = []
    for path in documents():
        for target in LINK.findall(path.read_text()):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # an absolute URL or mailto:
            links.append((doc_id(path), target))
    return links


def test_the_documents_link_each_other():
    targets = {(document, target) for document, target in relative_links()}
    assert ("README.md", "docs/index.md") in targets
    for name in ("deployment.md", "operations.md", "api.md", "settings.md", "findings.md",
                 "workbook-format.md"):
        assert ("docs/index.md", name) in targets, name


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a markdown file."""
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.MULTILINE | re.DOTALL)
    found = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.MULTILINE):
        found.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return found


@pytest.mark.parametrize(("document", "target"), relative_links())
def test_every_relative_link_points_to_a_file(document, target):
    name, _, anchor = target.partition("#")
    file = ((ROOT / document).parent / name).resolve() if name else ROOT / document
    assert file.exists(), f"{document} links {target}, which does not exist"
    if anchor and file.suffix == ".md":
        assert anchor in anchors(file), f"{document} links {target}: no such heading"


def test_the_index_names_every_document():
    index = (DOCS / "index.md").read_text()
    for path in sorted(DOCS.glob("*.md")):
        if path.name != "index.md":
            assert path.name in index, f"docs/index.md does not name {path.name}"


# --- settings -----------------------------------------------------------------------------------

ENV_READ = re.compile(r"""(?:env(?:\.[a-z_]+)?|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def environment_variables() -> set[str]:
    names = set()
    for path in [*sorted((ROOT / "ropa" / "settings").glob("*.py")), ROOT / "ropa" / "gunicorn.py"]:
        names |= set(ENV_READ.findall(path.read_text()))
    return names


def test_every_environment_variable_is_documented():
    names = environment_variables()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "GUNICORN_WORKERS"} <= names
    documented = (DOCS / "settings.md").read_text() + (DOCS / "deployment.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"not in docs/settings.md or docs/deployment.md: {', '.join(missing)}"
