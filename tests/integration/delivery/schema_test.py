#!/usr/bin/env python3
"""Events written through the real output stack validate against docs/event-schema.json, every
line is canonical (keys sorted, no whitespace), and the collector stores them byte for byte.

Covers every kind the sensor side produces: findings (norm_violation, segmentation, anomaly),
health from the real HealthReporter, config_change (a rule pack rewritten half-way), the SYS-01
silence finding, and loss events (a tiny spool in front of a collector that is not there).
The validator implements the JSON Schema 2020-12 keywords the schema uses, with no dependency.

Usage: schema_test.py SCHEMA DELIVERY_SENSOR NORMWATCH_COLLECTOR"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time


class SchemaError(Exception):
    pass


class Validator:
    TYPES = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    SUPPORTED = {"$schema", "$id", "title", "description", "type", "const", "enum", "pattern", "minimum", "maximum",
                 "minLength", "required", "properties", "additionalProperties", "propertyNames", "items", "$ref",
                 "allOf", "if", "then", "oneOf", "$defs"}

    def __init__(self, root):
        self.root = root

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise SchemaError(f"unsupported $ref {ref}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def validate(self, value, schema, path="$"):
        unknown = set(schema) - self.SUPPORTED
        if unknown:
            raise SchemaError(f"validator does not implement {sorted(unknown)}")
        if "$ref" in schema:
            self.validate(value, self.resolve(schema["$ref"]), path)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(self.TYPES[t](value) for t in types):
                raise SchemaError(f"{path}: {value!r} is not of type {types}")
        if "const" in schema and value != schema["const"]:
            raise SchemaError(f"{path}: {value!r} != {schema['const']!r}")
        if "enum" in schema and value not in schema["enum"]:
            raise SchemaError(f"{path}: {value!r} not in {schema['enum']}")
        if isinstance(value, str):
            if "pattern" in schema and not re.search(schema["pattern"], value):
                raise SchemaError(f"{path}: {value!r} does not match {schema['pattern']}")
            if len(value) < schema.get("minLength", 0):
                raise SchemaError(f"{path}: {value!r} is too short")
        if self.TYPES["number"](value):
            if "minimum" in schema and value < schema["minimum"]:
                raise SchemaError(f"{path}: {value} < {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                raise SchemaError(f"{path}: {value} > {schema['maximum']}")
        if isinstance(value, dict):
            for key in schema.get("required", []):
                if key not in value:
                    raise SchemaError(f"{path}: missing {key}")
            props = schema.get("properties", {})
            for key, item in value.items():
                if "propertyNames" in schema:
                    self.validate(key, schema["propertyNames"], f"{path}.{key}(name)")
                if key in props:
                    self.validate(item, props[key], f"{path}.{key}")
                elif schema.get("additionalProperties") is False:
                    raise SchemaError(f"{path}: unexpected member {key}")
                elif isinstance(schema.get("additionalProperties"), dict):
                    self.validate(item, schema["additionalProperties"], f"{path}.{key}")
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                self.validate(item, schema["items"], f"{path}[{i}]")
        for sub in schema.get("allOf", []):
            self.validate(value, sub, path)
        if "if" in schema:
            try:
                self.validate(value, schema["if"], path)
                matched = True
            except SchemaError:
                matched = False
            if matched and "then" in schema:
                self.validate(value, schema["then"], path)
        if "oneOf" in schema:
            passing = 0
            for sub in schema["oneOf"]:
                try:
                    self.validate(value, sub, path)
                    passing += 1
                except SchemaError:
                    pass
            if passing != 1:
                raise SchemaError(f"{path}: {value!r} matches {passing} of oneOf")


def sorted_pairs(pairs):
    keys = [k for k, _ in pairs]
    if keys != sorted(keys):
        raise SchemaError(f"keys not sorted: {keys}")
    return dict(pairs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    schema_path, sensor, collector = sys.argv[1:4]
    with open(schema_path) as f:
        schema = json.load(f)
    v = Validator(schema)
    work = tempfile.mkdtemp(prefix="nw-schema-")
    procs = []
    try:
        rules = os.path.join(work, "rules.yaml")
        with open(rules, "w") as f:
            f.write("rules: []\n")
        findings = os.path.join(work, "findings.jsonl")
        subprocess.run([sensor, "emit", "--count", "400", "--events", findings, "--health-every", "20",
                        "--rule-pack", rules, "--silence", "--sensor-id", "schema-test"], check=True,
                       capture_output=True)
        losses = os.path.join(work, "losses.jsonl")
        r = subprocess.run([sensor, "emit", "--count", "400", "--events", losses, "--health-every", "5",
                            "--publish", "tcp://127.0.0.1:1", "--plaintext-lab", "--spool", os.path.join(work, "spool"),
                            "--spool-max-kib", "32", "--drain-timeout", "0", "--sensor-id", "schema-loss"],
                           capture_output=True, text=True)
        if r.returncode != 3:
            raise SchemaError(f"the spool-full run should end undelivered (exit 3), got {r.returncode}: {r.stderr}")
        lines = []
        for path in (findings, losses):
            with open(path) as f:
                lines += f.read().splitlines()
        kinds = {}
        for n, line in enumerate(lines, 1):
            outside_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
            if re.search(r"\s", outside_strings):
                raise SchemaError(f"line {n}: whitespace outside strings")
            event = json.loads(line, object_pairs_hook=sorted_pairs)
            v.validate(event, schema)
            label = event["kind"] + ("/SYS-01" if event.get("rule", {}).get("id") == "SYS-01" else "")
            kinds[label] = kinds.get(label, 0) + 1
        for needed in ("norm_violation", "segmentation", "anomaly", "health", "loss", "config_change/SYS-01",
                       "anomaly/SYS-01"):
            if needed not in kinds:
                raise SchemaError(f"no {needed} event was produced (got {kinds})")

        # The schema is not vacuous: broken events are rejected.
        sample = next(json.loads(line) for line in lines if json.loads(line)["kind"] == "norm_violation")
        for mutate in (lambda e: e.pop("seq"), lambda e: e.update(kind="gossip"), lambda e: e.update(seq=-1),
                       lambda e: e.update(ts="yesterday"), lambda e: e.update(rule={"id": "X"}),
                       lambda e: e.update(kind="health"), lambda e: e.update(zones={"source": 1, "destination": ""})):
            broken = json.loads(json.dumps(sample))
            mutate(broken)
            try:
                v.validate(broken, schema)
            except SchemaError:
                continue
            raise SchemaError(f"a broken event passed: {broken}")

        # The collector stores these lines byte for byte.
        port = free_port()
        db = os.path.join(work, "c.db")
        c = subprocess.Popen([collector, "--listen", f"tcp://127.0.0.1:{port}", "--db", db, "--plaintext-lab"],
                             stderr=subprocess.DEVNULL)
        procs.append(c)
        time.sleep(0.3)
        delivered = os.path.join(work, "delivered.jsonl")
        subprocess.run([sensor, "emit", "--count", "300", "--events", delivered, "--health-every", "20",
                        "--rule-pack", rules, "--silence", "--publish", f"tcp://127.0.0.1:{port}", "--plaintext-lab",
                        "--spool", os.path.join(work, "spool2"), "--sensor-id", "stored"], check=True,
                       capture_output=True, timeout=120)
        stored = subprocess.run([collector, "query", "--db", db, "--json"], check=True, capture_output=True,
                                text=True).stdout.splitlines()
        with open(delivered) as f:
            written = f.read().splitlines()
        if stored != written:
            raise SchemaError(f"stored lines differ from the sensor's ({len(stored)} vs {len(written)})")
        for line in stored:
            v.validate(json.loads(line), schema)
        print(f"PASS: {len(lines) + len(stored)} events valid; kinds {kinds}")
        return 0
    except (SchemaError, subprocess.CalledProcessError) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
