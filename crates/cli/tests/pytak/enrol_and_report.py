"""Enrols for a client certificate with pytak's own TAK enrolment, then
reports one unit's positions over Cursor-on-Target by that certificate
alone, as a stock TAK client does, and prints what the service sends back.

usage: enrol_and_report.py COT_TLS_URL ENROLMENT_PORT USER TOKEN UID LAT,LON [...]

COT_TLS_URL names the host as `localhost`. pytak enrols at the host's port
8446, TAK's; the service under test listens on a port of its own
(ENROLMENT_PORT), so the one thing this script changes is where that
address resolves to. The events carry no token. Every event received is
printed to stdout, one per line, until a second after the last report.
"""

import asyncio
import socket
import sys
import warnings
import xml.etree.ElementTree as ET
from configparser import ConfigParser

warnings.simplefilter("ignore")
import aiohttp  # noqa: E402
import pytak  # noqa: E402

TAK_ENROLMENT_PORT = 8446


class ToPort(aiohttp.abc.AbstractResolver):
    """Resolves as the system does, but TAK's enrolment port to `port`."""

    def __init__(self, port):
        self.port = port
        self.system = aiohttp.ThreadedResolver()

    async def resolve(self, host, port=0, family=socket.AF_INET):
        if port == TAK_ENROLMENT_PORT:
            port = self.port
        return await self.system.resolve(host, port, socket.AF_INET)

    async def close(self):
        await self.system.close()


def enrol_at(port):
    """Points every aiohttp connection pytak makes at the enrolment port."""
    connector = aiohttp.TCPConnector

    def make(*args, **kwargs):
        kwargs["resolver"] = ToPort(port)
        return connector(*args, **kwargs)

    aiohttp.TCPConnector = make


class Done(Exception):
    """Every position is on the wire and the answers are read."""


class Positions(pytak.QueueWorker):
    def __init__(self, queue, config, uid, points):
        super().__init__(queue, config)
        self.uid = uid
        self.points = points

    async def handle_data(self, data):
        await self.put_queue(data)

    async def run(self, _=-1):
        for lat, lon in self.points:
            event = pytak.gen_cot_xml(
                lat=lat, lon=lon, ce=15, hae=120, le=10, uid=self.uid,
                stale=120, cot_type="a-f-G-U-C", callsign="PMF-3",
            )
            ET.SubElement(event.find("detail"), "track", speed="4.0", course="20.0")
            await self.handle_data(ET.tostring(event))
            await asyncio.sleep(0.3)
        await asyncio.sleep(1.0)
        raise Done()


class Printed(pytak.QueueWorker):
    async def handle_data(self, data):
        line = data.decode("utf-8", errors="replace").replace("\n", " ")
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    async def run(self, _=-1):
        while True:
            await self.handle_data(await self.queue.get())


async def main(url, port, user, token, uid, points):
    enrol_at(port)
    parser = ConfigParser()
    parser["deconflict"] = {
        "COT_URL": url,
        "PYTAK_TLS_CERT_ENROLLMENT_USERNAME": user,
        "PYTAK_TLS_CERT_ENROLLMENT_PASSWORD": token,
        "PYTAK_TLS_DONT_VERIFY": "1",
    }
    config = parser["deconflict"]
    tool = pytak.CLITool(config)
    await tool.setup()
    tool.add_tasks({
        Positions(tool.tx_queue, config, uid, points),
        Printed(tool.rx_queue, config),
    })
    try:
        await tool.run()
    except Done:
        pass


if __name__ == "__main__":
    url, port, user, token, uid, *points = sys.argv[1:]
    points = [tuple(float(x) for x in p.split(",")) for p in points]
    asyncio.run(main(url, int(port), user, token, uid, points))
