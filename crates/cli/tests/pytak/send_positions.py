"""Sends one unit's positions to deconflict's Cursor-on-Target port with
pytak, the way a TAK client integration does.

usage: send_positions.py COT_URL TOKEN UID LAT,LON [LAT,LON ...]

The first event carries the credential (`<__deconflict token="..."/>`);
each carries `<track speed course>`. Exits 0 once every event is sent.
"""

import asyncio
import sys
import warnings
import xml.etree.ElementTree as ET
from configparser import ConfigParser

warnings.simplefilter("ignore")
import pytak  # noqa: E402


class Sent(Exception):
    """Every position is on the wire: stops pytak's run loop."""


class Positions(pytak.QueueWorker):
    def __init__(self, queue, config, token, uid, points):
        super().__init__(queue, config)
        self.token = token
        self.uid = uid
        self.points = points

    async def handle_data(self, data):
        await self.put_queue(data)

    async def run(self, _=-1):
        for i, (lat, lon) in enumerate(self.points):
            event = pytak.gen_cot_xml(
                lat=lat, lon=lon, ce=15, hae=120, le=10, uid=self.uid,
                stale=120, cot_type="a-f-G-U-C", callsign="PMF-3",
            )
            detail = event.find("detail")
            if i == 0:
                ET.SubElement(detail, "__deconflict", token=self.token)
            ET.SubElement(detail, "track", speed="4.0", course="20.0")
            await self.handle_data(ET.tostring(event))
            await asyncio.sleep(0.3)
        # Give the transmit worker time to drain the queue.
        await asyncio.sleep(1.0)
        raise Sent()


async def main(url, token, uid, points):
    parser = ConfigParser()
    parser["deconflict"] = {"COT_URL": url}
    config = parser["deconflict"]
    tool = pytak.CLITool(config)
    await tool.setup()
    tool.add_tasks({Positions(tool.tx_queue, config, token, uid, points)})
    try:
        await tool.run()
    except Sent:
        pass


if __name__ == "__main__":
    url, token, uid, *points = sys.argv[1:]
    points = [tuple(float(x) for x in p.split(",")) for p in points]
    asyncio.run(main(url, token, uid, points))
