"""Problems found in a data repository, as data.

Loading and checking never print and never raise for bad data: they return
`Problem` values (beancount's loader returns entries *and* errors). Only the
command layer decides what to print and which exit status to use.

Every kind of problem has a stable code, listed in `CODES` and in the README.
A problem carries the file and the *logical* place inside it (a key path such
as ``("indicators", 2, "target", "value")``); `yamlio.locate` turns that into a
line and column when the problem is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

Loc = tuple[str | int, ...]

# code -> (short name, what it means). The codes are a public contract: never reuse one.
CODES: dict[str, tuple[str, str]] = {
    # Reading a file
    "Y001": ("encoding", "the file is not UTF-8"),
    "Y002": ("yaml-syntax", "the file is not valid YAML"),
    "Y003": ("duplicate-key", "a key appears twice in one mapping"),
    "Y004": ("tab", "a tab character is used for indentation"),
    "Y005": ("tag", "an explicit YAML tag (such as !!python/object) is not allowed"),
    "Y006": ("anchor", "anchors, aliases and merge keys are not allowed"),
    "Y007": ("empty", "the file is empty"),
    "Y008": ("not-mapping", "the top level of the file is not a mapping"),
    "Y009": ("too-large", "the file is larger than the size limit"),
    "Y010": ("outside", "a symbolic link points outside the data folder"),
    "Y011": ("bad-scalar", "a value cannot be read (an invalid date, for example)"),
    "Y012": ("unexpected-file", "a file where yunhe expects none, or with the wrong name"),
    "Y013": ("missing-file", "a file that every data repository needs is missing"),
    "Y014": ("bad-link", "a symbolic link that loops (to itself, or to a folder above it) or leads nowhere"),
    "Y015": ("not-a-file", "a pipe, socket or device where a file belongs; it is never opened"),
    "Y018": (
        "unread-file",
        "a file that is not data (a README, notes) in a data folder; it is left alone",
    ),
    "Y017": ("merge-conflict-left", "a merge conflict's markers (<<<<<<< … >>>>>>>) are left in the file"),
    "Y016": (
        "bad-lock",
        "the lock file .yunhe.lock is a link, a folder or another non-file; writes refuse it",
    ),
    # Shape of the data (schema)
    "S101": ("missing-key", "a required key is missing"),
    "S102": ("unknown-key", "a key that the schema does not know"),
    "S103": ("wrong-type", "a value of the wrong type"),
    "S104": ("not-a-number", "text where a number belongs"),
    "S105": ("not-allowed", "a value outside the allowed choices"),
    "S106": ("bad-id", "an id with characters other than a-z, 0-9, - and _"),
    "S107": ("invalid", "a value that breaks a rule of the schema"),
    # References and identity across files
    "R201": ("name-mismatch", "the file name does not agree with the id or period inside"),
    "R202": ("duplicate-id", "an id (or name) is used twice"),
    "R203": ("unknown-unit", "a unit that is not in the unit registry"),
    "R204": ("unknown-person", "a person who is not in the people registry"),
    "R205": ("unknown-project", "a project that does not exist"),
    "R206": ("unknown-indicator", "an indicator that the project does not have"),
    "R207": ("unknown-task", "a key task that the project does not have"),
    "R208": ("unknown-milestone", "a milestone that the key task does not have"),
    # Dates
    "D301": ("outside-horizon", "a date outside the plan's horizon"),
    "D302": ("date-order", "dates in the wrong order (closed before raised, due before start, ...)"),
    "D303": ("milestone-order", "milestones not in date order, or outside their task"),
    "D304": (
        "future-date",
        "a date of something done (raised, submitted, closed, ...) after the day checked on",
    ),
    # Reported values
    "V401": ("implausible-value", "a reported value that cannot be right for its unit"),
    "V402": (
        "wrong-value-kind",
        "a value of the wrong kind for the indicator (a number for a milestone, ...)",
    ),
    # Plausibility: warnings (exit 0 unless --strict), a likely typo caught at commit
    "V403": (
        "running-total-falls",
        "a year-to-date (1–N月累计) or plan-to-date figure lower than the one before",
    ),
    "V404": ("fraction-of-count", "a fraction where the unit counts whole things (个, 家, 户 …)"),
    "V405": ("jump", "a figure more than ten times above or below the one before"),
    # Writing (yunhe report new, yunhe issue …, yunhe fmt): nothing is written when one is reported
    "W501": ("already-closed", "the problem is crossed off already"),
    "W502": ("unknown-problem", "there is no problem with that id"),
    "W503": ("bad-date", "a date that cannot be right for this change (before the problem was raised, ...)"),
    "W504": ("file-exists", "the file exists already; yunhe does not overwrite it"),
    "W505": ("invalid-change", "the change would leave the file with a problem; nothing was written"),
    "W506": ("not-closed", "the problem is open; only a closed problem can be reopened"),
    "W507": ("unformatted", "the file is not in yunhe's canonical layout (run yunhe fmt)"),
    "W508": ("locked", "another yunhe is writing in the data folder; its lock was not released in time"),
    "W509": ("cannot-write", "the system refused the write (read-only folder, no permission, ...)"),
    # The rest of the working mechanism: 形势研判, 督查督办 (yunhe assess, yunhe supervise)
    "W510": ("item-closed", "the supervision item is closed (办结) already"),
    "W511": ("unknown-item", "there is no supervision item with that id"),
    "W512": ("assessed-already", "the project has an assessment of that quarter already"),
    "R209": ("duplicate-assessment", "a project's quarter is assessed twice"),
    "R210": ("not-lead-unit", "an assessment written by a unit other than the project's lead unit"),
    "R211": ("unknown-problem-ref", "a supervision item names a problem the project's list does not have"),
    # The audit trail (yunhe validate --base REV): what was committed does not change quietly
    "A601": (
        "unrecorded-revision",
        "a submitted report's figure or task update changed without a revisions: entry giving the old value",
    ),
    "A602": ("deleted-problem", "a problem that was committed is deleted"),
    "A603": (
        "backdated-closing",
        "a closing dated further before the day it is recorded than plan.yaml's audit.backdate_days, "
        "or after it",
    ),
    "A604": ("rewritten-closing", "a committed closing is changed or dropped without a reopening keeping it"),
    "A605": ("deleted-report", "a submitted report that was committed is deleted"),
    "A606": ("rewritten-revision", "a committed revisions: entry is changed or removed"),
    "A607": ("rewritten-history", "validate --base REV: REV is not an ancestor of HEAD (history rewritten)"),
    "A608": (
        "unaccountable-revision",
        "a new revisions: entry by no unit and no member of the lead unit or the office, or dated before "
        "the month's submitted_on or after the commit that records it",
    ),
    "A609": (
        "feedback-after-closing",
        "feedback added to a supervision item closed (办结) at REV, or dated after the item's closing",
    ),
    "A610": ("future-date", "a commit records an entry dated after the day it was committed"),
    # Ownership (yunhe validate --base REV with a members.yaml; yunhe owners --check)
    "P701": (
        "not-owner",
        "a commit changes a file whose owning unit (or the office) its author is not a member of",
    ),
    "P702": (
        "closed-by-outsider",
        "a commit crosses off a problem; its author is not in the problem's unit, the list's or the office",
    ),
    "P703": ("unsigned-commit", "a commit without a good signature (with --require-signed)"),
    "P704": ("codeowners-drift", "the committed CODEOWNERS is not what the data gives (run yunhe owners)"),
    "P705": (
        "supervision-by-outsider",
        "a commit issues, closes, sends back or changes a supervision item and its author is not of the "
        "supervision office or the office, or adds feedback to an item issued to another unit",
    ),
    # Forms (yunhe import): placed as FORM.xlsx!sheet!cell; nothing of the batch is written
    "X701": (
        "unreadable-workbook",
        "the file cannot be read as an .xlsx workbook (damaged, password-protected, .xls or .et)",
    ),
    "X702": ("not-a-form", "the workbook is not a yunhe form, or its record sheet was changed"),
    "X703": ("stale-form", "the form was made from an older version of the project's plan data"),
    "X704": (
        "locked-cell",
        "a locked cell of the form was changed, or a cell outside the input cells filled",
    ),
    "X705": ("form-layout", "rows inserted, deleted or hidden, cells merged, or sheets added or removed"),
    "X706": ("formula-without-value", "a formula in an input cell has no saved value"),
    "X707": ("empty-form", "nothing was filled in"),
    "X708": ("submitted-month", "the month's report is submitted; a form changes it only with --revise"),
    # yunhe merge-file (the merge driver git calls for data files)
    "M801": ("merge-conflict", "a field (or a whole entry) changed on both sides to different values"),
    "M802": ("merge-invalid", "the merged file would not validate as a file of its kind"),
    "X709": (
        "no-submission-date",
        "a form without its submission date (报送日期); a draft only with --draft",
    ),
}


# Codes that warn: the data is allowed, but probably wrong. Everything else is an error.
WARNING_CODES = frozenset({"V403", "V404", "V405", "Y018"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one file. `line`/`col` are 1-based; 0 means 'not known yet'."""

    path: Path
    code: str
    message: str
    loc: Loc = ()
    line: int = 0
    col: int = 0
    # Pointing at the key (for an unknown key) rather than at its value.
    at_key: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered problem code {self.code}")

    @property
    def name(self) -> str:
        return CODES[self.code][0]

    @property
    def severity(self) -> str:
        return "warning" if self.code in WARNING_CODES else "error"

    def placed(self, line: int, col: int) -> Problem:
        return Problem(self.path, self.code, self.message, self.loc, line, col, self.at_key)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.path), self.line, self.col, self.code)
