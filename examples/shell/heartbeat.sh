#!/bin/sh
# heartbeat.sh: make an LED beat like a heart (two quick pulses, a pause)
# with the kernel's pattern trigger. LED defaults to /sys/class/leds/status.
set -e
LED=${LED:-/sys/class/leds/status}
echo pattern > "$LED/trigger"
max=$(cat "$LED/max_brightness")
# on 100 ms, off 100 ms, on 100 ms, off 700 ms: steps, so each brightness is
# followed by a zero-duration tuple of the same value
echo "$max 100 $max 0 0 100 0 0 $max 100 $max 0 0 700 0 0" > "$LED/pattern"
echo "${BEATS:--1}" > "$LED/repeat"
