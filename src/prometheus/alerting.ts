// config.AlertingConfig (`alerting`): alert relabelling and the Alertmanagers to send alerts to.
// An Alertmanager config is discovered like a scrape job (static_configs and every `*_sd_configs`
// from discovery/index.ts), with the HTTP client settings inlined, and sigv4 from 2.48.
import type { ConfigSection, DecodeContext, DecodedStruct, StructSpec } from './schema/decoder.js';
import { struct } from './schema/decoder.js';
import { parsedString, string } from './schema/types.js';
import { duration } from './model/duration.js';
import { goQuote } from './model/go-string.js';
import { defaultRelabelRegexp } from './regex.js';
import { httpClientAuthMethods, httpClientConfigSpec } from './http-client.js';
import type { LabelSet } from './relabel-process.js';
import { processRelabelRules, RelabelNotRun } from './relabel-process.js';
import { relabelRules, sigV4ConfigSpec, structList } from './remote-write.js';
import { staticConfigsField } from './service-discovery.js';
import { serviceDiscoveryFields } from './discovery/index.js';
import { staticTargetGroups } from './scrape.js';
import type { NameValidationScheme } from './model/labels.js';
import { globalDefaults, globalLabelNameScheme } from './global.js';
import { validateRelabelRules } from './relabel.js';

/** config.AlertmanagerAPIVersion: v1 and v2 in every 2.x release, only v2 from 3.0. */
const apiVersion = parsedString<string>('config.AlertmanagerAPIVersion', '', (text, ctx) => {
  const versions = ctx.atLeast('3.0') ? ['v2'] : ['v1', 'v2'];
  return versions.includes(text)
    ? text
    : { error: `expected Alertmanager api version to be one of [${versions.join(' ')}] but got ${text}` };
});

/** Go's path.Clean for absolute paths (what postPath's path.Join returns). */
function cleanAbsolutePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** The labels notifier.AlertmanagerFromGroup gives a static target before relabelling. */
function alertmanagerLabels(
  target: string,
  groupLabels: Map<string, string | undefined>,
  alertmanager: DecodedStruct,
): LabelSet {
  const labels: LabelSet = new Map([
    ['__address__', target],
    ['__scheme__', alertmanager.get<string>('scheme') ?? ''],
    [
      '__alerts_path__',
      cleanAbsolutePath(
        `/${alertmanager.get<string>('path_prefix') ?? ''}/api/${alertmanager.get<string>('api_version') ?? ''}/alerts`,
      ),
    ],
  ]);
  for (const [name, value] of groupLabels) if (name !== '__address__') labels.set(name, value ?? '');
  return labels;
}

/** A static target address with a `/` is a URL pasted by mistake. Without relabel_configs the config
 *  loader says so (checkStaticTargets); with them promtool relabels each target as the notifier
 *  would (AlertmanagerFromGroup) and checks the address that remains. */
function validateStaticAlertmanagers(
  alertmanager: DecodedStruct,
  nameScheme: NameValidationScheme,
  ctx: DecodeContext,
): void {
  const rules = (alertmanager.get<(DecodedStruct | undefined)[]>('relabel_configs') ?? []).filter(
    (rule): rule is DecodedStruct => rule !== undefined,
  );
  // promtool relabels only what the loader accepted: a rule already found wrong (a hashmod without
  // modulus, say) is not applied.
  if (rules.length > 0 && ctx.errors.length > 0) return;
  for (const group of staticTargetGroups(alertmanager)) {
    const groupLabels = group.get<Map<string, string | undefined>>('labels') ?? new Map<string, string | undefined>();
    for (const target of group.get<(string | undefined)[]>('targets') ?? []) {
      let address = target ?? '';
      if (rules.length > 0) {
        const labels = alertmanagerLabels(address, groupLabels, alertmanager);
        try {
          const options = { nameScheme, sortedIteration: !ctx.atLeast('2.43') };
          if (!processRelabelRules(labels, rules, defaultRelabelRegexp(ctx), options)) continue;
        } catch (error) {
          if (!(error instanceof RelabelNotRun)) throw error;
          ctx.warnings.push(error.warningFor(alertmanager));
          return;
        }
        address = labels.get('__address__') ?? '';
      }
      if (address.includes('/')) {
        const hint = rules.length > 0 ? ' (after relabel_configs; promtool checks static Alertmanager targets)' : '';
        group.error(ctx, `${goQuote(address)} is not a valid hostname${hint}`, 'targets');
        return;
      }
    }
  }
}

/** sigv4 (2.48) excludes the HTTP client's authentication settings, a bearer token included. */
function validateAlertmanagerAuth(alertmanager: DecodedStruct, ctx: DecodeContext): void {
  if (alertmanager.get('sigv4') === undefined) return;
  if (httpClientAuthMethods(alertmanager).length > 0) {
    alertmanager.error(ctx, 'at most one of basic_auth, authorization, oauth2, & sigv4 must be configured', 'sigv4');
  }
}

export const alertmanagerConfigSpec: StructSpec = {
  goType: 'config.AlertmanagerConfig',
  fields: {
    sigv4: { type: struct(sigV4ConfigSpec), since: '2.48' },
    scheme: { type: string, default: 'http' },
    path_prefix: { type: string },
    timeout: { type: duration, default: 10_000 },
    api_version: { type: apiVersion, default: 'v2' },
    relabel_configs: {
      type: relabelRules('empty or null Alertmanager target relabeling rule'),
    },
    alert_relabel_configs: {
      type: relabelRules('empty or null Alertmanager alert relabeling rule'),
      since: '2.51',
    },
    static_configs: staticConfigsField,
    ...serviceDiscoveryFields,
  },
  inline: [httpClientConfigSpec],
  validate: [validateAlertmanagerAuth],
};

const alertingConfigSpec: StructSpec = {
  goType: 'config.plain',
  fields: {
    alert_relabel_configs: {
      type: relabelRules('empty or null alert relabeling rule'),
    },
    alertmanagers: {
      // The loader accepts a null item, but promtool and Prometheus's notifier then dereference it
      // and crash: refuse it rather than let it through.
      type: structList(
        alertmanagerConfigSpec,
        'config.AlertmanagerConfigs',
        'empty or null Alertmanager config (promtool and Prometheus crash on it)',
      ),
    },
  },
};

/** What needs the global section: from 3.7 AlertingConfig.Validate checks every relabel rule with
 *  the global name validation scheme, which the notifier's relabelling then uses; the static
 *  targets of each Alertmanager whose own fields decoded. */
function validateAlertmanagers(config: DecodedStruct, ctx: DecodeContext): void {
  const alerting = config.get<DecodedStruct>('alerting');
  if (alerting === undefined) return;
  const scheme = globalLabelNameScheme(globalDefaults(config.get<DecodedStruct>('global')), ctx);
  validateRelabelRules(alerting.get<(DecodedStruct | undefined)[]>('alert_relabel_configs'), scheme, ctx);
  for (const alertmanager of alerting.get<(DecodedStruct | undefined)[]>('alertmanagers') ?? []) {
    if (alertmanager === undefined || !alertmanager.decodedCleanly) continue;
    validateRelabelRules(alertmanager.get<(DecodedStruct | undefined)[]>('alert_relabel_configs'), scheme, ctx);
    validateRelabelRules(alertmanager.get<(DecodedStruct | undefined)[]>('relabel_configs'), scheme, ctx);
    validateStaticAlertmanagers(alertmanager, scheme, ctx);
  }
}

export const alertingSection: ConfigSection = {
  fields: { alerting: { type: struct(alertingConfigSpec) } },
  validate: [validateAlertmanagers],
};
