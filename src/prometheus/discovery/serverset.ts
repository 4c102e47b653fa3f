// serverset_sd_configs and nerve_sd_configs (discovery/zookeeper): Zookeeper-registered targets,
// Finagle serversets or AirBnB Nerve. Both structs have the same fields and the same rules, with
// messages naming the mechanism; no HTTP client.
import type { StructSpec } from '../schema/decoder.js';
import { list, string } from '../schema/types.js';
import { duration } from '../model/duration.js';
import type { Check } from './unmarshal-checks.js';
import { unmarshalChecks } from './unmarshal-checks.js';

/** The spec of `<mechanism>_sd_configs` for a Zookeeper-based mechanism ("serverset" or "nerve"). */
export function zookeeperSpec(mechanism: string): StructSpec {
  const listed =
    (field: 'servers' | 'paths', message: string): Check =>
    (sd) =>
      (sd.get<unknown[]>(field) ?? []).length === 0
        ? { message: `${mechanism} SD config must contain ${message}`, field }
        : undefined;
  const absolutePaths: Check = (sd) => {
    const relative = (sd.get<(string | undefined)[]>('paths') ?? []).find((path) => !(path ?? '').startsWith('/'));
    return relative === undefined
      ? undefined
      : { message: `${mechanism} SD config paths must begin with '/': ${relative ?? ''}`, field: 'paths' };
  };
  return {
    goType: 'zookeeper.plain',
    fields: {
      servers: { type: list(string) },
      paths: { type: list(string) },
      timeout: { type: duration, default: 10_000 },
    },
    validate: [
      unmarshalChecks(
        [listed('servers', 'at least one Zookeeper server'), listed('paths', 'at least one path'), absolutePaths],
        'none',
      ),
    ],
  };
}

export const serversetSpec: StructSpec = zookeeperSpec('serverset');
