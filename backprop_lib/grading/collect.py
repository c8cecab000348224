"""The end of term on the hub: ``python -m backprop_lib.grading.collect --into DIR --out
grades.csv``, as root on the hub's machine.

On the one-machine hub (README, "Hosting a class") each student is a system account in the
group ``backprop-students``, with their copy of the course in ``~/backprop-course/``. This
command, in this order:

1. reads, for every member of the group (its listed members and the accounts whose primary
   group it is), each course notebook with exercises, ``~NAME/backprop-course/NN_topic.ipynb``:
   the course's file names only, through no symbolic link (neither the folder nor a file), a
   regular file the student owns (a hard link to someone else's file is not theirs), of at
   most :data:`MAX_BYTES`. Everything is read before anything is written or run; not as root,
   it stops without writing anything when a student's course cannot be read;
2. writes what it read into ``DIR/NAME/``: read-only copies (files 0444, folders 0555) owned
   by the user running it, root on the hub, in a ``DIR`` only that user may enter (0700);
3. grades each copy with the grader (:func:`~backprop_lib.grading.__main__.grade_one`, from the
   bytes read in step 1) as the course notebook its file name names, and writes one CSV: a
   ``student`` column, then the grader's. A notebook not collected scores 0 of its points, and
   its rows say why.
"""

import argparse
import concurrent.futures
import grp
import os
import pwd
import re
import shlex
import stat
import sys
from pathlib import Path
from typing import NamedTuple

from .__main__ import FIELDS as GRADER_FIELDS
from .__main__ import _row, grade_one, write_csv
from .assignment import Assignment, load_course
from .release import COURSE_NOTEBOOKS
from .submission import DEFAULT_TIMEOUT

COMMAND = "python -m backprop_lib.grading.collect"

GROUP = "backprop-students"
"""The students' group on the hub (hosting/jupyterhub_config.py)."""

COURSE_FOLDER = "backprop-course"
"""The course's folder in each student's home (hosting/jupyterhub_config.py's COURSE_FOLDER)."""

MAX_BYTES = 20 * 2**20
"""Largest notebook collected: ten times the course's largest, outputs included."""

FIELDS = ("student", *GRADER_FIELDS)
"""The CSV's columns: the student's account name, then the grader's."""

SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}")
"""An account name that is also a plain folder name (whole match): no /, no leading . or -."""


class Account(NamedTuple):
    name: str
    uid: int | None  # None: listed in the group, but no such account
    home: str


class Notebook(NamedTuple):
    """One student's copy of one course notebook, or why there is none."""

    student: str
    assignment: Assignment
    source: str  # where it was looked for
    data: bytes | None  # None: not collected
    reason: str = ""  # why not
    denied: bool = False  # not collected because this user may not read it
    copy: Path | None = None


def members(group):
    """The accounts of ``group``, by name: listed members and those whose primary group it is.

    Raises KeyError when there is no such group.
    """
    entry = grp.getgrnam(group)
    names = set(entry.gr_mem) | {p.pw_name for p in pwd.getpwall() if p.pw_gid == entry.gr_gid}
    accounts = []
    for name in sorted(names):
        try:
            found = pwd.getpwnam(name)
            accounts.append(Account(name, found.pw_uid, found.pw_dir))
        except KeyError:
            accounts.append(Account(name, None, ""))
    return accounts


def chosen_notebooks(course, names=None):
    """The course's notebooks with exercises, or those of them ``names`` gives ("01",
    "01_single_neuron" or "01_single_neuron.ipynb"). Raises ValueError for an unknown name."""
    graded = [assignment for assignment in course if assignment.exercises]
    if not names:
        return graded
    wanted = {name.removesuffix(".ipynb") for name in names}
    known = {a.name for a in graded} | {a.name.split("_")[0] for a in graded}
    if wanted - known:
        raise ValueError(f"no course notebook with exercises is called {sorted(wanted - known)}")
    return [a for a in graded if {a.name, a.name.split("_")[0]} & wanted]


def _is_link(name, folder):
    """Whether ``name`` in the folder ``folder`` (a descriptor) is a symbolic link."""
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=folder).st_mode)
    except OSError:
        return False


