// The container CPU limit read from cgroup files (v2 first, then v1), which sizes the worker pool.
import t from 'tap';
import { availableParallelism } from 'node:os';
import { containerCpuLimit, usableCpus, type ReadText } from '../../src/server/cpu-limit.js';

const files =
  (contents: Record<string, string>): ReadText =>
  (path) =>
    contents[path];

const V2 = '/sys/fs/cgroup/cpu.max';
const V1_QUOTA = '/sys/fs/cgroup/cpu/cpu.cfs_quota_us';
const V1_PERIOD = '/sys/fs/cgroup/cpu/cpu.cfs_period_us';

t.test('cgroup v2: a quota is rounded up to whole CPUs, "max" means no limit', async (t) => {
  t.equal(containerCpuLimit(files({ [V2]: '100000 100000\n' })), 1);
  t.equal(containerCpuLimit(files({ [V2]: '150000 100000\n' })), 2, '1.5 CPUs may keep two threads busy part time');
  t.equal(containerCpuLimit(files({ [V2]: '10000 100000\n' })), 1, 'a fraction of a CPU is still one');
  t.equal(containerCpuLimit(files({ [V2]: 'max 100000\n' })), undefined);
  t.equal(
    containerCpuLimit(files({ [V2]: 'max 100000\n', [V1_QUOTA]: '100000', [V1_PERIOD]: '100000' })),
    undefined,
    'v2 decides when present',
  );
});

t.test('cgroup v1: quota over period, -1 means no limit', async (t) => {
  t.equal(containerCpuLimit(files({ [V1_QUOTA]: '200000\n', [V1_PERIOD]: '100000\n' })), 2);
  t.equal(containerCpuLimit(files({ [V1_QUOTA]: '-1\n', [V1_PERIOD]: '100000\n' })), undefined);
  t.equal(containerCpuLimit(files({ [V1_QUOTA]: '200000\n' })), undefined, 'no period, no limit');
});

t.test('no cgroup files, or unreadable ones, mean no limit', async (t) => {
  t.equal(containerCpuLimit(files({})), undefined);
  t.equal(containerCpuLimit(files({ [V2]: 'garbage' })), undefined);
  t.equal(containerCpuLimit(files({ [V2]: 'lots 100000' })), undefined);
  t.equal(containerCpuLimit(files({ [V1_QUOTA]: 'x', [V1_PERIOD]: '100000' })), undefined);
});

t.test('usable CPUs: the node cores capped by the limit', async (t) => {
  t.equal(usableCpus(files({})), availableParallelism());
  t.equal(usableCpus(files({ [V2]: '100000 100000' })), 1);
  t.equal(usableCpus(files({ [V2]: `${(availableParallelism() + 8) * 100000} 100000` })), availableParallelism());
});
