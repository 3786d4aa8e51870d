#!/usr/bin/env python3
"""Compares `normwatch decode` with tshark, APDU by APDU, for IEC 60870-5-104.

usage: iec104_vs_tshark.py NORMWATCH SHARED_CAPTURES_DIR CATALOGUE_PCAP

Section 1: every IEC 104 file of SHARED_CAPTURES_DIR (manifest rows with pdu_iec104_apci > 0).
Section 2: the project's own catalogue capture (captures/iec104/), which needs only tshark.
APDUs are keyed on (frame number, position within the frame). An APDU agrees when
iec60870_104.type/.utype/.tx/.rx match the decode line's apci/u/tx/rx; an ASDU (I-format) agrees
when iec60870_asdu.typeid/.causetx/.nega/.test/.oa/.addr/.ioa(list)/.numix/.sq match
asdu.type/cot/neg/test/oa/ca/ioa/num/sq.

tshark's `-T fields` output flattens every occurrence in a frame into one list, so fields cannot
be told apart once a frame holds several APDUs of different formats (utype only exists for U,
tx for I...). The tshark side is therefore read from PDML, where each APDU is its own
`iec60870_104` element followed, for I-format, by its `iec60870_asdu` element.

Files whose tshark counts in the manifest were taken with `-o tcp.analyze_sequence_numbers:FALSE`
(the alt_counts column: synthetic captures with constant TCP sequence numbers) are read by tshark
with that option and by normwatch with --ignore-tcp-seq.

Exit status 0 when every section reaches its threshold with every disagreement explained, or when
tshark is absent (SKIP); section 1 alone is skipped when the shared captures are absent.
"""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_common import Tally, manifest_rows, normwatch_decode, skip_reason, tshark_opts  # noqa: E402

THRESHOLD_SHARED = 99.5
THRESHOLD_CATALOGUE = 100.0

SEQ_OFF = "tcp.analyze_sequence_numbers:FALSE"
U_NAMES = {0x01: "STARTDT_ACT", 0x02: "STARTDT_CON", 0x04: "STOPDT_ACT", 0x08: "STOPDT_CON",
           0x10: "TESTFR_ACT", 0x20: "TESTFR_CON"}
APCI_NAMES = {0: "I", 1: "S", 3: "U"}

# Every disagreement must match one entry (a substring of the disagreement line) saying why
# tshark and normwatch legitimately differ, after the behaviour was checked in tshark's output.
_NOISE = "ntop__nDPI/tests__cfgs__default__pcap__iec60780-5-104.pcap: frame "
_NOISE_I = ("Wireshark's own resynchronisation test (TestDissectIec104.pcap): runs of filler octets, then "
            "68 LL and filler; tshark takes the first 0x68 after the noise as an APDU whose control octets "
            "are filler (I-format, tx = rx = filler/2) and whose ASDU is empty or cut short (tshark: "
            "Malformed). normwatch resynchronises strictly after bad bytes (104 §5.1, issue 5 item 1): an "
            "I-frame is believed only if its ASDU parses, so these bytes are skipped (one iec104.bad_start "
            "anomaly per episode, 'skipped N bytes before resynchronising') and no PDU is reported")
EXPLAINED = {
    _NOISE + "25 apdu 0": _NOISE_I + " (control 16 16 16 16, ASDU of 0 octets)",
    _NOISE + "41 apdu 0": _NOISE_I + " (control 18 18 18 18, ASDU of 2 octets)",
    _NOISE + "58 apdu 0": _NOISE_I + " (control 18 18 18 18, ASDU of 2 octets, cut across 2 segments)",
    _NOISE + "83 apdu 0": _NOISE_I + " (control 1a 1a 1a 1a, ASDU of 4 octets)",
    _NOISE + "96 apdu 0": _NOISE_I + " (control 1a 1a 1a 1a, ASDU of 4 octets, cut across 2 segments)",
    _NOISE + "36 apdu 0":
        "same test: 07x7 68 05 17 17 17 17 17: tshark decodes a U-format APCI of length 5 whose function "
        "octet 0x17 sets two function bits (tshark: 'U (<ERR>)'); a U-frame has length 4 and one function "
        "(104 §5.3), so normwatch's strict resync skips it with the noise around it",
    _NOISE + "71 apdu 0":
        "same test: 09x9 68 06 19 19 19 19 19 19: tshark decodes an S-format APCI (control 19 19 ..., "
        "rx 3212) of length 6 with reserved control bits set; an S-frame has length 4 and control 01 00 "
        "(104 §5.2), so normwatch's strict resync skips it with the noise around it",
    _NOISE + "75 apdu 0": "same test and same bytes as frame 71 (S-format of length 6 inside noise), "
                          "skipped by the strict resync",
}

