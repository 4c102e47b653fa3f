// The `<name>_sd_configs` blocks of scrape and alertmanager configs. Each mechanism is declared in
// src/prometheus/discovery/ (owned by the service-discovery work) and registered through
// `discoveryConfigsField`; `static_configs` (discovery.StaticConfig, a list of target groups) lives
// here because scrape-level checks (checkStaticTargets, promtool's relabelling) read it.
import type { FieldSpec, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { list, map, string } from './schema/types.js';
import { labelName, labelValue } from './model/labels.js';

/** The FieldSpec of one `<name>_sd_configs` list: Go reports a null item as
 *  "empty or null section in <name>_sd_configs". `goName` is the slice's Go type for type errors
 *  (e.g. `[]*kubernetes.SDConfig`). */
export function discoveryConfigsField(fieldName: string, spec: StructSpec, since?: string, goName?: string): FieldSpec {
  const options = { nullItem: `empty or null section in ${fieldName}`, ...(goName === undefined ? {} : { goName }) };
  const field: FieldSpec = { type: list(struct(spec), options) };
  if (since !== undefined) field.since = since;
  return field;
}

/** targetgroup.Group as written in static_configs (and file_sd files). */
export const targetGroupSpec: StructSpec = {
  goType: 'struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }',
  fields: {
    targets: { type: list(string) },
    labels: { type: { ...map(labelName, labelValue), goName: 'model.LabelSet' } },
  },
};

export const staticConfigsField: FieldSpec = discoveryConfigsField(
  'static_configs',
  targetGroupSpec,
  undefined,
  '[]*targetgroup.Group',
);
