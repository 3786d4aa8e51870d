#!/usr/bin/env python3
"""Compares `normwatch decode` with tshark 4.0, DNP3 unit by unit, over every DNP3 capture of
shared/captures (manifest rows with pdu_dnp3_link > 0, each read with its row's tshark_opts;
normwatch needs no port option: it recognises DNP3 by content). Issue 4 item 6; target 99.5%
agreement, separately for application fragments and for object headers.

Units (both sides): one per application fragment, taken where reassembly completes it, and one per
link frame that carries no user data (reset link, link status, ACK/NACK: "link-only"). tshark's
side is read from PDML: each `dnp3` proto element of a packet is one link frame; it is a unit when
it holds the application layer (dnp3.al.func) or no transport header (dnp3.tr.ctl). Units are
keyed by (frame number, n-th unit in that frame) and compared with the n-th decode line of that
frame.

A unit (fragment) agrees when every field tshark states equals normwatch's:
  link: dnp3.src/dst, dnp3.ctl.dir/prm, dnp3.ctl.prifunc or secfunc -> link.src/dst/dir/prm/fc
  app:  dnp3.al.func/seq/fir/fin/con/uns, dnp3.al.iin -> app.fc/seq/fir/fin/con/uns/iin
An object header agrees when the n-th dnp3.al.obj of the fragment (group << 8 | variation),
its qualifier (dnp3.al.objq.prefix << 4 | dnp3.al.objq.range) and whichever of
dnp3.al.range.start/stop/quantity tshark prints equal the n-th app.objects entry's g, v, q,
start, stop, count. Headers normwatch finds and tshark does not are listed as disagreements too
(not counted in the denominator, which is tshark's headers).

Every disagreement printed must match a key of EXPLAINED (a substring of the note) with the
reason, verified by hand, why tshark and normwatch legitimately differ.

usage: dnp3_vs_tshark.py NORMWATCH SHARED_CAPTURES_DIR [FILE_SUBSTRING]   (exit 0 and SKIP when either is absent)
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_common as tc  # noqa: E402

THRESHOLD = 99.5

LINK_FIELDS = {"dnp3.src": "src", "dnp3.dst": "dst", "dnp3.ctl.dir": "dir", "dnp3.ctl.prm": "prm",
               "dnp3.ctl.prifunc": "fc", "dnp3.ctl.secfunc": "fc"}
APP_FIELDS = {"dnp3.al.func": "fc", "dnp3.al.seq": "seq", "dnp3.al.fir": "fir", "dnp3.al.fin": "fin",
              "dnp3.al.con": "con", "dnp3.al.uns": "uns", "dnp3.al.iin": "iin"}
BOOL_KEYS = {"dir", "prm", "fir", "fin", "con", "uns"}
RANGE_FIELDS = {"dnp3.al.range.start": "start", "dnp3.al.range.stop": "stop",
                "dnp3.al.range.quantity": "count"}

# tshark decodes every copy of a retransmitted TCP segment again; normwatch's stream delivers
# each byte once. A tshark unit in a segment tshark flags with one of these, for which normwatch
# has no line in that frame, is a repeat of a unit already compared: it is left out of the
# denominator and counted separately (see the report). A retransmission carrying new bytes still
# gets its normwatch line there and is compared as usual.
RETRANSMISSION_FIELDS = {"tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
                         "tcp.analysis.spurious_retransmission"}

# Substring of a disagreement note -> why it is legitimate (each checked by hand on the bytes).
EXPLAINED = {
    "fragment fc 18 header":
        "Stop Application (0x12) carrying object headers: tshark 4.0 stops after the function code "
        "for this function and lists no objects (PDML has no Data Objects subtree although the "
        "fragment holds 3c 02 06 01 07 06 3c 04 ed); normwatch lists the headers it walks, up to the "
        "reserved qualifier 0xED, and flags the fragment malformed (Quickdraw test frames)",
    "fragment fc 32 header":
        "Secure Authentication request (0x20): tshark 4.0 does not dissect its objects (stops after "
        "the function code); normwatch lists the g120 header, whose size-prefixed object fits exactly",
    "fragment fc 131 header":
        "Secure Authentication response (0x83): tshark 4.0 stops after the function code (not even "
        "IIN); normwatch lists the g120 header (e.g. g120v5 q 0x5B, one 15-byte object, fits exactly)",
    "dnp3-max-points__test.pcap: frame 93 #0 fragment fc 2":
        "an 8200-byte write (33 transport segments, g1v1 0..65534): over normwatch's 2048-byte "
        "fragment cap (Limits::max_fragment_size), dropped with dnp3.fragment_too_long; tshark "
        "reassembles it and marks it malformed",
    "dnp3_synthetic.pcap: frame 13 #0 fragment fc 129 header 0 g1v2 q=3: missing in normwatch":
        "the 7-byte fragment c3 81 00 00 01 02 03 ends right after the qualifier: tshark lists the "
        "header and marks the packet Malformed; normwatch lists only headers whose range field is "
        "present and reports the fragment malformed (object data truncated)",
}


def as_int(text):
    return int(text, 0)


def walk_outside_objects(element):
    """Fields under element, not descending into dnp3.al.obj (those are collected separately)."""
    for child in element:
        yield child
        if child.get("name") != "dnp3.al.obj":
            yield from walk_outside_objects(child)


def top_objects(element):
    """dnp3.al.obj fields under element that are not nested in another dnp3.al.obj."""
    for child in element:
        if child.get("name") == "dnp3.al.obj":
            yield child
        else:
            yield from top_objects(child)


def object_header(obj) -> dict:
    code = as_int(obj.get("show"))
    header = {"g": code >> 8, "v": code & 0xFF}
    prefix = rng = None
    for field in walk_outside_objects(obj):
        name = field.get("name")
        if name == "dnp3.al.objq.prefix" and prefix is None:
            prefix = as_int(field.get("show"))
        elif name == "dnp3.al.objq.range" and rng is None:
            rng = as_int(field.get("show"))
        elif name in RANGE_FIELDS and RANGE_FIELDS[name] not in header:
            header[RANGE_FIELDS[name]] = as_int(field.get("show"))
    if prefix is not None and rng is not None:
        header["q"] = prefix << 4 | rng  # bits 0-6: tshark does not state bit 7 (reserved)
    return header


def dnp3_unit(proto):
    """One tshark DNP3 link frame -> unit dict, or None when it is a transport segment that does
    not complete a fragment."""
    link, app = {}, {}
    has_transport = False
    for field in walk_outside_objects(proto):
        name = field.get("name")
        if name in LINK_FIELDS and LINK_FIELDS[name] not in link:
            link[LINK_FIELDS[name]] = as_int(field.get("show"))
        elif name in APP_FIELDS and APP_FIELDS[name] not in app:
            app[APP_FIELDS[name]] = as_int(field.get("show"))
        elif name == "dnp3.tr.ctl":
            has_transport = True
    if "fc" not in app and has_transport:
        return None
    unit = {"link": link}
    if "fc" in app:
        app["objects"] = [object_header(o) for o in top_objects(proto)]
        unit["app"] = app
    return unit


def tshark_units(path: str, opts: list) -> dict:
    """frame number -> tshark's DNP3 units in that frame, in order."""
    cmd = ["tshark", "-n", "-r", path, "-Y", "dnp3", "-T", "pdml"] + opts
    xml = subprocess.run(cmd, capture_output=True, text=True, timeout=1800).stdout
    units = {}
    if not xml.strip():
        return units
    for packet in ET.fromstring(xml).iter("packet"):
        number = None
        found = []
        retransmission = False
        for proto in packet.findall("proto"):
            if proto.get("name") == "frame":
                number = next(as_int(f.get("show")) for f in proto.iter("field") if f.get("name") == "frame.number")
            elif proto.get("name") == "tcp":
                retransmission = any(f.get("name") in RETRANSMISSION_FIELDS for f in proto.iter("field"))
            elif proto.get("name") == "dnp3":
                unit = dnp3_unit(proto)
                if unit is not None:
                    unit["retransmission"] = retransmission
                    found.append(unit)
        if found:
            units[number] = found
    return units


