// Wren speakers in one process, over real loopback TCP: started on `address` with a port-0
// listener and fast retry timers, stopped after each test.
import { afterEach } from 'vitest';
import { Speaker, type PeerConfig, type SpeakerOptions } from '../../src/api/speaker.js';

/** Registers the clean-up; returns `speaker()` (start one) and the list of those running. */
export function useSpeakers(): { speaker: (address: string, asn: number, extra?: Partial<SpeakerOptions>) => Promise<Speaker>; speakers: Speaker[] } {
  const speakers: Speaker[] = [];
  afterEach(async () => {
    await Promise.all(speakers.splice(0).map((s) => s.stop()));
  });
  const speaker = async (address: string, asn: number, extra: Partial<SpeakerOptions> = {}): Promise<Speaker> => {
    const s = new Speaker({ localAsn: asn, routerId: address, listen: { address, port: 0 }, idleHoldTime: 1, connectRetryTime: 1, ...extra });
    await s.start();
    speakers.push(s);
    return s;
  };
  return { speaker, speakers };
}

/** Peers a with b: a connects from its own address to b's listener, b only waits. */
export function link(a: Speaker, b: Speaker, extraA: Partial<PeerConfig> = {}, extraB: Partial<PeerConfig> = {}): void {
  const aAddr = a.listenAddress!.address;
  const bAddr = b.listenAddress!.address;
  b.addPeer({ address: aAddr, remoteAsn: a.options.localAsn, passive: true, ...extraB });
  a.addPeer({ address: bAddr, remoteAsn: b.options.localAsn, port: b.listenAddress!.port, localAddress: aAddr, ...extraA });
}
