#!/usr/bin/env python3
"""The plant capture of the peer benchmark (issue 9 item 4), generated small by
`normwatch-capgen bench-plant --frames 20000 --flows 96`, holds what the benchmark says it measures:

- `normwatch replay --json`: flows_by_app names Modbus, DNP3 and IEC 60870-5-104 and at least three
  non-ICS protocols; no anomaly of any kind; the PDU counts equal those capgen reports.
- the capture itself (read here with a minimal pcap parser, independent of the sensor): 15-25% of
  the frames are non-ICS (neither end on port 502, 20000 or 2404), as capgen's summary line says;
  DNP3 link frames whose transport segment does not end the fragment (FIN clear) exist, i.e.
  fragments span several link frames.
- `normwatch decode`: every PDU line clean (no "malformed"); DNP3 responses whose objects take
  more than one link frame (> 249 bytes), reassembled into one line each; unsolicited responses
  (fc 130, UNS) and the master's confirms (fc 0, UNS); Modbus FC3, FC6 and FC16; IEC 104
  M_ME_NC_1, M_SP_NA_1, S-frames and C_SC_NA_1 select and execute with their confirmations.
- the same bytes again for the same arguments (determinism).

usage: bench_plant_test.py NORMWATCH CAPGEN [FRAMES [FLOWS]]
"""
import collections
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import itest  # noqa: E402
from itest import check  # noqa: E402

ICS_PORTS = {502, 20000, 2404}
# flows_by_app names ICS flows by the sensor's own parser names (nDPI's would be Modbus, DNP3, IEC60870).
ICS_APPS = {"Modbus": ("modbus",), "DNP3": ("dnp3",), "IEC 104": ("iec104", "iec60870")}
BACKGROUND_APPS = ("HTTP", "TLS", "SSH", "DNS", "NTP")
DNP3_MAX_SEGMENT_APP_BYTES = 249  # one link frame carries at most 249 bytes of application data


def generate(capgen, path, frames, flows):
    proc = itest.run(capgen, "bench-plant", "-o", path, "--frames", str(frames), "--flows", str(flows), timeout=120)
    if proc.returncode != 0:
        raise SystemExit(f"FAIL: capgen bench-plant: {proc.stderr}")
    counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", proc.stderr)}
    m = re.search(r"wrote (\d+) frames", proc.stderr)
    counts["frames_written"] = int(m.group(1))
    print(proc.stderr.strip())
    return counts


def pcap_frames(path):
    """Yields (src_port, dst_port, tcp_payload_or_None) of every Ethernet/IPv4 TCP or UDP frame."""
    with open(path, "rb") as fh:
        data = fh.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    assert magic == 0xA1B2C3D4, f"little-endian microsecond pcap expected, magic {magic:#x}"
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        eth_type = struct.unpack_from("!H", frame, 12)[0]
        if eth_type != 0x0800:
            yield None, None, None
            continue
        ihl = (frame[14] & 0x0F) * 4
        proto = frame[23]
        l4 = 14 + ihl
        sport, dport = struct.unpack_from("!HH", frame, l4)
        if proto == 6:
            doff = (frame[l4 + 12] >> 4) * 4
            yield sport, dport, frame[l4 + doff:]
        else:
            yield sport, dport, None


