"""Install what students run, and nothing else: the students' installation of the course.

Run it as root from the root of the clone, after the README's first command, and again after
changing the package, the student edition or the environment:

    .venv/bin/python hosting/install_course.py [--prefix /srv/backprop-course]

Each student's server, kernels and Voila run from this installation, never from the clone: the
clone holds the instructor edition (solutions, the hidden tests and their seeds), the tests
(``tests/honest_answers.py`` holds right answers) and the grader, and stays readable by root
alone (hosting/jupyterhub_config.py takes others' access away when the hub starts). What is
installed, all of it root's, folders and programs 755, files 644:

    PREFIX/venv/            a virtual environment of the system's Python, which every account
                            may run, holding the clone's third-party packages (hard links, or
                            copies across file systems) and launchers for their commands
    PREFIX/package/         backprop_lib/ without its grader (which needs the instructor edition)
                            and data/, side by side as in the clone (the package finds data/
                            beside itself), on the environment's path through a .pth file
    PREFIX/student/         the student edition, which the hub copies into each new home
    PREFIX/jupyter-config/  the course's Jupyter settings (JUPYTER_CONFIG_PATH)

The new installation is built beside the old one and then put in its place, so servers that
are running keep working. ``BACKPROP_COURSE_PREFIX`` sets the default prefix here and in
hosting/jupyterhub_config.py alike.
"""

import argparse
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The clone: its environment, package, data, student edition and Jupyter settings."""

DEFAULT_PREFIX = Path(os.environ.get("BACKPROP_COURSE_PREFIX", "/srv/backprop-course"))

SYSTEM_PYTHON = Path("/usr/bin/python3")
"""The Python of the students' environment: the system's, which every account may run (a
Python under root's home, such as pyenv's, is out of their reach). It must have the clone
environment's minor version, whose compiled packages (cp311) it then loads."""

LEFT_OUT = {"grading"}
"""Subpackages of backprop_lib that students do not get: the grader reads the instructor
edition, which only the clone has, and runs as root from the clone."""

OWN_INSTALL = ("__editable__", "backprop_lib-", "backprop_lib.")
"""Beginnings of the names in the clone's site-packages that are its own editable install of
backprop_lib (they point into the clone): the installation has its own copy instead."""

SMOKE_TEST = """
import os, sys
import backprop_lib, backprop_lib.exercises, backprop_lib.lessons
import h5py, ipykernel, ipywidgets, jupyterhub.singleuser, jupyterlab, matplotlib, voila
from backprop_lib.data import COURSE_DATA
prefix = sys.argv[1]
assert backprop_lib.__file__.startswith(prefix), backprop_lib.__file__
assert os.path.isdir(COURSE_DATA) and os.listdir(COURSE_DATA), COURSE_DATA
print(sys.version.split()[0], backprop_lib.__file__)
"""
"""What the smoke test imports and checks as an account with no rights (nobody)."""

MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")


def minor_version(python):
    """'3.11' for a Python 3.11 executable."""
    code = "import sys; print('%d.%d' % sys.version_info[:2])"
    return subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def wanted_mode(info):
    """755 for folders and programs, 644 for every other file."""
    return 0o755 if stat.S_ISDIR(info.st_mode) or info.st_mode & 0o111 else 0o644


def place(source, target):
    """Hard-link ``source`` at ``target`` when it is already ours with the wanted mode (a link
    shares its owner and mode with the clone's file), else copy it."""
    info = source.stat()
    ours = (info.st_uid, info.st_gid) == (os.geteuid(), os.getegid())
    if ours and stat.S_IMODE(info.st_mode) == wanted_mode(info):
        try:
            os.link(source, target)
            return
        except OSError:  # another file system, or links refused: copy
            pass
    shutil.copy2(source, target)


def copy_tree(source, target, skip=lambda path: False):
    """``source`` (a folder) at ``target``, file by file through :func:`place`, leaving out
    ``__pycache__`` folders of our own code and whatever ``skip(path)`` is true for."""
    for folder, folders, files in os.walk(source):
        here = Path(folder)
        into = target / here.relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        folders[:] = [name for name in folders if not skip(here / name)]
        for name in files:
            path = here / name
            if skip(path):
                continue
            if path.is_symlink():
                os.symlink(os.readlink(path), into / name)
            else:
                place(path, into / name)


def launchers(environment, venv, final_venv):
    """The environment's commands (jupyter, pip, ...) in ``venv/bin``, each script's
    interpreter line pointing at the installation's Python instead of the clone's."""
    old, new = str(environment).encode(), str(final_venv).encode()
    for path in sorted((environment / "bin").iterdir()):
        target = venv / "bin" / path.name
        if target.exists() or target.is_symlink() or path.name.lower().startswith("activate"):
            continue  # python itself and the activation scripts: the new environment's own
        with open(path, "rb") as handle:
            start = handle.read(1024)
        if start.startswith(b"#!") and old in start:  # a script of the clone's environment
            target.write_bytes(path.read_bytes().replace(old, new))
            target.chmod(0o755)
        elif not path.is_symlink():
            place(path, target)


