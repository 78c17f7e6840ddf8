#!/usr/bin/python3
"""Runs every command example of the README and docs/cli.md and checks its exit code.

Usage:
    /usr/bin/python3 tests/docs/run_doc_examples.py --source SRC --build BUILD [FILE.md ...]

An example is a line starting with "$ " inside a fenced code block, or any line of a ```sh
block (a trailing "\\" continues it on the next line). It must exit 0 unless it ends with a shell comment "# exit N". The
commands run in a scratch folder where build/ is BUILD and the project's folders are the
source tree's, with BUILD first on PATH (so "dlasim ..." works too) and /tmp/ mapped into
the scratch folder. Examples that cannot run in CI are skipped by the list below, with why; a
skipped example that no longer exists in the docs is an error (so the list stays true).

Two facts are checked as well: every "dlasim vX.Y.Z" the files quote is --version, and
docs/api.md names every public header (include/dlasim/*.h).
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

# Command (a substring of it) -> why it is not run here.
SKIPPED = {
    "bash scripts/demo.sh": "sets up the machine (apt-get) and rebuilds the project: minutes; "
                            "the seed's command it ends with is an example of its own",
    "bash scripts/test.sh": "runs the whole test suite, this test included",
}
TIMEOUT_S = 120


def examples(path):
    """(line number, command, expected exit code) of each "$ " line in a fenced block."""
    out, fenced, shell, pending, start = [], False, False, None, 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            shell = fenced and line.strip()[3:] in ("sh", "bash", "shell")
            continue
        if not fenced:
            continue
        text = line.strip()
        if pending is not None:
            pending += " " + text.rstrip("\\").strip()
            if not text.endswith("\\"):
                out.append((start, pending))
                pending = None
            continue
        if text.startswith("$ ") or (shell and text and not text.startswith("#")):
            command = text[2:] if text.startswith("$ ") else text
            if command.endswith("\\"):
                pending, start = command.rstrip("\\").strip(), number
            else:
                out.append((number, command))
    result = []
    for number, command in out:
        m = re.search(r"\s#\s*exit\s+(\d+)\s*$", command)
        code = int(m.group(1)) if m else 0
        result.append((number, command, code))
    return result


def scratch(source, build):
    root = pathlib.Path(tempfile.mkdtemp(prefix="dlasim_doc_examples_"))
    (root / "build").symlink_to(build)
    for entry in source.iterdir():
        if entry.name not in ("build", ".git") and not (root / entry.name).exists():
            (root / entry.name).symlink_to(entry)
    (root / "tmp").mkdir()
    (root / "out").mkdir()
    return root


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True, type=pathlib.Path)
    ap.add_argument("--build", required=True, type=pathlib.Path)
    ap.add_argument("--version", required=True, help="the project's version, e.g. 0.2.0")
    ap.add_argument("files", nargs="*", default=["README.md", "docs/cli.md"])
    args = ap.parse_args()
    source, build = args.source.resolve(), args.build.resolve()
    stale = []
    for name in args.files:
        for v in sorted(set(re.findall(r"dlasim v(\d+\.\d+\.\d+)", (source / name).read_text()))):
            if v != args.version:
                stale.append(f"{name} quotes dlasim v{v}; the version is {args.version}")
    api = (source / "docs/api.md").read_text()
    for header in sorted((source / "include/dlasim").glob("*.h")):
        if f"dlasim/{header.name}" not in api and f"`{header.name}`" not in api:
            stale.append(f"docs/api.md does not describe dlasim/{header.name}")
    root = scratch(source, build)
    env = dict(os.environ, PATH=f"{build}:{os.environ.get('PATH', '')}")
    failures, ran, skipped, seen_skips = list(stale), 0, [], set()
    try:
        for name in args.files:
            for number, command, want in examples(source / name):
                where = f"{name}:{number}"
                skip = next((k for k in SKIPPED if k in command), None)
                if skip:
                    seen_skips.add(skip)
                    skipped.append(f"{where}: {command}  -- {SKIPPED[skip]}")
                    continue
                run = re.sub(r"(?<![\w.])/tmp/", f"{root}/tmp/", command)
                t0 = time.monotonic()
                try:
                    p = subprocess.run(["bash", "-c", run], cwd=root, env=env,
                                       capture_output=True, text=True, timeout=TIMEOUT_S)
                    code, tail = p.returncode, (p.stderr or p.stdout).strip().splitlines()[-3:]
                except subprocess.TimeoutExpired:
                    code, tail = "timeout", [f"over {TIMEOUT_S} s"]
                ran += 1
                status = "ok" if code == want else "FAILED"
                print(f"{status}: {where}: exit {code} (want {want}), "
                      f"{time.monotonic() - t0:.1f} s: {command}")
                if code != want:
                    failures.append(f"{where}: exit {code}, want {want}: {command}\n    " +
                                    "\n    ".join(tail))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for s in skipped:
        print(f"skipped: {s}")
    stale = set(SKIPPED) - seen_skips
    if stale:
        failures.append(f"skip list names examples the docs no longer have: {sorted(stale)}")
    if ran < 5:
        failures.append(f"only {ran} examples found: the parser or the docs lost them")
    if failures:
        print("\n".join(["", "Failures:"] + failures))
        return 1
    print(f"{ran} examples ran with the documented exit codes; {len(skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