def _open_folder(account, folder):
    """A descriptor of the account's course folder, reached through no symbolic link of the
    student's (the home itself is the system's), or why not, as (None, reason, denied)."""
    try:
        home = os.open(account.home, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    except PermissionError:
        return None, f"its home {account.home} cannot be read", True
    except OSError:
        return None, f"the account has no home folder ({account.home!r})", False
    try:
        flags = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
        return os.open(folder, flags, dir_fd=home), "", False
    except FileNotFoundError:
        return None, f"there is no ~/{folder}/ (the student never started their server?)", False
    except PermissionError:
        return None, f"~/{folder}/ cannot be read", True
    except NotADirectoryError:
        link = _is_link(folder, home)
        return None, f"~/{folder} is {'a symbolic link' if link else 'not a folder'}", False
    finally:
        os.close(home)


def _read(folder, file_name, uid):
    """The file's bytes, or why not, as (None, reason, denied)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        descriptor = os.open(file_name, flags, dir_fd=folder)
    except FileNotFoundError:
        return None, "there is no such file", False
    except PermissionError:
        return None, "the file cannot be read", True
    except OSError as error:
        link = _is_link(file_name, folder)
        said = "a symbolic link (not followed)" if link else f"unreadable ({error.strerror})"
        return None, f"the file is {said}", False
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None, "it is not a regular file", False
        if info.st_uid != uid:
            return None, f"the file belongs to user id {info.st_uid}, not to the student", False
        data = handle.read(MAX_BYTES + 1) if info.st_size <= MAX_BYTES else None
    if data is None or len(data) > MAX_BYTES:
        return None, f"the file is larger than the limit of {MAX_BYTES // 2**20} MiB", False
    return data, "", False


def read_course(account, assignments, folder=COURSE_FOLDER):
    """One :class:`Notebook` per assignment for ``account``: its bytes, or why not."""
    where = f"{account.home}/{folder}"

    def missing(reason, denied=False):
        return [Notebook(account.name, a, where, None, reason, denied) for a in assignments]

    if not SAFE_NAME.fullmatch(account.name):
        return missing("the account's name cannot be a folder name; rename the account")
    if account.uid is None:
        return missing("the group lists this name, but there is no such account")
    descriptor, reason, denied = _open_folder(account, folder)
    if descriptor is None:
        return missing(reason, denied)
    found = []
    try:
        for a in assignments:
            data, reason, denied = _read(descriptor, f"{a.name}.ipynb", account.uid)
            found.append(Notebook(account.name, a, f"{where}/{a.name}.ipynb", data, reason, denied))
    finally:
        os.close(descriptor)
    return found


def check_destination(into):
    """Why ``into`` cannot take the copies (it must be new, or an empty folder of this user's,
    not a link), or ""."""
    if not into.exists() and not into.is_symlink():
        return "" if into.parent.is_dir() else f"the folder {into.parent} does not exist"
    info = os.lstat(into)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or any(into.iterdir()):
        return f"{into} exists: give a new folder (or an empty one of yours) for this collection"
    return ""


def write_copies(notebooks, into):
    """Write each collected notebook to ``into/STUDENT/NAME.ipynb``, read-only (a folder per
    student whose name can be one, even with nothing in it); return them with their copy."""
    into.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(into)  # still the folder checked before (not a link put there since)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise RuntimeError(f"{into} is no longer a folder of this user's: nothing written")
    os.chmod(into, 0o700)  # the copies are the students' work: only this user may see them
    written = []
    for student in dict.fromkeys(n.student for n in notebooks):
        if not SAFE_NAME.fullmatch(student):
            written += [n for n in notebooks if n.student == student]
            continue
        folder = into / student
        folder.mkdir(mode=0o700)
        for notebook in (n for n in notebooks if n.student == student):
            if notebook.data is None:
                written.append(notebook)
                continue
            copy = folder / f"{notebook.assignment.name}.ipynb"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            with os.fdopen(os.open(copy, flags, 0o600), "wb") as handle:
                handle.write(notebook.data)
                os.fchmod(handle.fileno(), 0o444)
            written.append(notebook._replace(copy=copy))
        os.chmod(folder, 0o555)
    return written


def rows_of(notebook, timeout=DEFAULT_TIMEOUT):
    """The CSV rows of one student's notebook: the grader's, or 0 points and why not."""
    a = notebook.assignment
    if notebook.data is None:
        said = f"Not collected: {notebook.reason}."
        rows = [_row(notebook.source, a.name, e.grade_id, 0, e.points, said) for e in a.exercises]
    else:  # graded as the notebook its file name names, whatever its cells say
        rows = grade_one(notebook.copy, notebook.data, [a], timeout)
    return [{"student": notebook.student, **row} for row in rows]


def grade_collected(notebooks, timeout=DEFAULT_TIMEOUT, jobs=None):
    """Every notebook's rows, ``jobs`` submissions at a time, in the order given."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        return [row for rows in pool.map(lambda n: rows_of(n, timeout), notebooks) for row in rows]


def _parser():
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Collect every student's course notebooks from their home into read-only "
        "copies, one folder per student, and grade them into one CSV. Run it as root on the "
        "hub's machine.",
    )
    parser.add_argument("--into", type=Path, required=True, help="a new folder for the copies")
    parser.add_argument("--out", type=Path, help="the CSV to write (unless --no-grade)")
    parser.add_argument("--no-grade", action="store_true", help="only collect the copies")
    parser.add_argument("--group", default=GROUP, help=f"the students' group ({GROUP})")
    parser.add_argument("--course-folder", default=COURSE_FOLDER, help="the course in a home")
    parser.add_argument("--notebooks", nargs="+", metavar="NN", help="only these (e.g. 01 02)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds each")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="submissions at once")
    parser.add_argument("--instructor", type=Path, default=COURSE_NOTEBOOKS, help="the course")
    return parser


