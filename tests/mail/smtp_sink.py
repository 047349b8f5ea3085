#!/usr/bin/python3
# smtp_sink.py DIR PORT: an SMTP relay for the tests (Debian's python3-aiosmtpd). Each message it
# accepts is written whole to DIR/msg-NNNN.eml (written, then renamed: a test never reads half
# of one). DIR/control, read at every command, changes how it answers, one word a line:
#   refuse ADDRESS   RCPT TO that address gets 550 (a mailbox that does not exist)
#   tempfail         every RCPT TO gets 451 (try again later)
#   hang             the message is taken (written to DIR as usual) but the 250 is held back
#                    until "hang" leaves the control file (or the client goes away); DIR/hanging
#                    says it is holding one
# DIR/ready appears once it listens. Stops on SIGTERM.
import asyncio
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller

DIR, PORT = sys.argv[1], int(sys.argv[2])
count = len([n for n in os.listdir(DIR) if n.startswith("msg-") and n.endswith(".eml")])  # a restart goes on
lock = threading.Lock()


def control():
    try:
        with open(os.path.join(DIR, "control")) as f:
            return [line.split() for line in f if line.strip()]
    except FileNotFoundError:
        return []


class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for words in control():
            if words[0] == "refuse" and len(words) > 1 and words[1].lower() == address.lower():
                return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
            if words[0] == "tempfail":
                return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        global count
        with lock:
            count += 1
            n = count
        path = os.path.join(DIR, "msg-%04d.eml" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        if any(w[0] == "hang" for w in control()):
            open(os.path.join(DIR, "hanging"), "w").close()
            try:
                while any(w[0] == "hang" for w in control()):
                    await asyncio.sleep(0.05)
            finally:  # also when the client went away (the session is cancelled)
                os.unlink(os.path.join(DIR, "hanging"))
        return "250 2.0.0 Ok: queued as %04d" % n


def main():
    c = Controller(Sink(), hostname="127.0.0.1", port=PORT)
    c.start()
    open(os.path.join(DIR, "ready"), "w").close()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    done.wait()
    c.stop()


if __name__ == "__main__":
    main()
