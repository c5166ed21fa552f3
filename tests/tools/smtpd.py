#!/usr/bin/python3
"""smtpd.py - a small SMTP server for the mail tests (aiosmtpd, loopback only).

    smtpd.py --dir DIR --port-file FILE [--mode accept|tempfail|reject]
             [--tempfail N] [--lifetime SECONDS]
             [--tls starttls|implicit --cert PEM --key PEM]

Listens on 127.0.0.1 on a free port chosen by the system and writes that port
to FILE (written whole, then renamed, so a reader never sees half of it).
Modes:
  accept    every message is saved as DIR/NNN.eml (the bytes received) with
            DIR/NNN.json (mail_from, rcpt_tos)
  tempfail  answers 451 to the first N DATA (--tempfail, default 1), then
            accepts as above
  reject    answers 550 to every RCPT TO
--tls starttls offers STARTTLS and refuses mail before it (530); --tls
implicit speaks TLS from the first byte (smtps). Every reply is also logged to
DIR/log. The server exits by itself after
--lifetime seconds (default 60), so a test that dies never leaves it behind.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, folder, mode, tempfail):
        self.folder = folder
        self.mode = mode
        self.tempfail = tempfail
        self.count = 0

    def log(self, line):
        with open(os.path.join(self.folder, "log"), "a", encoding="utf-8") as f:
            f.write(line + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject":
            self.log(f"550 RCPT {address}")
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # STARTTLS sets session.ssl; smtps is TLS from the first byte
        tls = session.ssl or server.transport.get_extra_info("ssl_object")
        self.log("DATA over TLS" if tls else "DATA in clear")
        if self.mode == "tempfail" and self.tempfail > 0:
            self.tempfail -= 1
            self.log("451 DATA")
            return "451 4.3.0 try again later"
        self.count += 1
        base = os.path.join(self.folder, "%03d" % self.count)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.content)
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".tmp", base + ".eml")
        self.log(f"250 DATA {base}.eml")
        return "250 2.0.0 OK queued"


async def serve(args):
    handler = Handler(args.dir, args.mode, args.tempfail)
    loop = asyncio.get_running_loop()
    ctx = None
    if args.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.cert, args.key)
    starttls = args.tls == "starttls"
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="csmreport-test", ident="csmreport test smtpd",
                     tls_context=ctx if starttls else None, require_starttls=starttls),
        host="127.0.0.1", port=0, ssl=ctx if args.tls == "implicit" else None)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)
    try:
        await asyncio.sleep(args.lifetime)
    finally:
        server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--mode", choices=["accept", "tempfail", "reject"], default="accept")
    p.add_argument("--tempfail", type=int, default=1)
    p.add_argument("--lifetime", type=float, default=60.0)
    p.add_argument("--tls", choices=["starttls", "implicit"])
    p.add_argument("--cert")
    p.add_argument("--key")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
