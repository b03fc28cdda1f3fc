#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A point-to-point IPv4 link with a fixed one-way delay between two network
# namespaces, for tests that need a known round-trip time where the kernel
# has no netem: a tun device in each namespace, and this process between
# them, which writes what one reads into the other DELAY_MS later in the
# direction from the first namespace to the second, at once the other way.
#
#	tundelay.py NS_A ADDR_A NS_B ADDR_B DELAY_MS
#
# Prints "ready" once both ends are up; runs until killed.
import ctypes
import fcntl
import heapq
import os
import select
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        sys.exit(f"tundelay: setns {ns}: {os.strerror(ctypes.get_errno())}")
    os.close(fd)


def tun(ns, name):
    enter(ns)
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def up(ns, name, addr, peer):
    for cmd in (["addr", "add", f"{addr}/32", "peer", f"{peer}/32", "dev", name],
                ["link", "set", name, "up"]):
        subprocess.run(["ip", "-n", ns] + cmd, check=True)


def main():
    ns_a, addr_a, ns_b, addr_b, delay_ms = sys.argv[1:6]
    delay = float(delay_ms) / 1000
    fa = tun(ns_a, "sondetun0")
    fb = tun(ns_b, "sondetun0")
    up(ns_a, "sondetun0", addr_a, addr_b)
    up(ns_b, "sondetun0", addr_b, addr_a)
    print("ready", flush=True)
    due = []  # (time, sequence, fd, packet)
    seq = 0
    while True:
        timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
        ready, _, _ = select.select([fa, fb], [], [], timeout)
        for fd in ready:
            try:
                pkt = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if fd == fa:
                seq += 1
                heapq.heappush(due, (time.monotonic() + delay, seq, fb, pkt))
            else:
                os.write(fa, pkt)
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, fd, pkt = heapq.heappop(due)
            os.write(fd, pkt)


main()
