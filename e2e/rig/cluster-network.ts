// The "cluster network" of the e2e control plane. kube-apiserver reaches webhooks through its
// egress selector; here that is an HTTP CONNECT proxy on a Unix socket (the TCP transport would
// demand mutual TLS) which sends every tunnel to the same port on 127.0.0.1. So a webhook URL may
// name promgate's in-cluster Service (`promgate.promgate-system.svc`) and the API server verifies
// the serving certificate against that name, exactly as in a cluster, while promgate itself
// listens on loopback.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ClusterNetwork {
  /** The kube-apiserver EgressSelectorConfiguration that routes webhook calls through the proxy. */
  egressSelectorConfiguration: string;
  stop(): Promise<void>;
}

function tunnel(client: Socket): void {
  client.once('data', (head: Buffer) => {
    const request = head.toString('latin1');
    const target = /^CONNECT [^\s:]+:(\d+) HTTP\/1\.[01]\r\n/.exec(request);
    if (!target || !request.includes('\r\n\r\n')) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const upstream = connect(Number(target[1]), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', close);
    client.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
}

/** Listens on the Unix socket `socketPath` (short: the kernel allows about 100 bytes). */
export async function startClusterNetwork(socketPath: string): Promise<ClusterNetwork> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    tunnel(socket);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const egressSelectorConfiguration = JSON.stringify({
    apiVersion: 'apiserver.k8s.io/v1beta1',
    kind: 'EgressSelectorConfiguration',
    // Webhooks given by URL go through `controlplane`, those given by Service through `cluster`.
    egressSelections: ['controlplane', 'cluster'].map((name) => ({
      name,
      connection: { proxyProtocol: 'HTTPConnect', transport: { uds: { udsName: socketPath } } },
    })),
  });
  return {
    egressSelectorConfiguration,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