def _refusal(what, argv):
    """What to say when this user cannot read ``what`` (some students' courses, or the
    instructor edition)."""
    again = shlex.join(["sudo", sys.executable, "-m", "backprop_lib.grading.collect", *argv])
    return (
        f"{COMMAND}: stopped, nothing written: user id {os.geteuid()} cannot read {what}. "
        f"Run it as root on the hub's machine:\n  {again}"
    )


def _students(denied):
    names = ", ".join(denied[:5]) + (f" and {len(denied) - 5} more" if len(denied) > 5 else "")
    return f"the course of {len(denied)} student(s) ({names})"


def _options(parser, argv):
    """The parsed options, after the checks that need nothing read."""
    args = parser.parse_args(argv)
    if not args.no_grade and args.out is None:
        parser.error("--out is needed (the CSV to write), unless --no-grade")
    if args.out is not None and not args.out.parent.is_dir():
        parser.error(f"--out: the folder {args.out.parent} does not exist")
    if not args.timeout > 0 or args.jobs < 1:
        parser.error(f"--timeout must be > 0 and --jobs >= 1, got {args.timeout} and {args.jobs}")
    if "/" in args.course_folder or args.course_folder in ("", ".", ".."):
        parser.error("--course-folder: a folder's name in each home, such as backprop-course")
    problem = check_destination(args.into)
    if problem:
        parser.error(f"--into: {problem}")
    return args


def main(argv=None):
    """Command line; returns the exit status (2: refused, nothing written)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    args = _options(parser, argv)
    readable = os.access(args.instructor, os.R_OK | os.X_OK)  # False too where it cannot look
    if not readable:  # on the hub the clone is root's alone
        edition = f"the course's instructor edition ({args.instructor})"
        print(_refusal(edition, argv), file=sys.stderr)
        return 2
    try:
        assignments = chosen_notebooks(load_course(args.instructor), args.notebooks)
    except ValueError as error:
        parser.error(f"--notebooks: {error}")
    try:
        accounts = members(args.group)
    except KeyError:
        parser.error(f"--group: there is no group {args.group!r} on this machine")
    if not accounts or not assignments:
        parser.error(f"nothing to collect: group {args.group!r} or the course's exercises empty")
    notebooks = [n for a in accounts for n in read_course(a, assignments, args.course_folder)]
    denied = list(dict.fromkeys(n.student for n in notebooks if n.denied))
    if denied and os.geteuid() != 0:
        print(_refusal(_students(denied), argv), file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("Not root: the copies are yours; the students' code runs as you.", file=sys.stderr)
    notebooks = write_copies(notebooks, args.into)
    collected = sum(n.data is not None for n in notebooks)
    print(f"collected {collected} of {len(notebooks)} notebooks into {args.into}")
    if args.no_grade:
        return 0
    rows = grade_collected(notebooks, args.timeout, args.jobs)
    write_csv(rows, args.out, FIELDS)
    for account in accounts:
        mine = [row for row in rows if row["student"] == account.name]
        got, full = sum(r["points"] for r in mine), sum(r["max_points"] for r in mine)
        shown = account.name if SAFE_NAME.fullmatch(account.name) else ascii(account.name)
        print(f"{shown}: {got:g} / {full:g}")
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
