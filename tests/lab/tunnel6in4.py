#!/usr/bin/env python3
"""One end of a 6in4 tunnel (IPv6 in IPv4, IP protocol 41) for the v6watch lab (lab.sh).

Why userspace: the lab's kernel has no sit, ip6tnl, gre or wireguard modules, so the tunnel
is a TUN device and a raw IPv4 socket joined by this loop (stdlib only). On the wire it is
plain 6in4, as a tunnel broker sends it: an IPv4 header (protocol 41) and the IPv6 packet.

    tunnel6in4.py --dev tun6in4 --local 198.51.100.41 --peer 198.51.100.42

An IPv6 packet read from the TUN device is sent to the peer in an IPv4 packet of protocol 41;
a protocol-41 packet from the peer (and from nobody else) loses its IPv4 header and is written
to the TUN device. lab.sh creates the TUN device persistent (`ip tuntap add`), so its
addresses, MTU and routes survive this program being stopped: with no reader, the kernel
drops what is routed into it (`lab.sh tunnel-stop`), until the program attaches again.
"""

import argparse
import fcntl
import os
import select
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
IPPROTO_IPV6 = 41  # the protocol number of IPv6 encapsulated in IPv4


def log(*args):
    print("tunnel6in4:", *args, file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dev", default="tun6in4", help="TUN interface name")
    p.add_argument("--local", help="own IPv4 address (source of the outer packets)")
    p.add_argument("--peer", required=True, help="IPv4 address of the other end")
    a = p.parse_args()
    peer = socket.inet_aton(a.peer)

    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", a.dev.encode(), IFF_TUN | IFF_NO_PI))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_IPV6)
    if a.local:
        raw.bind((a.local, 0))
    log(f"up: {a.dev} <-> {a.peer} (local {a.local or 'any'})")

    while True:
        ready, _, _ = select.select([tun, raw], [], [])
        if tun in ready:
            packet = os.read(tun, 65535)
            if packet and packet[0] >> 4 == 6:
                try:
                    raw.sendto(packet, (a.peer, 0))
                except OSError as e:  # e.g. no ARP answer yet: a lost packet, as on a wire
                    log(f"send to {a.peer}: {e}")
        if raw in ready:
            data = raw.recv(65535)  # the kernel has reassembled IPv4 fragments
            if len(data) < 20 or data[12:16] != peer:
                continue
            inner = data[(data[0] & 0x0F) * 4:]
            if inner and inner[0] >> 4 == 6:
                try:
                    os.write(tun, inner)
                except OSError as e:
                    log(f"write to {a.dev}: {e}")


if __name__ == "__main__":
    main()
