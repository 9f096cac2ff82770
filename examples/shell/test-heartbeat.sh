#!/bin/sh
# test-heartbeat.sh: run heartbeat.sh unmodified against an emulated
# /sys/class/leds with a virtual clock, and compare the LED's brightness
# timeline with the one checked in. Exit 0 when it matches, 1 with a diff when
# it does not. Needs `ledfs` on PATH (npx ledfs, or node_modules/.bin).
set -e
here=$(cd "$(dirname "$0")" && pwd)
exec ledfs run --led status --clock virtual --expect "$here/heartbeat.expected.jsonl" -- \
  sh -c "BEATS=3 '$here/heartbeat.sh' && ledfs clock /sys/class/leds advance 5000 >/dev/null"
