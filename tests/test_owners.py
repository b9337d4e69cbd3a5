"""Who may change what: members.yaml, `yunhe owners` (CODEOWNERS) and `validate --base` on commits.

SYNTHETIC data: the units are the plan's, but every person, email and handle below is made up
for the tests (example.invalid addresses). The county repository has three units with members
(县交通运输局 leads p01, 县民政局 leads p02, 县财政局 owns a problem in p02's list), the office
(县发改局), and an outsider who is in no unit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import DATA, MINIMAL, own_git
from tests.test_audit import History
from yunhe_cli.checks.owners import check_commits
from yunhe_cli.cli.app import app
from yunhe_cli.store.git import Git

runner = CliRunner()

WANG = ("王芳", "wang.fang@example.invalid")  # office: 县发改局
LI = ("李四", "li.si@example.invalid")  # 县交通运输局, lead of p01
ZHAO = ("赵六", "zhao.liu@example.invalid")  # 县民政局, lead of p02
QIAN = ("钱七", "Qian.Qi@Example.invalid")  # 县财政局 (members.yaml writes the email in lower case)
SUN = ("孙八", "sun.ba@example.invalid")  # in no unit

UNITS = """\
units:
  - id: fgj
    name: 县发改局
  - id: jtj
    name: 县交通运输局
  - id: mzj
    name: 县民政局
  - id: czj
    name: 县财政局
"""

MEMBERS = """\
# SYNTHETIC identities for the tests
org: county
units:
  - unit: 县发改局
    people:
      - name: 王芳
        email: wang.fang@example.invalid
  - unit: jtj
    team: "@county/transport"
    people:
      - email: li.si@example.invalid
        handle: "@lisi"
  - unit: 县民政局
    people:
      - email: zhao.liu@example.invalid
  - unit: 县财政局
    people:
      - email: qian.qi@example.invalid
"""


def project(pid: str, number: int, lead: str) -> str:
    text = textwrap.dedent(MINIMAL["projects/p01.yaml"])
    text = text.replace("id: p01", f"id: {pid}").replace("number: 1", f"number: {number}")
    return text.replace("lead_unit: 县发改局", f"lead_unit: {lead}").replace("县人社保局", "县财政局")


def report(pid: str, value: str) -> str:
    return f"""\
project: {pid}
period: 2025-04
submitted_on: 2025-05-08
submitted_by: {"县交通运输局" if pid == "p01" else "县民政局"}
values:
  - indicator: investment
    value: {value}
"""


ISSUES = """\
project: p02
problems:
  - id: p02-001
    title: 资金未到位
    owner: 县财政局
    raised_on: 2025-05-10
    due: 2025-08-31
    status: open
  - id: p02-002
    title: 场地未落实
    owner: 县民政局
    raised_on: 2025-05-10
    due: 2025-08-31
    status: open
