#!/usr/bin/env python3
"""Record golden outputs of the reference `policy_sentry write-policy` (0.12.15).

This script only runs the reference CLI as a subprocess; it never imports policy_sentry.

Usage (from anywhere):  python3 record.py [--check-seeds]

* Success cases: every `NN-*.yml` in this directory is run with --fmt json / yaml / terraform,
  and the templates in MINIMIZE_SET additionally with `--minimize`, `--minimize 4`,
  `--minimize 10` (json). Commands run with cwd = this directory and a relative
  `--input-file`, so `args` in cases.json are exactly what was executed (after the program name).
  stdout is stored verbatim as `NN-x.<variant>.out`; cases.json lists every recorded success.
  A variant that exits non-zero is not recorded as a success; it is reported as an error case.
* Error cases: every `errors/*.yml` (plus the CLI-argument cases in CLI_ERRORS) is run from
  `errors/`; `errors/<name>.reference.txt` holds the exit code, the last line of stderr, the
  args and stdout. `errors/cases.json` holds the same data machine-readably.
* --check-seeds re-runs every success command with PYTHONHASHSEED=1 and =2 and reports any
  output that differs from the recorded one.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ERR = HERE / "errors"
PS = os.path.expanduser("~/ps-ref/bin/policy_sentry")

MINIMIZE_SET = {
    "01", "02", "04", "05", "10", "12", "16", "17", "19", "20", "24", "41", "44", "45",
    "48", "57", "58", "59", "64", "65", "69", "79",
}
BASE_VARIANTS = [
    ("json", ["--fmt", "json"]),
    ("yaml", ["--fmt", "yaml"]),
    ("terraform", ["--fmt", "terraform"]),
]
MIN_VARIANTS = [
    ("json-min0", ["--fmt", "json", "--minimize"]),
    ("json-min4", ["--fmt", "json", "--minimize", "4"]),
    ("json-min10", ["--fmt", "json", "--minimize", "10"]),
]
# A couple of extra minimize spellings/formats on a few templates.
EXTRA_VARIANTS = {
    "17": [("json-min4eq", ["--fmt", "json", "--minimize=4"]),
           ("yaml-min0", ["--fmt", "yaml", "--minimize"]),
           ("terraform-min0", ["--fmt", "terraform", "--minimize"])],
    "57": [("json-m", ["--fmt", "json", "-m"]),
           ("json-minlen-only", ["--fmt", "json", "--minimize_length", "4"])],
}

# Error cases that are about CLI arguments rather than the template:
# name -> (template to copy from this directory, args after the program name)
CLI_ERRORS = {
    "cli-short-m-with-value": ("17-ssm-parameter.yml",
                               ["write-policy", "--input-file", "{t}", "-m", "3"]),
    "cli-minimize-negative": ("17-ssm-parameter.yml",
                              ["write-policy", "--input-file", "{t}", "--minimize", "-1"]),
    "cli-minimize-not-int": ("17-ssm-parameter.yml",
                             ["write-policy", "--input-file", "{t}", "--minimize", "abc"]),
    "cli-minimize-before-short-i": ("17-ssm-parameter.yml",
                                    ["write-policy", "--minimize", "-i", "{t}"]),
    "cli-bad-fmt": ("17-ssm-parameter.yml",
                    ["write-policy", "--input-file", "{t}", "--fmt", "xml"]),
}
# Error templates that only fail with particular args (default: --fmt json).
ERROR_ARGS = {
    "minimize-two-star-statements": ["--fmt", "json", "--minimize"],
    "minimize-two-star-dependents-and-skip": ["--fmt", "json", "--minimize"],
}


def env(seed: str | None = None) -> dict[str, str]:
    e = dict(os.environ)
    e.pop("PYTHONHASHSEED", None)
    if seed is not None:
        e["PYTHONHASHSEED"] = seed
    e["COLUMNS"] = "80"
    return e


def run(args: list[str], cwd: Path, seed: str | None = None) -> subprocess.CompletedProcess:
    p = subprocess.run([PS, *args], cwd=cwd, env=env(seed), capture_output=True)
    # keep stdout as raw bytes (written verbatim); stderr decoded for reporting
    p.stderr = p.stderr.decode("utf-8", "replace")
    return p


def last_line(s: str) -> str:
    lines = [l for l in s.splitlines() if l.strip()]
    return lines[-1] if lines else ""


def write_error(name: str, template: str, args: list[str], p: subprocess.CompletedProcess,
                records: list[dict]) -> None:
    (ERR / f"{name}.reference.txt").write_text(
        f"exit: {p.returncode}\n"
        f"stderr_last_line: {last_line(p.stderr)}\n"
        f"args: {json.dumps(args)}\n"
        f"stdout:\n{p.stdout.decode('utf-8', 'replace')}"
    )
    records.append({"template": template, "args": args, "exit": p.returncode,
                    "stderr_last_line": last_line(p.stderr),
                    "stdout": p.stdout.decode("utf-8", "replace")})


def main() -> None:
    check_seeds = "--check-seeds" in sys.argv
    assert not Path("~/.policy_sentry/iam-definition.json").expanduser().exists(), \
        "move ~/.policy_sentry/iam-definition.json away first"
    for old in HERE.glob("*.out"):
        old.unlink()
    for old in ERR.glob("*.reference.txt"):
        old.unlink()

    cases: list[dict] = []
    err_records: list[dict] = []
    mismatches: list[str] = []
    templates = sorted(p.name for p in HERE.glob("[0-9][0-9]-*.yml"))
    for t in templates:
        stem = t[:-4]
        nn = t[:2]
        variants = list(BASE_VARIANTS)
        if nn in MINIMIZE_SET:
            variants += MIN_VARIANTS
        variants += EXTRA_VARIANTS.get(nn, [])
        for vname, vargs in variants:
            args = ["write-policy", "--input-file", t, *vargs]
            p = run(args, HERE)
            if p.returncode != 0:
                name = f"{stem}.{vname}"
                (ERR / f"{name}.yml").write_text((HERE / t).read_text())
                eargs = ["write-policy", "--input-file", f"{name}.yml", *vargs]
                write_error(name, f"{name}.yml", eargs, run(eargs, ERR), err_records)
                print(f"FAIL {t} {vname}: {last_line(p.stderr)}")
                continue
            out = f"{stem}.{vname}.out"
            (HERE / out).write_bytes(p.stdout)
            cases.append({"template": t, "args": args, "output": out, "exit": 0})
            if check_seeds:
                for seed in ("1", "2"):
                    q = run(args, HERE, seed)
                    if q.stdout != p.stdout or q.returncode != 0:
                        mismatches.append(f"{t} {vname} PYTHONHASHSEED={seed}")
    (HERE / "cases.json").write_text(json.dumps(cases, indent=2) + "\n")

    # Template-level error cases.
    for tp in sorted(ERR.glob("*.yml")):
        name = tp.stem
        if re.match(r"^\d\d-", name) or name in CLI_ERRORS:
            continue  # variant failures (handled above) / CLI cases (below)
        args = ["write-policy", "--input-file", tp.name, *ERROR_ARGS.get(name, ["--fmt", "json"])]
        write_error(name, tp.name, args, run(args, ERR), err_records)
    # CLI-argument error cases.
    for name, (src, targs) in CLI_ERRORS.items():
        (ERR / f"{name}.yml").write_text((HERE / src).read_text())
        args = [a.replace("{t}", f"{name}.yml") for a in targs]
        write_error(name, f"{name}.yml", args, run(args, ERR), err_records)
    err_records.sort(key=lambda r: r["template"])
    (ERR / "cases.json").write_text(json.dumps(err_records, indent=2) + "\n")

    # create-template goldens (file contents written by the command).
    with tempfile.TemporaryDirectory() as td:
        for ttype in ("crud", "actions"):
            p = run(["create-template", "--output-file", f"t-{ttype}.yml",
                     "--template-type", ttype], Path(td))
            assert p.returncode == 0, p.stderr
            (HERE / f"template-{ttype}.yml.golden").write_text(
                (Path(td) / f"t-{ttype}.yml").read_text())

    print(f"templates: {len(templates)}, success outputs: {len(cases)}, "
          f"error cases: {len(err_records)}")
    if check_seeds:
        print("seed mismatches:", mismatches or "none")


if __name__ == "__main__":
    main()
