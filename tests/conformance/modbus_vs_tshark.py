#!/usr/bin/env python3
"""Compares `normwatch decode` with tshark 4.0, Modbus ADU by ADU, over every Modbus capture of
shared/captures (manifest rows with pdu_modbus_adu > 0, each read with its row's tshark_opts).
Issue 3 item 5; the denominator is tshark's Modbus/TCP ADUs, the target 99.5% agreement.

Each tshark ADU is keyed by (frame, transaction id, n-th ADU with that id in the frame) and must
have a normwatch line with the same key. An ADU agrees when every field both sides can state is
equal:
  unit id (mbtcp.unit_id), function code with the exception bit cleared (modbus.func_code),
  direction (tshark: sent from port 502 = response), exception code (modbus.exception_code),
  start address and quantity (modbus.reference_num, modbus.word_cnt / modbus.bit_cnt; FC23
  modbus.read_*/write_* against addr/qty/waddr/wqty), FC8 sub-function (modbus.diagnostic_code),
  FC43 MEI type (modbus.mei).
Fair comparison of responses: tshark prints reference_num/word_cnt/bit_cnt only for the fields a
PDU carries itself (FC5/6/15/16/22 echo them), while normwatch carries its paired request's
address and quantity on every response. So a response's addr/qty/sub is compared with
  - the response's own tshark fields when it has them, else
  - the fields of the request tshark paired it with (modbus.request_frame: that frame's ADU with
    the same transaction id), which checks normwatch's pairing against Wireshark's, else
  - nothing (tshark did not pair it: normwatch's inherited fields cannot be judged, and are
    counted as "not judged" in the report). Wireshark 4.0 never pairs exception responses, so
    their inherited fields are checked by the live test and the golden case instead.
A field tshark omits is not compared (tshark's Modbus dissector stops at the first field a
truncated PDU lacks, while normwatch reports the fields that are there). Frames with several ADUs
are read from tshark's PDML, where each ADU's fields stay together.
normwatch PDUs tshark has no ADU for are listed for information and do not count (e.g. tshark
does not dissect a segment it takes for a spurious retransmission because its ACK was captured
first, nor an exception PDU cut before its code, which it marks malformed without fields).

Every disagreement printed must match a key of EXPLAINED (a substring of "file: frame N tid T
..."), with the reason, verified by hand, why tshark and normwatch legitimately differ.

usage: modbus_vs_tshark.py NORMWATCH SHARED_CAPTURES_DIR [FILE_SUBSTRING]
(exits 0 with SKIP when the captures or tshark are absent)
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tshark_common as tc  # noqa: E402

THRESHOLD = 99.5

# tshark field -> name in this script. Per-ADU fields: their occurrence lists are aligned with
# mbtcp.trans_id only when a frame carries one ADU (see tshark_adus for the others).
FIELDS = {
    "mbtcp.trans_id": "tid",
    "mbtcp.unit_id": "unit",
    "modbus.func_code": "fc",
    "modbus.exception_code": "exception",
    "modbus.reference_num": "addr",
    "modbus.word_cnt": "word_cnt",
    "modbus.bit_cnt": "bit_cnt",
    "modbus.read_reference_num": "raddr",
    "modbus.read_word_cnt": "rqty",
    "modbus.write_reference_num": "waddr",
    "modbus.write_word_cnt": "wqty",
    "modbus.diagnostic_code": "diag",
    "modbus.mei": "mei",
    "modbus.request_frame": "request_frame",
}
FRAME_FIELDS = ["tcp.srcport", "tcp.dstport"]
MODBUS_PORT = "502"

_FUZZ72 = "zeek__zeek/testing__btest__Traces__modbus__fuzz-72.pcap"
_FUZZ72_WHY = (
    "Zeek fuzz trace: the connection's first payload (frame 1, from port 502, in a SYN+FIN+PSH+URG+ECE+CWR "
    "segment) is 6 zero bytes, an MBAP header with length 0, so normwatch's content probe refuses the flow "
    "as not Modbus (`normwatch replay` counts foreign_on_ics_port 1): deliberate, issue 3 item 3 'refuse "
    "non-Modbus payload on port 502' (zeek/zeek#3962), while Wireshark dissects any port-502 payload as "
    "Modbus. Its sequence numbers are garbage too (normwatch drops 30 segments as out of window, tshark "
    "flags 'ACKed unseen segment' / 'Previous segment not captured' on most of these frames)")
# tshark's ADUs in that flow: (frame, transaction id).
_FUZZ72_ADUS = [(3, 0), (5, 0), (6, 0), (9, 21504), (10, 0), (11, 0), (16, 0), (17, 0), (18, 0), (20, 0),
                (22, 0), (24, 0), (28, 37), (29, 0), (31, 0), (33, 0), (36, 0)]

EXPLAINED = {
    "zeek__zeek/testing__btest__Traces__modbus__fuzz-1011.pcap: frame 5 tid 12993: no normwatch PDU (tshark fc 4); "
    "normwatch has tid 12993 fc 4 at frame 6":
        "the request (FC4 addr 400 qty 100, with FIN) starts 139,660 bytes past the client's previous data "
        "(frame 1): normwatch holds it as out-of-order data, and delivers it after a gap when the flow "
        "expires, which it notices on the next frame, 6, 496 s later (replay: flows expired 1, "
        "out_of_order_segments 1). The decode line (same tid, unit, fc, addr, qty) names frame 6, the frame "
        "that released it; tshark dissects the segment at once. A stream-layer attribution of held data, not "
        "a Modbus difference",
}
EXPLAINED.update({f"{_FUZZ72}: frame {frame} tid {tid}: no normwatch PDU": _FUZZ72_WHY for frame, tid in _FUZZ72_ADUS})


def as_int(values):
    return int(values[0], 0) if values else None


def normalise(raw: dict) -> dict:
    """One tshark ADU as {name: int or None}, with the comparable keys of a decode line."""
    adu = {name: as_int(raw.get(field, [])) for field, name in FIELDS.items()}
    qty = adu.pop("word_cnt")
    bits = adu.pop("bit_cnt")
    adu["qty"] = qty if qty is not None else bits
    if adu["fc"] == 23:
        adu["addr"], adu["qty"] = adu.pop("raddr"), adu.pop("rqty")
    else:
        for k in ("raddr", "rqty", "waddr", "wqty"):
            adu.pop(k)
    diag, mei = adu.pop("diag"), adu.pop("mei")
    adu["sub"] = diag if adu["fc"] == 8 else mei if adu["fc"] == 43 else None
    return adu


def pdml_adus(path: str, frames: list, opts: list) -> dict:
    """frame -> ADUs, read from PDML, where each mbtcp proto element starts an ADU and the
    following modbus element belongs to it: used for frames holding several ADUs, whose -T fields
    occurrence lists cannot be aligned when a field is missing from some of them."""
    out = {}
    for i in range(0, len(frames), 200):
        chunk = frames[i:i + 200]
        cmd = ["tshark", "-n", "-r", path, "-Y", "frame.number in {" + ",".join(map(str, chunk)) + "}",
               "-T", "pdml"] + opts
        xml = subprocess.run(cmd, capture_output=True, text=True, timeout=1800).stdout
        for packet in ET.fromstring(xml).iter("packet"):
            number = None
            adus = []
            for proto in packet.findall("proto"):
                name = proto.get("name")
                if name == "frame":
                    number = int(next(f.get("show") for f in proto.iter("field") if f.get("name") == "frame.number"))
                if name not in ("mbtcp", "modbus"):
                    continue
                if name == "mbtcp":
                    adus.append({})
                if not adus:
                    continue
                for field in proto.iter("field"):
                    if field.get("name") in FIELDS and field.get("name") not in adus[-1]:
                        adus[-1][field.get("name")] = [field.get("show")]
            out[number] = [normalise(a) for a in adus]
    return out


def tshark_adus(path: str, opts: list) -> dict:
    """frame -> list of tshark's Modbus ADUs in that frame, in order, plus the frame's ports."""
    rows = tc.tshark_fields(path, "mbtcp", list(FIELDS) + FRAME_FIELDS, opts)
    by_frame = {}
    multi = []
    for row in rows:
        n = row["frame.number"]
        count = len(row["mbtcp.trans_id"])
        if count > 1:
            multi.append(n)
            by_frame[n] = None
        else:
            by_frame[n] = [normalise(row)]
        ports = (as_int(row["tcp.srcport"]), as_int(row["tcp.dstport"]))
        by_frame[n] = (by_frame[n], ports)
    if multi:
        pdml = pdml_adus(path, multi, opts)
        for n in multi:
            by_frame[n] = (pdml.get(n, []), by_frame[n][1])
    return by_frame


def expected_inherited(adu: dict, frames: dict) -> dict:
    """The request tshark paired a response with: its addr/qty/waddr/wqty/sub, or {}."""
    if adu["request_frame"] is None or adu["request_frame"] not in frames:
        return {}
    for request in frames[adu["request_frame"]][0] or []:
        if request["tid"] == adu["tid"] and request["unit"] == adu["unit"] and request["fc"] == adu["fc"]:
            return {k: request.get(k) for k in ("addr", "qty", "waddr", "wqty", "sub") if request.get(k) is not None}
    return {}


def compare_file(normwatch: str, row: dict, stats: dict) -> tuple:
    opts = tc.tshark_opts(row)
    frames = tshark_adus(row["path"], opts)
    # A file tshark reads without sequence analysis is one normwatch parses in capture order too.
    nw_args = ["--ignore-tcp-seq"] if "tcp.analyze_sequence_numbers:FALSE" in opts else []
    ours = tc.normwatch_decode(normwatch, row["path"], "modbus", nw_args)
    total = agree = 0
    notes = []
    extra = []  # normwatch PDUs with no tshark ADU of the same frame and tid
    for number in sorted(frames):
        adus, (sport, dport) = frames[number]
        seen = defaultdict(int)
        for adu in adus:
            total += 1
            nth = seen[adu["tid"]]
            seen[adu["tid"]] += 1
            candidates = [d for d in ours.get(number, []) if d.get("tid") == adu["tid"]]
            where = f"frame {number} tid {adu['tid']}"
            if nth >= len(candidates):
                later = next((n for n in range(number + 1, number + 11)
                              if any(d.get("tid") == adu["tid"] and d.get("fc") == adu["fc"] for d in ours.get(n, []))),
                             None)
                seen_later = f"; normwatch has tid {adu['tid']} fc {adu['fc']} at frame {later}" if later else ""
                notes.append(f"{where}: no normwatch PDU (tshark fc {adu['fc']}){seen_later}")
                continue
            mine = candidates[nth]
            diffs = []
            response = sport == int(MODBUS_PORT) and dport != int(MODBUS_PORT)
            if adu["unit"] is not None and mine.get("unit") != adu["unit"]:
                diffs.append(f"unit tshark={adu['unit']} normwatch={mine.get('unit')}")
            if adu["fc"] is not None and mine.get("fc") != adu["fc"]:
                diffs.append(f"fc tshark={adu['fc']} normwatch={mine.get('fc')}")
            if (sport == int(MODBUS_PORT)) != (dport == int(MODBUS_PORT)) and mine.get("response") != response:
                diffs.append(f"response tshark={response} normwatch={mine.get('response')}")
            stats["compared_exception"] += adu["exception"] is not None
            if mine.get("exception") != adu["exception"]:
                diffs.append(f"exception tshark={adu['exception']} normwatch={mine.get('exception')}")
            expected = {k: adu.get(k) for k in ("addr", "qty", "waddr", "wqty", "sub") if adu.get(k) is not None}
            if response:
                inherited = expected_inherited(adu, frames)
                for k, v in inherited.items():
                    expected.setdefault(k, v)
                if not inherited and any(k in mine for k in ("addr", "qty", "sub")):
                    stats["not_judged"] += 1
            for k, v in expected.items():
                stats["compared_" + k] += 1
                if mine.get(k) != v:
                    diffs.append(f"{k} tshark={v} normwatch={mine.get(k)}")
            if diffs:
                notes.append(f"{where}: " + ", ".join(diffs))
            else:
                agree += 1
        keys = defaultdict(int)
        for adu in adus:
            keys[adu["tid"]] += 1
        for d in ours.get(number, []):
            if keys[d.get("tid")] > 0:
                keys[d.get("tid")] -= 1
            else:
                extra.append(f"frame {d['frame']} tid {d.get('tid')} fc {d.get('fc')}")
    for number, lines in ours.items():
        if number not in frames:
            extra += [f"frame {d['frame']} tid {d.get('tid')} fc {d.get('fc')}" for d in lines]
    if extra:
        stats["normwatch_only"] += len(extra)
        stats["normwatch_only_list"] += [f"{row['file']}: {e}" for e in extra[:5]]
    return total, agree, notes


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    normwatch, shared = sys.argv[1], sys.argv[2]
    only = sys.argv[3] if len(sys.argv) > 3 else None  # a substring of the file names to compare
    if not tc.main_guard(shared):
        return 0
    tally = tc.Tally()
    stats = defaultdict(int)
    stats["normwatch_only_list"] = []
    expected_adus = 0
    for row in tc.manifest_rows(shared):
        if int(row.get("pdu_modbus_adu") or 0) <= 0 or (only and only not in row["file"]):
            continue
        expected_adus += int(row["pdu_modbus_adu"])
        total, agree, notes = compare_file(normwatch, row, stats)
        tally.add(row["file"], total, agree, notes)
    print(f"tshark Modbus ADUs compared: {tally.total} (manifest: {expected_adus})")
    print("fields compared: " + ", ".join(f"{k[len('compared_'):]} {v}" for k, v in sorted(stats.items())
                                           if k.startswith("compared_")))
    print(f"responses tshark did not pair (their inherited addr/qty/sub not judged): {stats['not_judged']}")
    print(f"normwatch PDUs tshark does not decode: {stats['normwatch_only']}")
    for e in stats["normwatch_only_list"]:
        print(f"  {e}")
    print()
    return tally.report(THRESHOLD, EXPLAINED)


if __name__ == "__main__":
    sys.exit(main())