# tshark 4.0 decodes the objects of a type only for the type ids in its element table; for the
# others (protection events 17-19 and 38-40, M_PS_NA_1, C_RD_NA_1, 101-only commands 104 and 106,
# P_AC_NA_1, file transfer 120-127) it shows the first IOA and the rest as raw "ASDU data" (the
# default branch of dissect_iec60870_asdu in packet-iec104.c; seen on the catalogue for 17, 20, 38
# and 126, the ones it writes with several objects: `IOA[3]=20000,...` in the Info column, one
# iec60870_asdu.ioa field). For those ASDUs the IOA list is compared on the first object only, and
# each such ASDU is listed.
TSHARK_FIRST_IOA_ONLY = {17, 18, 19, 20, 38, 39, 40, 102, 104, 106, 113} | set(range(120, 128))

# What the catalogue must cover (checked on tshark's decode of it, so the generator is judged by an
# independent reader): every type id of IEC 60870-5-101/104 used in 104, SQ=1 where allowed, and
# every cause of transmission 1-13, 20-41, 44-47.
CATALOGUE_TYPES = ([1, 3, 5, 7, 9, 11, 13, 15, 20, 21] + list(range(30, 41)) + list(range(45, 52))
                   + list(range(58, 65)) + [70] + list(range(100, 108)) + list(range(110, 114))
                   + list(range(120, 128)))
CATALOGUE_SQ1_TYPES = [1, 3, 5, 7, 9, 11, 13, 15, 20, 21, 126]
CATALOGUE_CAUSES = list(range(1, 14)) + list(range(20, 42)) + list(range(44, 48))


def field_int(text: str) -> int:
    return int(text, 16) if text.startswith("0x") else int(text)


def tshark_apdus(path: str, opts: list) -> tuple:
    """(frame, position) -> APDU dict from tshark's PDML, I-format ones with an 'asdu' dict (when
    tshark decoded a type id), like the manifest counts them; and the frames of APCIs without a
    control field."""
    cmd = ["tshark", "-n", "-r", path, "-Y", "iec60870_104", "-T", "pdml"] + opts
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    apdus = {}
    not_apdus = []
    for _, packet in ET.iterparse(proc.stdout, events=("end",)):
        if packet.tag != "packet":
            continue
        frame = None
        position = 0
        last = None
        for proto in packet.findall("proto"):
            name = proto.get("name")
            if name == "geninfo":
                frame = int(proto.find("field[@name='num']").get("show"))
            elif name == "iec60870_104":
                last = {"apci": None}
                for f in proto.iter("field"):
                    n, show = f.get("name"), f.get("show")
                    if n == "iec60870_104.type":
                        last["apci"] = APCI_NAMES.get(field_int(show), show)
                    elif n == "iec60870_104.utype":
                        last["u"] = U_NAMES.get(field_int(show), show)
                    elif n == "iec60870_104.tx":
                        last["tx"] = int(show)
                    elif n == "iec60870_104.rx":
                        last["rx"] = int(show)
                if last["apci"] is None:
                    # An APCI whose length octet is below 4 (104 §5.1): tshark shows START and
                    # ApduLen only, no control field. Not an APDU; kept aside for the report.
                    not_apdus.append(frame)
                    last = None
                    continue
                apdus[(frame, position)] = last
                position += 1
            elif name == "iec60870_asdu" and last is not None and "asdu" not in last:
                if proto.find("field[@name='iec60870_asdu.typeid']") is None:
                    continue  # an I-format APDU with no ASDU octets at all (tshark: malformed)
                asdu = {"ioa": []}
                keys = {"iec60870_asdu.typeid": "type", "iec60870_asdu.causetx": "cot", "iec60870_asdu.oa": "oa",
                        "iec60870_asdu.addr": "ca", "iec60870_asdu.numix": "num"}
                flags = {"iec60870_asdu.nega": "neg", "iec60870_asdu.test": "test", "iec60870_asdu.sq": "sq"}
                for f in proto.iter("field"):
                    n, show = f.get("name"), f.get("show")
                    if n in keys and keys[n] not in asdu:
                        asdu[keys[n]] = int(show)
                    elif n in flags and flags[n] not in asdu:
                        asdu[flags[n]] = show in ("1", "True")
                    elif n == "iec60870_asdu.ioa":
                        asdu["ioa"].append(int(show))
                last["asdu"] = asdu
        packet.clear()
    proc.wait()
    return apdus, not_apdus


