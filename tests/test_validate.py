"""`yunhe validate`: every bad input is reported with its place and a stable code; nothing crashes."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yunhe_cli.checks.validation import validate
from yunhe_cli.cli.app import app
from yunhe_cli.core.problems import CODES, WARNING_CODES

from .conftest import DATA, RepoMaker

runner = CliRunner()

REPORT = """\
    project: p01
    period: 2023-05
    submitted_on: 2023-06-08
    submitted_by: 县发改局
    values:
      - indicator: investment
        value: 85.3
"""


def found(root: Path) -> list[tuple[str, int, int, str]]:
    _, problems = validate(root, workers=1)
    return [(p.path.relative_to(root).as_posix(), p.line, p.col, p.code) for p in problems]


def messages(root: Path) -> list[str]:
    return [p.message for p in validate(root, workers=1)[1]]


@pytest.fixture
def alarm() -> Iterator[None]:
    """Turns a hang (an alias bomb being expanded, say) into a failure instead of a stuck run."""

    def fail(*_: object) -> None:
        raise TimeoutError("took more than 10 s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_shipped_data_is_clean() -> None:
    repo, problems = validate(DATA)
    assert problems == []
    assert len(repo.projects) == 10


def test_minimal_repo_is_clean(make_repo: RepoMaker) -> None:
    assert found(make_repo({"indicators/p01/2023-05.yaml": REPORT})) == []


# (name, files, expected problems as (file, line, col, code))
BAD_INPUTS: list[tuple[str, dict[str, str | bytes | None], list[tuple[str, int, int, str]]]] = [
    (
        "malformed",
        {"indicators/p01/2023-05.yaml": "project: p01\nperiod: [2023-05\n"},
        [("indicators/p01/2023-05.yaml", 3, 1, "Y002")],
    ),
    (
        "duplicate key",
        {"indicators/p01/2023-05.yaml": REPORT + "    period: 2023-06\n"},
        [("indicators/p01/2023-05.yaml", 8, 1, "Y003")],
    ),
    (
        "tab",
        {"indicators/p01/2023-05.yaml": "project: p01\nperiod: 2023-05\nvalues:\n\t- indicator: x\n"},
        [("indicators/p01/2023-05.yaml", 4, 1, "Y004")],
    ),
    (
        "unknown key",
        {"indicators/p01/2023-05.yaml": REPORT + "    submited_by: x\n"},
        [("indicators/p01/2023-05.yaml", 8, 1, "S102")],
    ),
    (
        "wrong type",
        {"indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: [1, 2]")},
        [("indicators/p01/2023-05.yaml", 7, 12, "S103")],
    ),
    ("empty", {"indicators/p01/2023-05.yaml": ""}, [("indicators/p01/2023-05.yaml", 1, 1, "Y007")]),
    (
        "comments only",
        {"indicators/p01/2023-05.yaml": "# nothing yet\n"},
        [("indicators/p01/2023-05.yaml", 1, 1, "Y007")],
    ),
    (
        "top-level list",
        {"indicators/p01/2023-05.yaml": "- project: p01\n"},
        [("indicators/p01/2023-05.yaml", 1, 1, "Y008")],
    ),
    (
        "gbk",
        {"indicators/p01/2023-05.yaml": "project: p01\nperiod: 2023-05\nnotes: 进展顺利\n".encode("gbk")},
        [("indicators/p01/2023-05.yaml", 3, 8, "Y001")],
    ),
    (
        "utf-16",
        {"indicators/p01/2023-05.yaml": "project: p01\n".encode("utf-16")},
        [("indicators/p01/2023-05.yaml", 1, 1, "Y001")],
    ),
    (
        "python tag",
        {"indicators/p01/2023-05.yaml": REPORT + "    notes: !!python/object/apply:os.getcwd []\n"},
        [("indicators/p01/2023-05.yaml", 8, 8, "Y005")],
    ),
    (
        "unknown tag",
        {"indicators/p01/2023-05.yaml": REPORT + "    notes: !secret x\n"},
        [("indicators/p01/2023-05.yaml", 8, 8, "Y005")],
    ),
    (
        "anchor",
        {"indicators/p01/2023-05.yaml": REPORT + "    notes: &n text\n"},
        [("indicators/p01/2023-05.yaml", 8, 8, "Y006")],
    ),
    (
        "merge key",
        {"indicators/p01/2023-05.yaml": REPORT + "    <<: {notes: x}\n"},
        [("indicators/p01/2023-05.yaml", 8, 1, "Y006")],
    ),
    (
        "percent sign",
        {"indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: 63%")},
        [("indicators/p01/2023-05.yaml", 7, 12, "S104")],
    ),
    (
        "full-width digits",
        {"indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: ８５．３")},
        [("indicators/p01/2023-05.yaml", 7, 12, "S104")],
    ),
    (
        "quoted number",
        {"indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", 'value: "85.3"')},
        [("indicators/p01/2023-05.yaml", 7, 12, "S104")],
    ),
    (
        "invalid date",
        {"indicators/p01/2023-05.yaml": REPORT.replace("2023-06-08", "2023-02-30")},
        [("indicators/p01/2023-05.yaml", 3, 15, "Y011")],
    ),
    (
        "date written as text",
        {"indicators/p01/2023-05.yaml": REPORT.replace("2023-06-08", "2023-6-8")},
        [("indicators/p01/2023-05.yaml", 3, 15, "S103")],
    ),
    (
        "bad period",
        {"indicators/p01/2023-05.yaml": REPORT.replace("period: 2023-05", "period: 2023-13")},
        [
            ("indicators/p01/2023-05.yaml", 2, 9, "S107"),
        ],
    ),
    (
        "enum",
        {
            "indicators/p01/2023-05.yaml": REPORT
            + "    tasks:\n      - task: plan\n        status: finished\n"
        },
        [("indicators/p01/2023-05.yaml", 10, 13, "S105")],
    ),
    (
        "missing key",
        {"indicators/p01/2023-05.yaml": "period: 2023-05\n"},
        [("indicators/p01/2023-05.yaml", 1, 1, "S101")],
    ),
    ("yml ending", {"indicators/p01/2023-05.yml": REPORT}, [("indicators/p01/2023-05.yml", 1, 1, "Y012")]),
    # an upper-case ending used to be passed over without a word, and the month counted as missing
    (
        "upper-case ending",
        {"indicators/p01/2023-05.YAML": REPORT},
        [("indicators/p01/2023-05.YAML", 1, 1, "Y012")],
    ),
    (
        "stray file in a report folder",
        {"indicators/p01/notes.txt": "x"},
        [("indicators/p01/notes.txt", 1, 1, "Y018")],  # a warning naming it, not a failure
    ),
    # 4301 digits: Python's int() raises ValueError beyond 4300; the place is the value's (line 7, col 12)
    (
        "integer of thousands of digits",
        {"indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: " + "9" * 4301)},
        [("indicators/p01/2023-05.yaml", 7, 12, "Y011")],
    ),
    (
        "hexadecimal integer of thousands of digits",
        {"indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: 0x" + "f" * 5000)},
        [("indicators/p01/2023-05.yaml", 7, 12, "Y011")],
    ),
    # line 8 is `notes: "进展x<NUL>"`: `notes: "` is 8 characters, 进展x 3 more, so the NUL is the
    # 12th character of the line (libyaml counts bytes, which would say 16)
    (
        "NUL byte after Chinese text",
        {"indicators/p01/2023-05.yaml": REPORT + '    notes: "进展x\x00"\n'},
        [("indicators/p01/2023-05.yaml", 8, 12, "Y002")],
    ),
    ("missing registry", {"people.yaml": None}, [("people.yaml", 1, 1, "Y013")]),
    # across files
    (
        "file name vs period",
        {"indicators/p01/2023-06.yaml": REPORT},
        [("indicators/p01/2023-06.yaml", 2, 9, "R201")],
    ),
    (
        "unknown unit",
        {"indicators/p01/2023-05.yaml": REPORT.replace("submitted_by: 县发改局", "submitted_by: 县发展局")},
        [("indicators/p01/2023-05.yaml", 4, 15, "R203")],
    ),
    (
        "unknown indicator",
        {"indicators/p01/2023-05.yaml": REPORT.replace("indicator: investment", "indicator: invest")},
        [("indicators/p01/2023-05.yaml", 6, 16, "R206")],
    ),
    (
        "unknown project",
        {"indicators/p02/2023-05.yaml": REPORT.replace("project: p01", "project: p02")},
        [("indicators/p02/2023-05.yaml", 1, 10, "R205")],
    ),
    (
        "duplicate value",
        {"indicators/p01/2023-05.yaml": REPORT + "      - indicator: investment\n        value: 85.3\n"},
        [("indicators/p01/2023-05.yaml", 8, 16, "R202")],
    ),
    (
        "outside horizon",
        {"indicators/p01/2022-12.yaml": REPORT.replace("2023-05", "2022-12")},
        [("indicators/p01/2022-12.yaml", 2, 9, "D301")],
    ),
    (
        "negative amount",
        {"indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: -3")},
        [("indicators/p01/2023-05.yaml", 7, 12, "V401")],
    ),
    (
        "share over 100",
        {"indicators/p01/2023-05.yaml": REPORT + "      - indicator: share\n        value: 163\n"},
        [("indicators/p01/2023-05.yaml", 9, 12, "V401")],
    ),
    (
        "number for a milestone",
        {"indicators/p01/2023-05.yaml": REPORT + "      - indicator: rank\n        value: 3\n"},
        [("indicators/p01/2023-05.yaml", 9, 12, "V402")],
    ),
    (
        "closed before raised",
        {
            "issues/p01.yaml": """\
        project: p01
        problems:
          - id: p01-001
            title: 用地指标不足
            owner: 县发改局
            raised_on: 2024-03-01
            due: 2024-06-30
            status: closed
            closed_on: 2024-02-01
            resolution: 已解决
        """
        },
        [("issues/p01.yaml", 9, 16, "D302")],
    ),
    (
        "closed without resolution",
        {
            "issues/p01.yaml": """\
        project: p01
        problems:
          - id: p01-001
            title: 用地指标不足
            owner: 县发改局
            raised_on: 2024-03-01
            due: 2024-06-30
            status: closed
            closed_on: 2024-04-01
        """
        },
        [("issues/p01.yaml", 3, 5, "S107")],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_placed(
    make_repo: RepoMaker,
    name: str,
    files: dict[str, str | bytes | None],
    expected: list[tuple[str, int, int, str]],
) -> None:
    assert found(make_repo(files)) == expected


def test_id_with_path_characters(make_repo: RepoMaker) -> None:
    from .conftest import MINIMAL

    root = make_repo(
        {"projects/p01.yaml": MINIMAL["projects/p01.yaml"].replace("- id: investment", "- id: ../x")}
    )
    assert found(root) == [("projects/p01.yaml", 10, 9, "S106")]


def test_unknown_key_suggests(make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT + "    submited_by: x\n"})
    assert messages(root) == ["unknown key 'submited_by'; did you mean 'submitted_by'?"]


def test_unknown_unit_suggests(make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT.replace("县发改局", "县发展局")})
    assert messages(root) == ["the unit '县发展局' is not in units.yaml; did you mean '县发改局'?"]


def test_number_messages(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: 63%"),
            "indicators/p01/2023-06.yaml": REPORT.replace("2023-05", "2023-06").replace(
                "value: 85.3", "value: ６３"
            ),
            "indicators/p01/2023-07.yaml": REPORT.replace("2023-05", "2023-07")
            .replace("2023-06-08", "2023-08-08")  # submitted after its month, as a report is
            .replace("indicator: investment", "indicator: share")
            .replace("value: 85.3", "value: 63%"),
        }
    )
    # investment is in 亿元: 63% of it is no figure to write as 63; share is in %: 63 is
    assert messages(root) == [
        "values[0].value: '63%' is not a number; "
        "write the figure alone, without %: the indicator's unit is 亿元, not a percentage",
        "values[0].value: '６３' is not a number; it has full-width digits; write 63 with ASCII digits",
        "values[0].value: '63%' is not a number; write 63 without %: the indicator's unit is %",
    ]


def test_gbk_is_named(make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": "notes: 进展顺利\n".encode("gbk")})
    assert "GBK" in messages(root)[0]


def test_bom_and_crlf_are_accepted(make_repo: RepoMaker) -> None:
    text = REPORT.replace("    ", "", 1)
    body = "\r\n".join(line[4:] for line in REPORT.splitlines()) + "\r\n"
    assert text  # the dedented report
    root = make_repo({"indicators/p01/2023-05.yaml": b"\xef\xbb\xbf" + body.encode("utf-8")})
    assert found(root) == []


def test_python_tag_runs_nothing(make_repo: RepoMaker, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = REPORT + f"    notes: !!python/object/apply:os.system ['touch {marker}']\n"
    root = make_repo({"indicators/p01/2023-05.yaml": evil})
    assert [c for *_, c in found(root)] == ["Y005"]
    assert not marker.exists()


def test_alias_bomb_is_refused(make_repo: RepoMaker, alarm: None) -> None:
    lines = ['a0: ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = "\n".join(f"{line.split(':')[0]}: &a{i} {line.split(': ', 1)[1]}" for i, line in enumerate(lines))
    root = make_repo({"indicators/p01/2023-05.yaml": bomb + "\n"})
    assert found(root) == [("indicators/p01/2023-05.yaml", 1, 5, "Y006")]


def test_symlink_outside_is_refused(make_repo: RepoMaker, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("project: p01\n", encoding="utf-8")
    root = make_repo()
    (root / "issues").mkdir()
    os.symlink(outside, root / "issues" / "p01.yaml")
    assert found(root) == [("issues/p01.yaml", 1, 1, "Y010")]


def test_symlink_inside_is_followed(make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    os.symlink(root / "indicators" / "p01", root / "indicators" / "p02")
    # followed, and read as p02's reports: the folder and the project inside disagree
    assert [c for *_, c in found(root)] == ["R201"]


def test_symlink_loops_are_placed(make_repo: RepoMaker, alarm: None) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT})
    os.symlink("p02.yaml", root / "projects" / "p02.yaml")  # a file linking to itself
    os.symlink("..", root / "indicators" / "p01" / "up")  # a folder linking to its parent
    os.symlink(".", root / "projects" / "here")  # a folder linking to itself
    os.symlink("missing.yaml", root / "projects" / "p03.yaml")  # a link that leads nowhere
    assert found(root) == [
        ("indicators/p01/up", 1, 1, "Y014"),
        ("projects/here", 1, 1, "Y014"),
        ("projects/p02.yaml", 1, 1, "Y014"),
        ("projects/p03.yaml", 1, 1, "Y014"),
    ]
    result = runner.invoke(app, ["validate", "--data", str(root)])
    assert (result.exit_code, result.exception.__class__) == (1, SystemExit)
    assert (
        result.stderr.splitlines()[2] == f"{root}/projects/p02.yaml:1:1: Y014 this link loops back to itself"
    )


def test_non_regular_files_are_refused_unopened(make_repo: RepoMaker, alarm: None) -> None:
    import socket

    root = make_repo()
    (root / "issues").mkdir()
    os.mkfifo(root / "issues" / "p01.yaml")  # opening it to read would wait for a writer for ever
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "projects" / "p02.yaml"))
        assert found(root) == [("issues/p01.yaml", 1, 1, "Y015"), ("projects/p02.yaml", 1, 1, "Y015")]


def test_read_file_does_not_open_a_pipe(tmp_path: Path, alarm: None) -> None:
    from yunhe_cli.store.yamlio import read_file

    os.mkfifo(tmp_path / "p.yaml")
    text, parsed = read_file(tmp_path / "p.yaml")
    assert text is None and [(p.code, p.message) for p in parsed.problems] == [
        ("Y015", "this is a named pipe, not a file; yunhe does not open it")
    ]


@pytest.mark.parametrize("kind", ["link", "folder"])
def test_a_lock_that_is_not_a_file_is_reported(make_repo: RepoMaker, tmp_path: Path, kind: str) -> None:
    root = make_repo()
    if kind == "link":
        (tmp_path / "victim.txt").write_text("keep me", encoding="utf-8")
        os.symlink(tmp_path / "victim.txt", root / ".yunhe.lock")
    else:
        (root / ".yunhe.lock").mkdir()
    assert found(root) == [(".yunhe.lock", 1, 1, "Y016")]


def test_documents_beside_the_data_are_not_flagged(make_repo: RepoMaker) -> None:
    root = make_repo({"plan.txt": "方案全文", "README.md": "# notes"})
    assert found(root) == []


def test_file_over_the_limit(make_repo: RepoMaker) -> None:
    big = REPORT + "    notes: " + "很" * 400_000 + "\n"
    root = make_repo({"indicators/p01/2023-05.yaml": big})
    assert found(root) == [("indicators/p01/2023-05.yaml", 1, 1, "Y009")]


def test_every_problem_is_reported_not_only_the_first(make_repo: RepoMaker) -> None:
    root = make_repo(
        {
            "indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: 63%") + "    extra: 1\n",
            "indicators/p01/2023-06.yaml": "a: [\n",
            "issues/p01.yaml": "project: p01\nproblems: 3\n",
        }
    )
    assert [c for *_, c in found(root)] == ["S104", "S102", "Y002", "S103"]


def test_all_codes_documented_in_readme() -> None:
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    rows = {
        code: f"| `{code}` | {name} | {'warning: ' if code in WARNING_CODES else ''}{meaning} |"
        for code, (name, meaning) in CODES.items()
    }
    missing = [code for code, row in rows.items() if row not in readme]
    assert missing == []


# ----------------------------------------------------------------------------- through the CLI


def test_cli_exit_codes_and_text(make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT.replace("value: 85.3", "value: 63%")})
    result = runner.invoke(app, ["validate", "--data", str(root)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{root}/indicators/p01/2023-05.yaml:7:12: S104 values[0].value: '63%' is not a number; "
        "write the figure alone, without %: the indicator's unit is 亿元, not a percentage\n"
        "1 problem in 5 files\n"
    )
    clean = runner.invoke(
        app, ["validate", "--data", str(make_repo({"indicators/p01/2023-05.yaml": REPORT}))]
    )
    assert (clean.exit_code, clean.stdout) == (0, "5 files, no problems\n")


def test_cli_usage_error_exits_2() -> None:
    assert runner.invoke(app, ["validate", "--format", "xml"]).exit_code == 2


def test_cli_json(make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT + "    submited_by: x\n"})
    result = runner.invoke(app, ["validate", "--data", str(root), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "version": 1,
        "files": 5,
        "problems": [
            {
                "path": f"{root}/indicators/p01/2023-05.yaml",
                "line": 8,
                "col": 1,
                "code": "S102",
                "name": "unknown-key",
                "severity": "error",
                "message": "unknown key 'submited_by'; did you mean 'submitted_by'?",
            }
        ],
    }


def test_cli_github_escapes_injection(make_repo: RepoMaker) -> None:
    # A key crafted to smuggle a workflow command onto a line of its own.
    evil_key = '"x\\n::warning file=a::pwned%0A"'
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT + f"    {evil_key}: 1\n"})
    result = runner.invoke(app, ["validate", "--data", str(root), "--format", "github"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"::error file={root}/indicators/p01/2023-05.yaml,line=8,col=1,title=S102 unknown-key::"
    )
    assert "pwned%250A" in lines[0]  # '%' escaped, so GitHub cannot decode a newline out of it


def test_cli_text_escapes_terminal_controls(make_repo: RepoMaker) -> None:
    root = make_repo({"indicators/p01/2023-05.yaml": REPORT + '    "\\e[31mred": 1\n'})
    result = runner.invoke(app, ["validate", "--data", str(root)])
    assert "\x1b" not in result.stderr
    assert "\\x1b[31mred" in result.stderr


def test_cli_finds_data_by_walking_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA / "projects")
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stdout) == (0, "13个文件，没有问题\n")  # data/plan.yaml: language: zh