"""


def close(text: str, pid: str, day: str) -> str:
    head, _, rest = text.partition(f"  - id: {pid}\n")
    block, sep, tail = rest.partition("  - id: ")
    block = block.replace("status: open\n", f"status: closed\n    closed_on: {day}\n    resolution: 已解决\n")
    return f"{head}  - id: {pid}\n{block}{sep}{tail}"


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    own_git(monkeypatch)
    h = History(tmp_path / "county")
    h.write("plan.yaml", MINIMAL["plan.yaml"])
    h.write("people.yaml", MINIMAL["people.yaml"])
    h.write("units.yaml", UNITS)
    h.write("members.yaml", MEMBERS)
    h.write("projects/p01.yaml", project("p01", 1, "县交通运输局"))
    h.write("projects/p02.yaml", project("p02", 2, "县民政局"))
    h.commit("方案入库与成员", WANG, "2025-04-28")  # 0: the base
    return h


def problems_of(h: History, *extra: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["validate", "--data", str(h.data), "--base", h.shas[0], *extra])
    lines = [line for line in result.stderr.splitlines() if re.search(r": P70\d ", line)]
    return result.exit_code, lines


def short(h: History, i: int) -> str:
    return h.shas[i][:10]


def test_legitimate_changes_pass_including_a_rename_and_merges(county: History) -> None:
    h = county
    h.write("indicators/p01/2025-04.yml", report("p01", "30.5"))  # misnamed by its own unit
    h.commit("p01 2025-04 月报", LI, "2025-05-08")
    h.write("indicators/p02/2025-04.yaml", report("p02", "12"))
    h.write("issues/p02.yaml", ISSUES)
    h.commit("p02 月报与问题", ZHAO, "2025-05-10")
    # 县财政局 crosses off its own problem in 县民政局's list, on a branch.
    h.git("checkout", "-q", "-b", "finance")
    h.write("issues/p02.yaml", close(ISSUES, "p02-001", "2025-06-01"))
    h.commit("p02-001 销号", QIAN, "2025-06-01")
    # Meanwhile on main, 县民政局 adds a note to the other problem of the same list.
    h.git("checkout", "-q", "main")
    h.write("issues/p02.yaml", ISSUES + "    note: 已协调\n")
    h.commit("p02-002 备注", ZHAO, "2025-06-02")
    # 李四 (not of 县民政局) merges the branch: git merges the two edits of issues/p02.yaml by
    # itself, so the merge makes no change of its own.
    h.git("merge", "-q", "--no-ff", "--no-edit", "finance", env=_as(LI, "2025-06-03"))
    h.shas.append(h.git("rev-parse", "HEAD").strip())
    # 李四 renames his unit's misnamed file on a branch; 赵六 (another unit) merges it.
    h.git("checkout", "-q", "-b", "rename")
    h.git("mv", "data/indicators/p01/2025-04.yml", "data/indicators/p01/2025-04.yaml")
    h.commit("p01 文件改名", LI, "2025-06-04")
    h.git("checkout", "-q", "main")
    h.git("merge", "-q", "--no-ff", "--no-edit", "rename", env=_as(ZHAO, "2025-06-05"))
    h.shas.append(h.git("rev-parse", "HEAD").strip())
    # The office may change anything: a figure of p01 and the plan.
    h.write("indicators/p01/2025-04.yaml", report("p01", "31.5") + REVISION)
    h.commit("p01 数据修订", WANG, "2025-06-06")
    merges = [s for s in h.git("rev-list", "--merges", "HEAD").split()]
    assert len(merges) == 2
    found = problems_of(h, "--as-of", "2025-06-06")
    assert found == (0, []), found


REVISION = """\
revisions:
  - on: 2025-06-06
    by: 县发改局
    reason: 统计局核定数
    indicator: investment
    old: 30.5