def normwatch_apdus(normwatch: str, path: str, extra_args: list) -> dict:
    out = {}
    for frame, lines in normwatch_decode(normwatch, path, "iec104", extra_args).items():
        for position, line in enumerate(lines):
            out[(frame, position)] = line
    return out


def compare_apdu(t: dict, n: dict) -> list:
    diffs = []
    for key in ("apci", "u", "tx", "rx"):
        if t.get(key) != n.get(key):
            diffs.append(f"{key} tshark={t.get(key)} normwatch={n.get(key)}")
    return diffs


def first_ioa_only(t: dict, n: dict) -> bool:
    """tshark listed only the first IOA of a type it does not decode, and normwatch agrees on it."""
    ours = n.get("ioa", [])
    return (t.get("type") in TSHARK_FIRST_IOA_ONLY and len(t["ioa"]) == 1 and (t.get("num") or 0) > 1
            and len(ours) == t.get("num") and ours[:1] == t["ioa"])


def compare_asdu(t: dict, n: dict, limited: list, where: str) -> list:
    if n is None:
        return ["asdu missing in normwatch"]
    diffs = []
    for key in ("type", "cot", "neg", "test", "oa", "ca", "num", "sq"):
        if t.get(key) != n.get(key):
            diffs.append(f"{key} tshark={t.get(key)} normwatch={n.get(key)}")
    ours = n.get("ioa", [])
    if t["ioa"] != ours:
        if first_ioa_only(t, n):
            limited.append(f"{where}: type {t['type']} num {t['num']}: tshark ioa={t['ioa']}, normwatch ioa={ours}")
        else:
            diffs.append(f"ioa tshark={t['ioa']} normwatch={ours} (type {t.get('type')}, num {t.get('num')})")
    return diffs


def compare_file(name: str, tshark: dict, normwatch: dict, apdu_tally: Tally, asdu_tally: Tally,
                 limited: list) -> None:
    apdu_agree, asdu_total, asdu_agree = 0, 0, 0
    apdu_notes, asdu_notes = [], []
    for key in sorted(tshark):
        t = tshark[key]
        n = normwatch.get(key)
        where = f"frame {key[0]} apdu {key[1]}"
        if n is None:
            apdu_notes.append(f"{where}: {t.get('apci')}-format APDU missing in normwatch")
            if "asdu" in t:
                asdu_total += 1
                asdu_notes.append(f"{where}: ASDU type {t['asdu'].get('type')} missing in normwatch")
            continue
        diffs = compare_apdu(t, n)
        if diffs:
            apdu_notes.append(f"{where}: " + "; ".join(diffs))
        else:
            apdu_agree += 1
        if "asdu" in t:
            asdu_total += 1
            adiffs = compare_asdu(t["asdu"], n.get("asdu"), limited, f"{name}: {where}")
            if adiffs:
                asdu_notes.append(f"{where}: " + "; ".join(adiffs))
            else:
                asdu_agree += 1
    extra = sorted(set(normwatch) - set(tshark))
    for key in extra:
        apdu_notes.append(f"frame {key[0]} apdu {key[1]}: normwatch-only APDU "
                          f"{normwatch[key].get('apci')} {normwatch[key].get('malformed', '')}".rstrip())
    apdu_tally.add(name, len(tshark), apdu_agree, apdu_notes)
    asdu_tally.add(name, asdu_total, asdu_agree, asdu_notes)


def manifest_counts(row: dict):
    """tshark options and the APDU/ASDU counts the manifest recorded with them."""
    opts = tshark_opts(row)
    apci, asdu = int(row["pdu_iec104_apci"]), int(row["pdu_iec104_asdu"])
    m = re.match(r"with (.+?): (.*)", row.get("alt_counts", "").strip())
    if m:
        opts = opts + m.group(1).split()
        counts = dict(kv.split("=") for kv in m.group(2).split())
        apci, asdu = int(counts["apci"]), int(counts["asdu"])
    return opts, apci, asdu


def print_aside(not_apdus: list, limited: list) -> None:
    for frame_note in not_apdus:
        print(f"  not an APDU, not counted (tshark shows START and ApduLen < 4 only; normwatch skips it while "
              f"resynchronising): {frame_note}")
    for note in limited:
        print(f"  IOA compared on the first object only (tshark 4.0 lists one IOA for this type): {note}")