def not_for_students(path):
    """True for what the installation leaves out of the package and its data: caches, and the
    subpackages in :data:`LEFT_OUT`."""
    return path.name == "__pycache__" or (
        path.parent == ROOT / "backprop_lib" and path.name in LEFT_OUT
    )


def student_edition(target):
    """The student edition at ``target``, refusing any notebook with a solution or hidden
    tests (a student edition that was not regenerated after editing the instructor's)."""
    source = ROOT / "notebooks" / "student"
    copy_tree(source, target, skip=lambda path: path.name == ".ipynb_checkpoints")
    for notebook in sorted(target.rglob("*.ipynb")):
        text = notebook.read_text(encoding="utf-8")
        found = [marker for marker in MARKERS if marker in text]
        if found:
            raise SystemExit(
                f"{source / notebook.name} holds {found[0]!r}: regenerate the student edition "
                "(python -m backprop_lib.grading.release) before installing it"
            )


def normalise(top):
    """Make everything under ``top`` ours (root's), folders and programs 755, files 644."""
    uid, gid = os.geteuid(), os.getegid()
    for folder, folders, files in os.walk(top):
        for path in [Path(folder), *(Path(folder) / name for name in folders + files)]:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                continue
            if (info.st_uid, info.st_gid) != (uid, gid):
                os.chown(path, uid, gid)
            if stat.S_IMODE(info.st_mode) != wanted_mode(info):
                path.chmod(wanted_mode(info))


def build(staging, prefix, python, environment, version):
    """Build the installation for ``prefix`` in the folder ``staging``, with a virtual
    environment of ``python`` (Python ``version``, e.g. "3.11") and ``environment``'s packages."""
    venv = staging / "venv"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path("lib") / f"python{version}" / "site-packages"
    copy_tree(environment / site, venv / site, skip=lambda path: path.name.startswith(OWN_INSTALL))
    for part in ("share", "etc"):
        if (environment / part).is_dir():
            copy_tree(environment / part, venv / part)
    launchers(environment, venv, prefix / "venv")
    for made_here in [venv / "pyvenv.cfg", *(venv / "bin").glob("activate*")]:
        made_here.write_text(made_here.read_text().replace(str(venv), str(prefix / "venv")))
    (venv / site / "backprop-course.pth").write_text(f"{prefix / 'package'}\n")
    package = staging / "package"
    copy_tree(ROOT / "backprop_lib", package / "backprop_lib", skip=not_for_students)
    copy_tree(ROOT / "data", package / "data", skip=not_for_students)
    student_edition(staging / "student")
    copy_tree(ROOT / "jupyter-config", staging / "jupyter-config")
    compile_into = ["-m", "compileall", "-q", "-d", str(prefix / "package"), str(package)]
    subprocess.run([str(venv / "bin" / "python"), *compile_into], check=True)
    normalise(staging)


def install(prefix, python=SYSTEM_PYTHON, environment=ROOT / ".venv"):
    """Build the installation beside ``prefix`` and put it in its place."""
    prefix, environment = Path(prefix).absolute(), Path(environment).absolute()
    wanted, found = minor_version(environment / "bin" / "python"), minor_version(python)
    if wanted != found:
        raise SystemExit(
            f"{python} is Python {found} and {environment} was made with {wanted}: the "
            f"packages' compiled code needs the same minor version (--python PATH)"
        )
    os.umask(0o022)
    staging, old = prefix.with_name(prefix.name + ".new"), prefix.with_name(prefix.name + ".old")
    for leftover in (staging, old):
        shutil.rmtree(leftover, ignore_errors=True)
    staging.mkdir(parents=True)
    build(staging, prefix, python, environment, wanted)
    if prefix.exists():
        prefix.rename(old)
    staging.rename(prefix)
    shutil.rmtree(old, ignore_errors=True)


def smoke_test(prefix):
    """Import the course and the server from the installation as ``nobody``, an account with
    no rights (so what a student can run), and return what it printed."""
    python = str(Path(prefix) / "venv" / "bin" / "python")
    command = [python, "-c", SMOKE_TEST, str(prefix)]
    if os.geteuid() == 0:
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        command = [runuser, "-u", pwd.getpwuid(65534).pw_name, "--", *command]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "MPLCONFIGDIR": "/tmp"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd="/", check=False)
    if done.returncode != 0:
        raise SystemExit(f"the installation does not work for students:\n{done.stderr}")
    return done.stdout.strip()


def readable_by_others(path):
    """True when accounts other than its owner and group may enter ``path``."""
    return bool(path.stat().st_mode & 0o005)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX)
    parser.add_argument("--python", type=Path, default=SYSTEM_PYTHON)
    parser.add_argument("--environment", type=Path, default=ROOT / ".venv")
    parser.add_argument("--no-check", action="store_true", help="skip the smoke test")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("install_course: not root, so the files stay yours (for tests)", file=sys.stderr)
    install(args.prefix, args.python, args.environment)
    print(f"installed the course in {args.prefix}")
    if not args.no_check:
        print(f"a student's Python: {smoke_test(args.prefix)}")
    if readable_by_others(ROOT):
        print(
            f"note: others may still enter {ROOT} (the instructor edition, the tests): the hub "
            f"takes that away when it starts, or run `chmod o-rwx {ROOT}` now",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
