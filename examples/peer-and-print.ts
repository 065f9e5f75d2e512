// The README example: peer with a router and print what it learns (run: node dist/examples/peer-and-print.js ADDR ASN).
import { Speaker } from '../src/index.js';

const [address = '192.0.2.1', asn = '64512'] = process.argv.slice(2);
const wren = new Speaker({ localAsn: 64513, routerId: '192.0.2.10', listen: false });
wren.addPeer({ address, remoteAsn: Number(asn) });
wren.on('peerState', (peer, _from, to) => console.log(`${peer.address} ${to} ${peer.info}`));
wren.on('routes', (deltas) => {
  for (const d of deltas) console.log(d.best ? `+ ${d.prefix} via ${d.nextHops.join(', ')}` : `- ${d.prefix}`);
});
await wren.start();
process.on('SIGINT', () => void wren.stop().then(() => process.exit(0)));
