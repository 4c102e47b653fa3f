// The benchmark's server process: promgate (with its worker pool, as `promgate serve` runs it) and
// the ceiling, a bare fastify HTTPS endpoint that answers every POST with one fixed AdmissionReview.
// It runs apart from the load generator so that the two do not share an event loop.
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { CERTIFICATE_FILES, writeCertificateSet } from '../src/certs/files.js';
import { defaultConfig } from '../src/config/schema.js';
import { MAX_BODY_BYTES } from '../src/server/app.js';
import { createJudging, listenBacklog, startServer } from '../src/server/serve.js';
import { loadCertificate } from '../src/server/tls.js';
import { defaultPoolSize } from '../src/server/worker-pool.js';
import { parseCountFlag } from '../src/cli/usage.js';

export interface ServersReady {
  promgatePort: number;
  ceilingPort: number;
  poolSize: number;
  /** PEM of the CA that signed both servers' certificate. */
  caCert: string;
}

export interface CpuReading {
  cpuMicros: number;
}

const FIXED_ANSWER = {
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true },
};

async function main(): Promise<void> {
  const certDir = mkdtempSync(join(tmpdir(), 'promgate-bench-'));
  const { caCert } = await writeCertificateSet(certDir);
  const certificate = {
    certFile: join(certDir, CERTIFICATE_FILES.tlsCert),
    keyFile: join(certDir, CERTIFICATE_FILES.tlsKey),
  };
  const config = defaultConfig();
  // As in production, one info line per review; written to /dev/null so the terminal stays readable.
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  // PROMGATE_BENCH_WORKERS compares pool sizes (0: no pool, everything judged on the event loop);
  // unset, the pool is sized as `promgate serve` sizes it.
  const workers = parseCountFlag(process.env.PROMGATE_BENCH_WORKERS, 'PROMGATE_BENCH_WORKERS', defaultPoolSize());
  const { metrics, pool, decider } = createJudging(config, logger, workers);
  const promgate = await startServer({
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    certificate,
    decider,
    metrics,
    logger,
    shutdownDelayMs: 0,
  });

  const ceiling = Fastify({ bodyLimit: MAX_BODY_BYTES, https: loadCertificate(certificate).options });
  ceiling.post('/ceiling', async () => FIXED_ANSWER);
  // The same backlog as promgate's listeners, so that a connection storm meets the same kernel queues.
  await ceiling.listen({ host: '127.0.0.1', port: 0, backlog: listenBacklog() });
  const address = ceiling.server.address();
  const ceilingPort = typeof address === 'object' && address ? address.port : 0;

  const stop = async (): Promise<void> => {
    await Promise.all([promgate.shutdown(), ceiling.close(), pool?.close()]);
    rmSync(certDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
    // CPU time of this process, worker threads included, so that the load generator can charge each
    // request its share (steadier than throughput on a shared machine).
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMicros: user + system } satisfies CpuReading);
    }
  });
  process.on('disconnect', () => void stop());
  process.send?.({
    promgatePort: promgate.port,
    ceilingPort,
    poolSize: pool?.size ?? 0,
    caCert,
  } satisfies ServersReady);
}

await main();
