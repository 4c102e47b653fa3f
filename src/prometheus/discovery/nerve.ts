// nerve_sd_configs (discovery/zookeeper, zookeeper.NerveSDConfig): the same fields and rules as
// serverset_sd_configs, see serverset.ts.
import type { StructSpec } from '../schema/decoder.js';
import { zookeeperSpec } from './serverset.js';

export const nerveSpec: StructSpec = zookeeperSpec('nerve');
