// A valid 1 MiB Prometheus config while other processes keep every core busy at ordinary priority.
// The pool's workers run at the lowest priority and starve; the config must still be judged and
// allowed, not refused at the API server's deadline (issue 15). Slow suite (`npm run test:slow`):
// the busy processes hold every core for as long as the review takes.
import t from 'tap';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { armsConfigMap, ONE_MIB, prometheusConfigOfSize } from '../../fixtures/objects.js';
import { productionEnv } from '../support/serve-process.js';
import { admit, startServerFor } from './support.js';

t.test('a valid 1 MiB config is judged while other processes take every core', async (t) => {
  const server = await startServerFor(t, { pool: true });
  const hogs = Array.from({ length: availableParallelism() + 1 }, () =>
    spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore', env: productionEnv() }),
  );
  t.teardown(() => {
    for (const hog of hogs) hog.kill('SIGKILL');
  });
  const result = await admit(server, 'validate', armsConfigMap('arms-large', prometheusConfigOfSize(ONE_MIB)));
  t.equal(result.allowed, true, `allowed (${result.status?.message?.slice(0, 300) ?? 'no message'})`);
  t.notMatch(result.warnings.join('\n'), /timeout|internal error/, 'and not by a failure mode');
});
