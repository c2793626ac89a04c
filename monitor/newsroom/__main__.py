"""Run the newsroom in the foreground: python -m monitor.newsroom [--port N] [--scale N] [--timeout-delay S]."""

from __future__ import annotations

import argparse

from monitor.newsroom.server import serve_forever


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m monitor.newsroom", description=__doc__)
    parser.add_argument("--port", type=int, default=8642, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--scale", type=int, default=0, help="generated articles to add (benchmark)")
    parser.add_argument("--timeout-delay", type=float, default=5.0, help="seconds the timeout fault sleeps")
    args = parser.parse_args()
    serve_forever(args.port, scale=args.scale, timeout_delay=args.timeout_delay)


if __name__ == "__main__":
    main()
