"""Cut a release of yunhe: bump the version, date the changelog, refresh the CI examples, tag.

    python scripts/release.py 0.3.0            # commit "Release 0.3.0" and tag v0.3.0
    python scripts/release.py 0.3.0 --dry-run  # say what would change, change nothing
    python scripts/release.py --examples       # only rewrite examples/ci/ for the current version

The version has one home, `version` in pyproject.toml; `yunhe --version`, the cache's fingerprint
and the pins that `yunhe init` writes all read it from the installed package's metadata. The
changelog follows Keep a Changelog: what is under "## [Unreleased]" becomes the new version's
section. After tagging: build the wheel (`python -m build`), publish it where the counties install
from (a package index, or the wheel file itself), and push the commit and the tag.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

VERSION = re.compile(r'^version = "(\d+\.\d+\.\d+)"$', re.MULTILINE)
UNRELEASED = "## [Unreleased]"
EXAMPLES = {".github/workflows/data.yml": "github-data.yml", ".gitlab-ci.yml": "gitlab-ci.yml"}


class ReleaseError(Exception):
    pass


def parse(version: str) -> tuple[int, int, int]:
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ReleaseError(f"{version!r} is not a version written X.Y.Z")
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def current_version(pyproject: str) -> str:
    found = VERSION.search(pyproject)
    if found is None:
        raise ReleaseError('pyproject.toml has no line `version = "X.Y.Z"`')
    return found.group(1)


def bump_pyproject(pyproject: str, version: str) -> str:
    old = current_version(pyproject)
    if parse(version) <= parse(old):
        raise ReleaseError(f"{version} is not later than the current version {old}")
    return VERSION.sub(f'version = "{version}"', pyproject, count=1)


def cut_changelog(changelog: str, version: str, day: dt.date) -> str:
    """The Unreleased section becomes the version's; a new empty Unreleased stands above it."""
    if UNRELEASED not in changelog:
        raise ReleaseError(f"CHANGELOG.md has no `{UNRELEASED}` heading")
    if f"## [{version}]" in changelog:
        raise ReleaseError(f"CHANGELOG.md already has a section for {version}")
    head, _, rest = changelog.partition(UNRELEASED)
    body, _, later = rest.partition("\n## [")
    if not body.strip():
        raise ReleaseError("nothing is listed under ## [Unreleased]: a release says what it changes")
    section = f"{UNRELEASED}\n\n## [{version}] - {day.isoformat()}\n\n{body.strip()}\n"
    return head + section + ("\n## [" + later if later else "")


def example_files(version: str) -> dict[str, str]:
    """examples/ci/ as `yunhe init` writes the CI files for `version`."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from yunhe_cli.edits.init import ci_files

    return {EXAMPLES[rel]: text for rel, text in ci_files(version).items()}


def write_examples(root: Path, version: str) -> list[Path]:
    written = []
    for name, text in example_files(version).items():
        path = root / "examples" / "ci" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def release(root: Path, version: str, day: dt.date, dry_run: bool = False) -> list[str]:
    """Bump, date, refresh and tag; the lines that say what was (or would be) done."""
    if git(root, "status", "--porcelain", "--untracked-files=no").strip():
        raise ReleaseError("the work tree has uncommitted changes; commit or stash them first")
    if git(root, "tag", "--list", f"v{version}").strip():
        raise ReleaseError(f"the tag v{version} exists already")
    pyproject_path, changelog_path = root / "pyproject.toml", root / "CHANGELOG.md"
    pyproject = bump_pyproject(pyproject_path.read_text(encoding="utf-8"), version)
    changelog = cut_changelog(changelog_path.read_text(encoding="utf-8"), version, day)
    done = [
        f"pyproject.toml: version {version}",
        f"CHANGELOG.md: ## [{version}] - {day.isoformat()}",
        f"examples/ci/: pinned to yunhe=={version}",
        f"commit 'Release {version}' and tag v{version}",
    ]
    if dry_run:
        return ["would: " + line for line in done]
    pyproject_path.write_text(pyproject, encoding="utf-8")
    changelog_path.write_text(changelog, encoding="utf-8")
    write_examples(root, version)
    git(root, "add", "pyproject.toml", "CHANGELOG.md", "examples/ci")
    git(root, "commit", "-q", "-m", f"Release {version}")
    git(root, "tag", "-a", f"v{version}", "-m", f"yunhe {version}")
    return [*done, "next: python -m build; publish the wheel; git push --follow-tags"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cut a release of yunhe.")
    parser.add_argument("version", nargs="?", help="the new version, X.Y.Z")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None, help="release day (YYYY-MM-DD)")
    parser.add_argument("--dry-run", action="store_true", help="say what would change; change nothing")
    parser.add_argument("--examples", action="store_true", help="only rewrite examples/ci/")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    try:
        if args.examples:
            version = current_version((args.root / "pyproject.toml").read_text(encoding="utf-8"))
            for path in write_examples(args.root, version):
                print(f"wrote {path}")
            return 0
        if args.version is None:
            parser.error("give the new version (X.Y.Z), or --examples")
        parse(args.version)
        for line in release(args.root, args.version, args.date or dt.date.today(), args.dry_run):
            print(line)
    except ReleaseError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
