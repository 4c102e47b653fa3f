// Starts a real promgate server on loopback with a fresh certificate set in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Decider } from '../../src/admission/handler.js';
import { CERTIFICATE_FILES, writeCertificateSet } from '../../src/certs/files.js';
import type { CertificateSet } from '../../src/certs/generate.js';
import { defaultConfig, type PromgateConfig } from '../../src/config/schema.js';
import { createMetrics, type Metrics } from '../../src/server/metrics.js';
import { createPolicyDecider } from '../../src/server/policy-decider.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import type { ServerTimeouts } from '../../src/server/app.js';

export interface TestServer {
  server: RunningServer;
  metrics: Metrics;
  certs: CertificateSet;
  certDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  options: { config?: PromgateConfig; decider?: Decider; shutdownDelayMs?: number; timeouts?: ServerTimeouts } = {},
): Promise<TestServer> {
  const certDir = mkdtempSync(join(tmpdir(), 'promgate-test-'));
  const certs = await writeCertificateSet(certDir);
  const metrics = createMetrics();
  const logger = pino({ level: 'silent' });
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    certificate: {
      certFile: join(certDir, CERTIFICATE_FILES.tlsCert),
      keyFile: join(certDir, CERTIFICATE_FILES.tlsKey),
    },
    decider: options.decider ?? createPolicyDecider(options.config ?? defaultConfig(), metrics, logger),
    metrics,
    logger,
    shutdownDelayMs: options.shutdownDelayMs ?? 0,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  return {
    server,
    metrics,
    certs,
    certDir,
    async stop() {
      await server.shutdown();
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}