"""


def _as(who: tuple[str, str], day: str) -> dict[str, str]:
    return {
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_AUTHOR_DATE": f"{day}T10:00:00+08:00",
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
        "GIT_COMMITTER_DATE": f"{day}T10:00:00+08:00",
    }


def test_changes_by_outsiders_are_named_with_commit_author_file_and_owner(county: History) -> None:
    h = county
    h.write("indicators/p01/2025-04.yaml", report("p01", "30.5"))
    h.commit("p01 月报", LI, "2025-05-08")  # 1: fine
    h.write("indicators/p02/2025-04.yaml", report("p02", "12"))
    h.write("issues/p02.yaml", ISSUES)
    h.commit("p02 月报与问题", ZHAO, "2025-05-10")  # 2: fine
    h.write("indicators/p01/2025-04.yaml", report("p01", "99"))
    h.commit("改数", SUN, "2025-05-11")  # 3: an outsider changes p01's report
    h.write("indicators/p02/2025-04.yaml", report("p02", "13"))
    h.commit("代改", LI, "2025-05-12")  # 4: 县交通运输局 changes p02's report (县民政局's)
    h.write("issues/p02.yaml", close(ISSUES, "p02-002", "2025-05-13"))
    h.commit("代销号", LI, "2025-05-13")  # 5: ... and crosses off 县民政局's own problem
    h.write(
        "plan.yaml", textwrap.dedent(MINIMAL["plan.yaml"]).replace("title: 测试方案", "title: 改过的方案")
    )
    h.commit("改方案", QIAN, "2025-05-14")  # 6: 县财政局 edits the plan (the office's)
    h.write(
        "members.yaml",
        MEMBERS.replace(
            "        email: wang.fang@example.invalid\n",
            "        email: wang.fang@example.invalid\n      - email: sun.ba@example.invalid\n",
        ),
    )
    h.commit("加入总专班", SUN, "2025-05-15")  # 7: the outsider adds himself to the office ...
    h.write("projects/p01.yaml", project("p01", 1, "县交通运输局").replace("name: 测试工程", "name: 改名"))
    h.commit("改工程", SUN, "2025-05-16")  # 8: ... which grants nothing: still refused
    s = {i: short(h, i) for i in range(1, 9)}
    code, lines = problems_of(h, "--as-of", "2025-05-16")
    assert code == 1
    assert lines == [
        f"{s[3]}:data/indicators/p01/2025-04.yaml:1:1: P701 {s[3]} by 孙八 <sun.ba@example.invalid> changes "
        "data/indicators/p01/2025-04.yaml; 县交通运输局, the lead unit of p01, keeps it and only members of "
        "县交通运输局 or of the office (县发改局) may change it; "
        "sun.ba@example.invalid is not in members.yaml",
        f"{s[4]}:data/indicators/p02/2025-04.yaml:1:1: P701 {s[4]} by 李四 <li.si@example.invalid> changes "
        "data/indicators/p02/2025-04.yaml; 县民政局, the lead unit of p02, keeps it and only members of "
        "县民政局 or of the office (县发改局) may change it; "
        "li.si@example.invalid is a member of 县交通运输局",
        # Line 14 of the new list is p02-002's `status: closed`.
        f"{s[5]}:data/issues/p02.yaml:14:13: P702 {s[5]} by 李四 <li.si@example.invalid> "
        "crosses off p02-002 (场地未落实); the problem is 县民政局's and the list 县民政局's: "
        "only their members or the office (县发改局) may close it; "
        "li.si@example.invalid is a member of 县交通运输局",
        f"{s[6]}:data/plan.yaml:1:1: P701 {s[6]} by 钱七 <Qian.Qi@Example.invalid> changes data/plan.yaml; "
        "the office (县发改局) keeps it and only members of 县发改局 may change it; "
        "Qian.Qi@Example.invalid is a member of 县财政局",
        f"{s[7]}:data/members.yaml:1:1: P701 {s[7]} by 孙八 <sun.ba@example.invalid> changes "
        "data/members.yaml; the office (县发改局) keeps it and only members of 县发改局 may change it; "
        "sun.ba@example.invalid is not in members.yaml",
        f"{s[8]}:data/projects/p01.yaml:1:1: P701 {s[8]} by 孙八 <sun.ba@example.invalid> changes "
        "data/projects/p01.yaml; the office (县发改局) keeps it and only members of 县发改局 may change it; "
        "sun.ba@example.invalid is not in members.yaml",
    ]


def test_an_edit_slipped_into_a_merge_is_the_mergers(county: History) -> None:
    h = county
    h.write("indicators/p02/2025-04.yaml", report("p02", "12"))
    h.commit("p02 月报", ZHAO, "2025-05-10")
    h.git("checkout", "-q", "-b", "side")
    h.write("indicators/p01/2025-04.yaml", report("p01", "30.5"))
    h.commit("p01 月报", LI, "2025-05-11")
    h.git("checkout", "-q", "main")
    h.write("plan.yaml", MINIMAL["plan.yaml"] + "        title_en: Test plan\n")
    h.commit("plan 英文名", WANG, "2025-05-12")
    h.git("merge", "-q", "--no-ff", "--no-commit", "side", env=_as(SUN, "2025-05-13"))
    h.write("indicators/p02/2025-04.yaml", report("p02", "120"))  # not what either side has
    h.git("add", "-A", ".")
    h.git("commit", "-q", "--no-gpg-sign", "--no-edit", env=_as(SUN, "2025-05-13"))
    merge = h.git("rev-parse", "HEAD").strip()[:10]
    code, lines = problems_of(h, "--as-of", "2025-05-13")
    # Only the file the merge itself changed: the p01 report it brings in is 李四's.
    assert (code, [line.split(" P701 ")[0] for line in lines]) == (
        1,
        [f"{merge}:data/indicators/p02/2025-04.yaml:1:1:"],
    )


def test_without_a_members_file_nothing_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own_git(monkeypatch)
    h = History(tmp_path / "plain")
    for rel, text in MINIMAL.items():
        h.write(rel, text)
    h.commit("方案入库", WANG, "2025-04-28")
    h.write("indicators/p01/2025-04.yaml", report("p01", "30.5").replace("县交通运输局", "县发改局"))
    h.commit("p01 月报", SUN, "2025-05-08")
    assert check_commits(Git(h.top), "data", h.shas[0]) == []


# ----------------------------------------------------------------------------- signatures


def test_require_signed_refuses_unsigned_commits_and_accepts_an_allowed_key(
    county: History, tmp_path: Path
) -> None:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    h = county
    key = tmp_path / "signing_key"  # a throwaway key made for this test
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    public = key.with_suffix(".pub").read_text().split()
    allowed.write_text(f"{LI[1]} {public[0]} {public[1]}\n")
    h.git("config", "gpg.format", "ssh")
    h.git("config", "user.signingkey", str(key))
    h.git("config", "gpg.ssh.allowedSignersFile", str(allowed))
    h.write("indicators/p01/2025-04.yaml", report("p01", "30.5"))
    h.git("add", "-A", ".")
    h.git("commit", "-q", "-S", "-m", "p01 月报（签名）", env=_as(LI, "2025-05-08"))
    signed = h.git("rev-parse", "HEAD").strip()[:10]
    h.write("indicators/p01/2025-04.yaml", report("p01", "31"))
    h.commit("p01 改数（未签名）", LI, "2025-05-09")
    unsigned = short(h, 1)
    assert h.git("verify-commit", signed) == ""  # git itself accepts the signed one
    code, lines = problems_of(h, "--as-of", "2025-05-09", "--require-signed")
    assert (code, lines) == (
        1,
        [
            f"{unsigned}:data/indicators/p01/2025-04.yaml:1:1: P703 {unsigned} by 李四 "
            "<li.si@example.invalid> (p01 改数（未签名）) is not signed; "
            "--require-signed accepts only a good signature (git verify-commit)"
        ],
    )
    # Without --require-signed the same history is clean: 李四 keeps p01's reports.
    assert problems_of(h, "--as-of", "2025-05-09") == (0, [])


def test_require_signed_needs_base(county: History) -> None:
    result = runner.invoke(app, ["validate", "--data", str(county.data), "--require-signed"])
    assert result.exit_code == 2


# ----------------------------------------------------------------------------- members.yaml


def test_members_file_problems_are_placed(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(
        {
            "members.yaml": """\
            units:
              - unit: 县发改局
                people:
                  - email: wang.fang@example.invalid
              - unit: 县人社保局
                team: county/rsj
                people:
                  - email: Wang.Fang@example.invalid
                  - email: li.si@example
              - unit: 县统计局
              - unit: fgj
            """
        }
    )
    result = runner.invoke(app, ["validate", "--data", str(root)])
    path = root / "members.yaml"
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:-1] == [
        f"{path}:6:11: S107 units[1].team: 'county/rsj' is not a team handle written @org/team",
        f"{path}:9:16: S107 units[1].people[1].email: 'li.si@example' is not an email address "
        "(name@host.domain)",
    ]
    # With the malformed lines mended, the cross-file problems show.
    fixed = (
        path.read_text(encoding="utf-8")
        .replace("county/rsj", "'@county/rsj'")
        .replace("@example\n", "@example.invalid\n")
    )
    path.write_text(fixed, encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(root)])
    assert result.stderr.splitlines()[:-1] == [
        f"{path}:8:16: R202 the identity 'wang.fang@example.invalid' is listed twice (first under 县发改局); "
        "one identity commits for one unit",
        f"{path}:10:11: R203 the unit '县统计局' is not in units.yaml; did you mean '县发改局'?",
        f"{path}:11:11: R202 the unit 县发改局 is listed twice (first as '县发改局'); list its people once",
    ]


# ----------------------------------------------------------------------------- CODEOWNERS


def test_codeowners_for_the_shipped_plan_checked_by_hand_for_two_projects(tmp_path: Path) -> None:
    out = tmp_path / "CODEOWNERS"
    result = runner.invoke(app, ["owners", "--data", str(DATA), "--org", "yunhe", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    # By hand from data/plan.txt: 总专班 "办公室设在县发改局" (units.yaml id fgj); project (一)
    # 扩大有效投资“双扩双争”工程 "牵头单位：县发改局" (the office itself); project (五) 交通强县建设工程
    # "牵头单位:县交通运输局" (id jtj), so the office is its second owner. The data folder is data/
    # at the top of this repository.
    p01 = ["/data/indicators/p01/  @yunhe/fgj", "/data/issues/p01.yaml  @yunhe/fgj"]
    p05 = ["/data/indicators/p05/  @yunhe/jtj @yunhe/fgj", "/data/issues/p05.yaml  @yunhe/jtj @yunhe/fgj"]
    lines = text.splitlines()
    assert lines[lines.index("# p01 扩大有效投资“双扩双争”工程: 牵头单位 县发改局") + 1 :][:2] == p01
    assert lines[lines.index("# p05 交通强县建设工程: 牵头单位 县交通运输局") + 1 :][:2] == p05
    assert "*                      @yunhe/fgj" in lines
    assert "/data/plan.yaml        @yunhe/fgj" in lines
    # Ten projects, two lines each, every one with its lead unit's team first.
    assert len([line for line in lines if line.startswith(("/data/indicators/", "/data/issues/"))]) == 20
    check = runner.invoke(
        app, ["owners", "--data", str(DATA), "--org", "yunhe", "--out", str(out), "--check"]
    )
    assert check.exit_code == 0


def test_owners_check_reports_drift_and_teams_come_from_members(county: History) -> None:
    h = county
    result = runner.invoke(app, ["owners", "--data", str(h.data)])
    assert result.exit_code == 0, result.stderr
    out = h.top / "CODEOWNERS"
    lines = out.read_text(encoding="utf-8").splitlines()
    # jtj has a team of its own; the others are @org/<unit id> with members.yaml's org.
    assert "/data/indicators/p01/  @county/transport @county/fgj" in lines
    assert "/data/issues/p02.yaml  @county/mzj @county/fgj" in lines
    h.write("projects/p02.yaml", project("p02", 2, "县财政局"))  # the lead unit changes
    result = runner.invoke(app, ["owners", "--data", str(h.data), "--check"])
    n = lines.index("# p02 测试工程: 牵头单位 县民政局") + 1
    assert result.exit_code == 1
    assert result.stderr == (
        f"{out}:{n}:1: P704 CODEOWNERS differs from the data here; it should read "
        "'# p02 测试工程: 牵头单位 县财政局'; run yunhe owners\n1 problem in 1 files\n"
    )


def test_owners_without_teams_or_org_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["owners", "--data", str(DATA), "--out", str(tmp_path / "CODEOWNERS")])
    assert result.exit_code == 2
    assert not (tmp_path / "CODEOWNERS").exists()


def test_a_list_is_read_in_changed_entries_only_where_the_cut_is_safe() -> None:
    from yunhe_cli.checks.owners import _whole_lists, changed_entries

    old, new = ISSUES, close(ISSUES, "p02-001", "2025-06-01")
    cut = changed_entries(old, new, "issues/p02.yaml")
    whole = _whole_lists(old, new, "issues/p02.yaml")
    assert cut is not None and whole is not None
    # Only p02-001's lines differ, so only it is read; its facts are the whole parse's.
    key = ("problem", "p02", "p02-001")
    assert list(cut[0]) == list(cut[1]) == [key]
    assert (cut[0][key], cut[1][key]) == (whole[0][key], whole[1][key])
    # Its status is on line 8 (project, problems, id, title, owner, raised_on, due, status),
    # column 13 (4 spaces, "status: "), as the whole parse places it.
    assert cut[2]("p02-001") == whole[2]("p02-001") == (("problems", 0, "status"), (8, 13))
    # A list in flow layout cannot be cut by lines: it is parsed whole instead.
    flow = (
        "project: p02\n"
        "problems: [{id: p02-001, title: t, owner: 县财政局, raised_on: 2025-05-10, due: 2025-08-31}]\n"
    )
    assert changed_entries(flow, flow.replace("}]", ", note: n}]"), "issues/p02.yaml") is None


def test_example_members_file_validates_with_the_shipped_plan(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    shutil.copy(DATA.parent / "examples" / "members" / "members.yaml", root / "members.yaml")
    assert "SYNTHETIC" in (root / "members.yaml").read_text(encoding="utf-8")
    result = runner.invoke(app, ["validate", "--data", str(root)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert runner.invoke(app, ["fmt", "--check", "--data", str(root)]).exit_code == 0


def test_branch_protection_text_names_the_office_and_branch_in_both_languages() -> None:
    from yunhe_cli.checks.owners import render_protection, rules_of
    from yunhe_cli.store.loader import load_repository

    rules = rules_of(load_repository(DATA)[0])
    zh, en = render_protection(rules, "zh", "main"), render_protection(rules, "en", "main")
    assert "总专班（县发改局）" in zh and "CODEOWNERS 审核" in zh and "`main`" in zh
    assert "the office (总专班, 县发改局)" in en and "review from Code Owners" in en
