// TCP probe: up when a connection is accepted. Nothing is sent; the socket is closed at once.
import { connect } from 'node:net';
import { errorCode, runAttempt } from './attempt.js';
import type { HealthProbe, ProbeOptions, ProbeResult } from './types.js';

type TcpProbe = Extract<HealthProbe, { kind: 'tcp' }>;

export function probeTcp(probe: TcpProbe, options: ProbeOptions): Promise<ProbeResult> {
  const where = probe.host.includes(':') ? `[${probe.host}]:${probe.port}` : `${probe.host}:${probe.port}`;
  return runAttempt(options, (settle) => {
    const socket = connect({ host: probe.host, port: probe.port });
    socket.once('connect', () => {
      socket.destroy();
      settle(true, `connected to ${where}`);
    });
    socket.once('error', (e) => {
      socket.destroy();
      settle(false, `connect ${where}: ${errorCode(e)}`);
    });
    return (reason) => {
      socket.destroy();
      settle(false, `${reason} connecting to ${where}`);
    };
  });
}
