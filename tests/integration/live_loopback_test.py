#!/usr/bin/env python3
"""`normwatch live -i lo` sees real traffic: starts the sensor on the loopback interface with a BPF
filter, opens a TCP connection on 127.0.0.1 and exchanges a few messages, then checks the summary
(frames, one TCP stream, reassembled bytes, kernel counters). Skips with a message when this
machine does not allow capture. Usage: live_loopback_test.py NORMWATCH"""
import json
import socket
import subprocess
import sys
import threading
import time

PORT = 15020


def serve(listener, rounds):
    conn, _ = listener.accept()
    with conn:
        for _ in range(rounds):
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data[::-1])


def main():
    normwatch = sys.argv[1]
    sensor = subprocess.Popen([normwatch, "live", "-i", "lo", "--filter", f"tcp port {PORT}", "--duration", "4",
                               "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    if sensor.poll() is not None:
        err = sensor.stderr.read()
        if "permission" in err.lower() or "operation not permitted" in err.lower():
            print(f"SKIP: capture is not permitted here ({err.strip()})")
            return 0
        print(f"FAIL: sensor exited early: {err}")
        return 1
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", PORT))
    listener.listen(1)
    rounds = 5
    t = threading.Thread(target=serve, args=(listener, rounds))
    t.start()
    client = socket.create_connection(("127.0.0.1", PORT))
    sent = 0
    for i in range(rounds):
        msg = f"message {i} from the client".encode()
        client.sendall(msg)
        sent += len(msg)
        client.recv(1024)
    client.close()
    t.join()
    listener.close()
    out, err = sensor.communicate(timeout=30)
    summary = json.loads(out)
    failures = []
    if summary["frames"] < 10:
        failures.append(f"frames {summary['frames']} < 10")
    if summary["tcp_streams"] != 1:
        failures.append(f"tcp_streams {summary['tcp_streams']} != 1")
    if summary["reassembly"]["bytes"] != 2 * sent:
        failures.append(f"reassembled {summary['reassembly']['bytes']} != {2 * sent}")
    if "kernel_received" not in summary["capture"]:
        failures.append("no kernel counters in a live summary")
    for f in failures:
        print("FAIL:", f)
    print(f"{1 if not failures else 0} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
