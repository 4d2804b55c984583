#!/usr/bin/env python3
"""Reference outputs for Lectern's template engines, from Python itself.

  python3 src/templates/reference/reference.py generate   # rewrite test/fixtures/templates/corpus.json
  python3 src/templates/reference/reference.py serve      # JSON lines on stdin -> results on stdout

Jinja2 runs in jinja2.sandbox.SandboxedEnvironment with default settings; f-strings are
`template.format(**variables)`; extraction is jinja2.meta.find_undeclared_variables and
string.Formatter().parse for field roots.
"""
import json
import os
import sys

from jinja2 import meta
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_cases import CASES  # noqa: E402

ENV = SandboxedEnvironment()


def run_jinja(template, variables):
    try:
        return {"output": ENV.from_string(template).render(**variables)}
    except TemplateSyntaxError as e:
        return {"error": "TemplateSyntaxError", "message": e.message or str(e), "lineno": e.lineno}
    except Exception as e:  # noqa: BLE001 - every failure is a data point
        return {"error": type(e).__name__, "message": str(e)}


def undeclared_jinja(template):
    try:
        return sorted(meta.find_undeclared_variables(ENV.parse(template)))
    except TemplateSyntaxError:
        return None


def run_fstring(template, variables):
    try:
        return {"output": template.format(**variables)}
    except Exception as e:  # noqa: BLE001
        message = str(e)
        if isinstance(e, KeyError):
            message = repr(e.args[0]) if e.args and isinstance(e.args[0], str) else str(e)
        return {"error": type(e).__name__, "message": message}


def fstring_roots(template):
    import string

    roots = set()

    def walk(text, depth):
        for _literal, field, spec, _conv in string.Formatter().parse(text):
            if field is None:
                continue
            root = field
            for i, ch in enumerate(field):
                if ch in ".[":
                    root = field[:i]
                    break
            if root and not root.isdigit():
                roots.add(root)
            if spec and depth > 0:
                walk(spec, depth - 1)

    try:
        walk(template, 1)
    except ValueError:
        return None
    return sorted(roots)


def run(case):
    kind, template, variables = case["kind"], case["template"], case.get("variables", {})
    if kind == "jinja2":
        return {**run_jinja(template, variables), "variables": undeclared_jinja(template)}
    return {**run_fstring(template, variables), "variables": fstring_roots(template)}


def generate(path):
    out = []
    seen = set()
    for i, (kind, template, variables) in enumerate(CASES):
        case = {"kind": kind, "template": template, "variables": variables}
        key = json.dumps(case, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        case_id = f"{'j' if kind == 'jinja2' else 'f'}{i:03d}"
        out.append({"id": case_id, **case, "expected": run(case)})
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print(f"wrote {len(out)} cases to {path}")


def serve():
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        sys.stdout.write(json.dumps(run(case)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve()
    else:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        generate(os.path.join(root, "test", "fixtures", "templates", "corpus.json"))
