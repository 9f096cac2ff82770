"""LED code in Python: blink an LED with the kernel's pattern trigger.

    python3 blink.py LED ON_MS OFF_MS [TIMES]

LED is a name under /sys/class/leds (or a directory). TIMES -1 (the default)
blinks for ever.
"""
import os
import sys

LEDS = "/sys/class/leds"


def write(led_dir, attr, value):
    with open(os.path.join(led_dir, attr), "w") as f:
        f.write(value)


def blink(led, on_ms, off_ms, times=-1):
    led_dir = led if os.sep in led else os.path.join(LEDS, led)
    with open(os.path.join(led_dir, "max_brightness")) as f:
        top = int(f.read())
    write(led_dir, "trigger", "pattern")
    # Steps, not ramps: every brightness is followed by a zero-length tuple of the same value.
    write(led_dir, "pattern", f"{top} {on_ms} {top} 0 0 {off_ms} 0 0")
    write(led_dir, "repeat", str(times))


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    blink(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) == 5 else -1)