def section_shared(normwatch: str, shared: str) -> int:
    print(f"== Section 1: IEC 104 files of {shared}")
    apdu_tally, asdu_tally = Tally(), Tally()
    count_problems, not_apdus, limited = [], [], []
    for row in manifest_rows(shared):
        if int(row.get("pdu_iec104_apci") or 0) <= 0:
            continue
        opts, want_apci, want_asdu = manifest_counts(row)
        extra = ["--ignore-tcp-seq"] if any(SEQ_OFF in o for o in opts) else []
        tshark, typeless = tshark_apdus(row["path"], opts)
        not_apdus += [f"{row['file']}: frame {f}" for f in typeless]
        seen_asdu = sum(1 for a in tshark.values() if "asdu" in a)
        if (len(tshark), seen_asdu) != (want_apci, want_asdu):
            count_problems.append(f"{row['file']}: tshark gave {len(tshark)} APDUs / {seen_asdu} ASDUs, "
                                  f"manifest says {want_apci} / {want_asdu}")
        compare_file(row["file"], tshark, normwatch_apdus(normwatch, row["path"], extra), apdu_tally, asdu_tally,
                     limited)
    for p in count_problems:
        print(f"  manifest count mismatch: {p}")
    print_aside(not_apdus, limited)
    print("\n-- APDUs (APCI: type, utype, tx, rx)")
    status = apdu_tally.report(THRESHOLD_SHARED, EXPLAINED)
    print("\n-- ASDUs (typeid, causetx, nega, test, oa, addr, ioa list, numix, sq)")
    status |= asdu_tally.report(THRESHOLD_SHARED, EXPLAINED)
    return status | (1 if count_problems else 0)


def coverage_problems(tshark: dict) -> list:
    asdus = [a["asdu"] for a in tshark.values() if "asdu" in a]
    types = {a["type"] for a in asdus}
    sq1 = {a["type"] for a in asdus if a["sq"]}
    causes = {a["cot"] for a in asdus}
    problems = [f"type {t} missing" for t in CATALOGUE_TYPES if t not in types]
    problems += [f"type {t} never with SQ=1" for t in CATALOGUE_SQ1_TYPES if t not in sq1]
    problems += [f"cause {c} missing" for c in CATALOGUE_CAUSES if c not in causes]
    if not any(a["neg"] for a in asdus):
        problems.append("no ASDU with P/N = 1")
    if not any(a["test"] for a in asdus):
        problems.append("no ASDU with T = 1")
    u = {a.get("u") for a in tshark.values() if a.get("apci") == "U"}
    problems += [f"U-format {name} missing" for name in U_NAMES.values() if name not in u]
    if not any(a.get("apci") == "S" for a in tshark.values()):
        problems.append("no S-format APDU")
    return problems


def section_catalogue(normwatch: str, catalogue: str) -> int:
    print(f"\n== Section 2: the project's catalogue capture {catalogue}")
    if not os.path.isfile(catalogue):
        print(f"FAIL: {catalogue} is missing (captures/make-captures.sh writes it)")
        return 1
    tshark, typeless = tshark_apdus(catalogue, [])
    asdus = [a["asdu"] for a in tshark.values() if "asdu" in a]
    pairs = sorted({(a["type"], a["cot"]) for a in asdus})
    print(f"coverage: {len(tshark)} APDUs, {len(asdus)} ASDUs, {len({t for t, _ in pairs})} type ids, "
          f"{len({c for _, c in pairs})} causes, {len(pairs)} (type id, cause) pairs")
    problems = coverage_problems(tshark)
    for p in problems:
        print(f"  coverage: {p}")
    apdu_tally, asdu_tally, limited = Tally(), Tally(), []
    compare_file(os.path.basename(catalogue), tshark, normwatch_apdus(normwatch, catalogue, []), apdu_tally,
                 asdu_tally, limited)
    print_aside([f"frame {f}" for f in typeless], limited)
    if typeless:
        problems.append("the catalogue must not hold APCIs without a control field")
    print("\n-- APDUs")
    status = apdu_tally.report(THRESHOLD_CATALOGUE, EXPLAINED)
    print("\n-- ASDUs")
    status |= asdu_tally.report(THRESHOLD_CATALOGUE, EXPLAINED)
    return status | (1 if problems else 0)


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    normwatch, shared, catalogue = sys.argv[1:]
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed (deploy/install-deps.sh installs it)")
        return 0
    status = 0
    reason = skip_reason(shared)
    if reason:
        print(f"SKIP section 1: {reason}")
    else:
        status |= section_shared(normwatch, shared)
    status |= section_catalogue(normwatch, catalogue)
    print(f"\niec104_vs_tshark: {'PASS' if status == 0 else 'FAIL'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
