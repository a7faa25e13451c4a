"""moto in server mode on a free loopback port, for tests and benchmarks.

Prints the port on the first line of stdout once the server accepts
connections, then serves until its stdin closes, so the server never outlives
the process that started it (even when that process is killed).
"""

import sys

from moto.server import ThreadedMotoServer


def main() -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