def main():
    normwatch, capgen = sys.argv[1], sys.argv[2]
    frames_wanted = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    # Few flows, so that each runs long enough to reach its writes, commands and unsolicited
    # reports (at the default 3072 flows a 20,000-frame capture is mostly handshakes).
    flows = int(sys.argv[4]) if len(sys.argv) > 4 else 96
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "plant.pcap")
        counts = generate(capgen, pcap, frames_wanted, flows)
        again = os.path.join(tmp, "plant-again.pcap")
        generate(capgen, again, frames_wanted, flows)
        with open(pcap, "rb") as a, open(again, "rb") as b:
            check(hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest(),
                  "same arguments, same bytes")
        check(counts["frames_written"] >= frames_wanted, f"at least {frames_wanted} frames written")

        # The capture, read independently of the sensor.
        total = non_ics = dnp3_not_final = dnp3_segments = 0
        for sport, dport, payload in pcap_frames(pcap):
            total += 1
            if sport not in ICS_PORTS and dport not in ICS_PORTS:
                non_ics += 1
            elif 20000 in (sport, dport) and payload and len(payload) > 10 and payload[0:2] == b"\x05\x64":
                dnp3_segments += 1
                if not payload[10] & 0x80:  # transport header FIN clear: more link frames follow
                    dnp3_not_final += 1
        share = non_ics / total
        check(0.15 <= share <= 0.25, f"non-ICS frames {non_ics}/{total} = {share:.1%} in 15-25%")
        check(non_ics == counts.get("background_frames"),
              f"capgen's background_frames {counts.get('background_frames')} == the capture's {non_ics}")
        check(dnp3_not_final > 0, f"DNP3 fragments spanning several link frames ({dnp3_not_final} of "
                                  f"{dnp3_segments} link frames are not the last of their fragment)")

        # The sensor's summary.
        proc = itest.run(normwatch, "replay", pcap, "--json", "--no-progress", timeout=180)
        check(proc.returncode == 0, f"replay exits 0 ({proc.returncode}) {proc.stderr[-500:]}")
        summary = json.loads(proc.stdout)
        apps = summary.get("flows_by_app", {})
        print("flows_by_app:", json.dumps(apps, sort_keys=True))
        for app, names in ICS_APPS.items():
            check(any(k.lower() in names for k in apps), f"flows_by_app has {app}")
        named = [a for a in BACKGROUND_APPS if any(k.lower() == a.lower() or k.lower().startswith(a.lower() + ".")
                                                   for k in apps)]
        check(len(named) >= 3, f"flows_by_app has several non-ICS protocols: {named}")
        check(not summary.get("anomalies"), f"no anomalies: {summary.get('anomalies')}")
        check(summary.get("frames") == total, f"sensor read every frame ({summary.get('frames')} of {total})")
        print("pdus:", json.dumps(summary.get("pdus", {}), sort_keys=True))

        # Decode lines.
        proc = itest.run(normwatch, "decode", pcap, timeout=180)
        check(proc.returncode == 0, f"decode exits 0 ({proc.returncode}) {proc.stderr[-500:]}")
        lines = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
        malformed = [l for l in lines if "malformed" in l]
        check(not malformed, f"no malformed PDU ({len(malformed)}; first: {malformed[:1]})")
        by_proto = collections.Counter(l["proto"] for l in lines)
        check(by_proto["modbus"] == counts["modbus_adus"],
              f"Modbus ADUs decoded {by_proto['modbus']} == written {counts['modbus_adus']}")
        check(by_proto["iec104"] == counts["iec104_apdus"],
              f"IEC 104 APDUs decoded {by_proto['iec104']} == written {counts['iec104_apdus']}")
        check(by_proto["dnp3"] == counts["dnp3_fragments"],
              f"DNP3 fragments decoded {by_proto['dnp3']} == written {counts['dnp3_fragments']}")

        modbus_fcs = collections.Counter(l["fc"] for l in lines if l["proto"] == "modbus")
        check(all(modbus_fcs[fc] > 0 for fc in (3, 6, 16)), f"Modbus FC3, FC6, FC16: {dict(modbus_fcs)}")

        dnp3 = [l["app"] for l in lines if l["proto"] == "dnp3" and "app" in l]
        big = [a for a in dnp3 if a["fc"] == 129 and _object_bytes(a) > DNP3_MAX_SEGMENT_APP_BYTES]
        check(len(big) > 0, f"DNP3 responses larger than one link frame, reassembled: {len(big)}")
        uns = [a for a in dnp3 if a["fc"] == 130 and a.get("uns")]
        confirms = [a for a in dnp3 if a["fc"] == 0 and a.get("uns")]
        check(len(uns) > 0 and len(confirms) == len(uns),
              f"DNP3 unsolicited responses {len(uns)}, each confirmed ({len(confirms)})")

        iec = [l for l in lines if l["proto"] == "iec104"]
        types = collections.Counter((l["asdu"]["type"], l["asdu"]["cot"]) for l in iec if l["apci"] == "I")
        print("iec104 (type, cot):", dict(types))
        check(types[(13, 3)] > 0 and types[(1, 3)] > 0, "IEC 104 spontaneous M_ME_NC_1 and M_SP_NA_1")
        check(types[(45, 6)] > 0 and types[(45, 7)] == types[(45, 6)] and types[(45, 10)] > 0,
              "IEC 104 C_SC_NA_1 activations, each confirmed, with terminations")
        check(any(l["apci"] == "S" for l in iec), "IEC 104 S-frames")

    if itest.failures:
        print(f"{len(itest.failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


def _object_bytes(app):
    """A lower bound of the fragment's size from its object headers (g1v2: 1 byte, g30v1: 5 bytes)."""
    sizes = {(1, 2): 1, (30, 1): 5}
    return sum(sizes.get((o["g"], o["v"]), 0) * o.get("count", 0) for o in app.get("objects", []))


if __name__ == "__main__":
    sys.exit(main())
