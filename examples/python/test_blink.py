"""pytest around `ledfs run`: blink.py runs unmodified against an emulated
/sys/class/leds with a virtual clock; the test asserts on the recorded
brightness timeline. Needs `ledfs` on PATH and FUSE (root, or a user allowed
to use /dev/fuse and user namespaces)."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_blink(tmp_path, on_ms, off_ms, times):
    trace = tmp_path / "timeline.jsonl"
    script = (f"'{sys.executable}' '{HERE}/blink.py' status {on_ms} {off_ms} {times}"
              " && ledfs clock /sys/class/leds advance 5000 >/dev/null")
    subprocess.run(["ledfs", "run", "--led", "status", "--clock", "virtual",
                    "--trace", str(trace), "--", "sh", "-c", script], check=True)
    events = [json.loads(line) for line in trace.read_text().splitlines() if line]
    return [(e["t"] - events[0]["t"], e["brightness"]) for e in events]


def test_blinks_three_times(tmp_path):
    events = run_blink(tmp_path, 200, 300, 3)
    assert [b for _, b in events] == [255, 0] * 3


def test_on_and_off_times_on_the_jiffy_grid(tmp_path):
    events = run_blink(tmp_path, 200, 300, 2)
    times = [t for t, _ in events]
    # HZ=250: a 200 ms step lasts 51 jiffies (204 ms), a 300 ms one 76 (304 ms).
    assert [b - a for a, b in zip(times, times[1:])] == [204, 304, 204]
