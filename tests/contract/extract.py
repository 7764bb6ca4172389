#!/usr/bin/env python3
"""Writes aurinko-office365.json: the Office 365 part of Aurinko's published OpenAPI contract as
switchboard serves it, reduced to its machine-readable structure (operations, parameters, bodies,
responses, schemas, auth schemes) without the prose, examples and code samples.

    python3 tests/contract/extract.py path/to/aurinko-openapi.yaml

The JSON it writes is committed; the suite validates every response against it, compares the
OpenAPI document switchboard generates with it, and generates a client from it."""
import datetime
import http
import json
import os
import sys

import yaml

# The contract's tags switchboard serves (for Office 365); the other tags are Aurinko's own
# products (booking, tracking, follow-up robots, its user sessions).
TAGS = {
    "Account", "Accounts", "Auth", "Calendars", "Events", "FreeBusySchedule", "Messages",
    "EmailFolders", "Drafts", "Contacts", "TaskLists", "Tasks",
    "EmailSync", "CalSync", "ContSync", "TaskSync", "Webhooks", "Services", "Managed accounts",
}
# Auth operations outside the Office 365 linking flows switchboard offers (Aurinko's users).
LEFT_OUT = {"prepareAuth", "authorizeUser"}
PROSE = {"description", "summary", "example", "examples", "x-codeSamples", "externalDocs"}


def plain(node, names=False, responses=False):
    """`names`: the keys are property names (a property may be called `description`);
    `responses`: the values are response objects, whose `description` OpenAPI requires (the
    status's own name stands in for the contract's words)."""
    if isinstance(node, dict):
        out = {
            k: plain(v, k == "properties" and not names, k == "responses" and not names)
            for k, v in node.items()
            if names or k not in PROSE
        }
        if responses:
            for status, response in out.items():
                if isinstance(response, dict) and "$ref" not in response:
                    response["description"] = reason(status)
        return out
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    return node


def reason(status):
    if status == "default":
        return "Error"
    try:
        return http.HTTPStatus(int(status)).phrase
    except ValueError:
        return status


def refs(node, found):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                found.add(v)
            else:
                refs(v, found)
    elif isinstance(node, list):
        for v in node:
            refs(v, found)


def main(source):
    spec = yaml.safe_load(open(source))
    paths = {}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if not TAGS.intersection(op.get("tags", [])) or op.get("operationId") in LEFT_OUT:
                continue
            paths.setdefault(path, {})[method] = plain(op)
    components = {"schemas": {}, "responses": {}, "parameters": {}}
    pending = set()
    refs(paths, pending)
    done = set()
    while pending:
        ref = pending.pop()
        if ref in done:
            continue
        done.add(ref)
        _, _, kind, name = ref.split("/")
        node = plain(spec["components"][kind][name])
        if kind == "responses":
            node["description"] = name
        components[kind][name] = node
        refs(node, pending)
    components = {k: dict(sorted(v.items())) for k, v in components.items() if v}
    components["securitySchemes"] = plain(spec["components"]["securitySchemes"])
    out = {
        "openapi": spec["openapi"],
        "info": {"title": spec["info"]["title"], "version": str(spec["info"].get("version", ""))},
        "security": spec.get("security", []),
        "paths": paths,
        "components": components,
    }
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aurinko-office365.json")
    with open(target, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    count = sum(len(v) for v in paths.values())
    print(f"{count} operations, {len(components['schemas'])} schemas -> {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/aurinko-openapi.yaml")
