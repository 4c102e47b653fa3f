// A storm of concurrent TLS connections, each sending a review: every one is answered with its own
// uid and the server stays healthy. Part of the slow suite (`npm run test:slow`): it needs the file
// limit raised (`ulimit -n`) and saturates both cores for a while.
import t from 'tap';
import { buildReview, post } from '../../fixtures/apiserver.js';
import { corpusDaemonSet, DCGM_EXPORTER_MANIFEST } from '../../fixtures/objects.js';
import { FILES_BESIDE_CONNECTIONS, openFileLimit } from '../../fixtures/hostile.js';
import { assertHealthy, startServerFor } from './support.js';

/**
 * `wanted` connections, or fewer when this process may not open twice as many files (client and
 * server ends are both here): macOS allows 256 by default, many Linux shells 1 024.
 */
function connectionsWithinFileLimit(wanted: number): number {
  return Math.min(wanted, Math.floor((openFileLimit() - FILES_BESIDE_CONNECTIONS) / 2));
}

t.test('two thousand concurrent TLS connections', async (t) => {
  const server = await startServerFor(t, { pool: false });
  const connections = connectionsWithinFileLimit(2000);
  if (connections < 2000) t.comment(`only ${connections} connections: raise \`ulimit -n\` to test 2000`);
  const daemonSet = corpusDaemonSet(DCGM_EXPORTER_MANIFEST);
  const answers = await Promise.all(
    Array.from({ length: connections }, async () => {
      const { uid, review } = buildReview({ object: daemonSet });
      // The global agent has no socket limit: every concurrent request gets its own TLS connection.
      const answer = await post(server.port, '/mutate?timeout=10s', JSON.stringify(review), server.tls);
      return { uid, answer };
    }),
  );
  let patched = 0;
  for (const { uid, answer } of answers) {
    const response = (JSON.parse(answer.body) as { response?: { uid?: string; patch?: string } }).response;
    if (answer.statusCode === 200 && response?.uid === uid && response.patch) patched += 1;
  }
  t.equal(patched, connections, `all ${connections} connections answered with their own uid and a patch`);
  await assertHealthy(t, server, `${connections} concurrent connections`);
});