def mine_value(section: dict, key: str):
    value = section.get(key)
    if key in BOOL_KEYS and value is not None:
        return int(bool(value))
    return value


def compare_unit(theirs: dict, mine: dict) -> list:
    diffs = []
    for key, value in theirs["link"].items():
        if mine_value(mine.get("link", {}), key) != value:
            diffs.append(f"link.{key} tshark={value} normwatch={mine_value(mine.get('link', {}), key)}")
    if "app" in theirs:
        if "app" not in mine:
            diffs.append(f"app missing in normwatch (tshark fc {theirs['app']['fc']})")
        else:
            for key, value in theirs["app"].items():
                if key != "objects" and mine_value(mine["app"], key) != value:
                    diffs.append(f"app.{key} tshark={value} normwatch={mine_value(mine['app'], key)}")
    elif "app" in mine:
        diffs.append(f"normwatch has app fc {mine['app'].get('fc')} where tshark has a link-only frame")
    return diffs


def compare_headers(theirs: list, mine: list, where: str) -> tuple:
    agree = 0
    notes = []
    for i, header in enumerate(theirs):
        if i >= len(mine):
            notes.append(f"{where} header {i} g{header['g']}v{header['v']} q={header.get('q')}: missing in normwatch")
            continue
        ours = dict(mine[i])
        if ours.get("q") is not None:
            ours["q"] &= 0x7F  # compare what tshark states (prefix bits 4-6, range bits 0-3)
        diffs = [f"{k} tshark={v} normwatch={ours.get(k)}" for k, v in header.items() if ours.get(k) != v]
        if diffs:
            notes.append(f"{where} header {i} g{header['g']}v{header['v']} q={header.get('q')}: " + ", ".join(diffs))
        else:
            agree += 1
    for i in range(len(theirs), len(mine)):
        ours = mine[i]
        notes.append(f"{where} header {i} g{ours.get('g')}v{ours.get('v')} q={ours.get('q')}: normwatch-only header")
    return agree, notes


