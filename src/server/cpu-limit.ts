// How many CPUs this process may use. `os.availableParallelism()` counts the node's cores, but a
// container limited to `cpu: '1'` on a 32-core node gets one CPU's worth of time: sizing the worker
// pool by the node would start 32 workers fighting over it. The limit is the cgroup's CPU quota.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export type ReadText = (path: string) => string | undefined;

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** cgroup v2 (`cpu.max`: "max 100000" or "150000 100000") first, then cgroup v1's CFS quota. */
const QUOTA_FILES = {
  v2: '/sys/fs/cgroup/cpu.max',
  v1Quota: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
  v1Period: '/sys/fs/cgroup/cpu/cpu.cfs_period_us',
};

function cpusOf(quota: number, period: number): number | undefined {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return undefined;
  return Math.max(1, Math.ceil(quota / period));
}

/** The container's CPU limit rounded up to whole CPUs, or undefined when it has none. */
export function containerCpuLimit(read: ReadText = readIfPresent): number | undefined {
  const v2 = read(QUOTA_FILES.v2)?.trim().split(/\s+/);
  if (v2 !== undefined && v2.length === 2) {
    return v2[0] === 'max' ? undefined : cpusOf(Number(v2[0]), Number(v2[1]));
  }
  const quota = read(QUOTA_FILES.v1Quota);
  const period = read(QUOTA_FILES.v1Period);
  if (quota === undefined || period === undefined) return undefined;
  return cpusOf(Number(quota.trim()), Number(period.trim()));
}

/** The node's cores, capped by the container's CPU limit. */
export function usableCpus(read: ReadText = readIfPresent): number {
  return Math.min(availableParallelism(), containerCpuLimit(read) ?? Number.POSITIVE_INFINITY);
}