def compare_file(normwatch: str, row: dict, stats: dict) -> tuple:
    units = tshark_units(row["path"], tc.tshark_opts(row))
    ours = tc.normwatch_decode(normwatch, row["path"], "dnp3")
    frag = [0, 0, []]
    head = [0, 0, []]
    for number in sorted(units):
        mine_lines = ours.get(number, [])
        for n, unit in enumerate(units[number]):
            if unit["retransmission"] and n >= len(mine_lines):
                stats["retransmitted_units"] += 1
                stats["retransmitted_headers"] += len(unit.get("app", {}).get("objects", []))
                continue
            frag[0] += 1
            kind = "fragment" if "app" in unit else "link-only"
            where = f"frame {number} #{n} {kind}" + (f" fc {unit['app']['fc']}" if "app" in unit else
                                                    f" link fc {unit['link'].get('fc')}")
            theirs_headers = unit.get("app", {}).get("objects", [])
            head[0] += len(theirs_headers)
            if n >= len(mine_lines):
                frag[2].append(f"{where}: no normwatch line")
                for i, h in enumerate(theirs_headers):
                    head[2].append(f"{where} header {i} g{h['g']}v{h['v']}: no normwatch line")
                continue
            mine = mine_lines[n]
            diffs = compare_unit(unit, mine)
            if mine.get("malformed"):
                stats["malformed_lines_compared"] += 1
            if diffs:
                frag[2].append(f"{where}: " + ", ".join(diffs)
                               + (f" (normwatch malformed: {mine['malformed']})" if mine.get("malformed") else ""))
            else:
                frag[1] += 1
            agree, notes = compare_headers(theirs_headers, mine.get("app", {}).get("objects", []), where)
            if mine.get("malformed") and notes:
                notes = [f"{note} (normwatch malformed: {mine['malformed']})" for note in notes]
            head[1] += agree
            head[2] += notes
        for extra in mine_lines[len(units[number]):]:
            frag[2].append(f"frame {number}: normwatch-only line"
                           + (f" fc {extra['app'].get('fc')}" if "app" in extra else " link-only")
                           + (f" (normwatch malformed: {extra['malformed']})" if extra.get("malformed") else ""))
    for number, lines in ours.items():
        if number not in units:
            for extra in lines:
                frag[2].append(f"frame {number}: normwatch-only line"
                               + (f" fc {extra['app'].get('fc')}" if "app" in extra else " link-only")
                               + (f" (normwatch malformed: {extra['malformed']})" if extra.get("malformed") else ""))
    return frag, head


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    normwatch, shared = sys.argv[1], sys.argv[2]
    only = sys.argv[3] if len(sys.argv) > 3 else None  # a substring of the file names to compare
    if not tc.main_guard(shared):
        return 0
    fragments, headers = tc.Tally(), tc.Tally()
    stats = defaultdict(int)
    for row in tc.manifest_rows(shared):
        if int(row.get("pdu_dnp3_link") or 0) <= 0 or (only and only not in row["file"]):
            continue
        frag, head = compare_file(normwatch, row, stats)
        fragments.add(row["file"], frag[0], frag[1], frag[2])
        headers.add(row["file"], head[0], head[1], head[2])
    print("== DNP3 application fragments and link-only frames (tshark units) ==")
    rc_frag = fragments.report(THRESHOLD, EXPLAINED)
    print("\n== DNP3 object headers (tshark's dnp3.al.obj) ==")
    rc_head = headers.report(THRESHOLD, EXPLAINED)
    print(f"\nnormwatch lines marked malformed that were compared: {stats['malformed_lines_compared']}")
    print(f"tshark units in TCP retransmissions, decoded again by tshark and once by normwatch "
          f"(not counted above): {stats['retransmitted_units']} units, {stats['retransmitted_headers']} object headers")
    ok = rc_frag == 0 and rc_head == 0
    print(f"{1 if ok else 0} passed, {0 if ok else 1} failed (DNP3 conformance overall)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
