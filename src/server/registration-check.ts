// serve's check that its webhook registrations send exactly what its configuration judges: run at
// start-up and in every background audit round, reported as one log line per mismatch and the
// promgate_webhook_registration_mismatches gauge. Credentials that may not read the configurations
// (the cert-manager overlay grants no such permission) only turn the check off, with a log line.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../common/logger.js';
import type { PromgateConfig } from '../config/schema.js';
import { DEFAULT_WEBHOOK_CONFIGURATION_NAME } from '../kube/certificate-bootstrap.js';
import { KubeApiError } from '../kube/errors.js';
import { readRegistrations } from '../kube/webhook-registrations.js';
import { registrationMismatches } from '../registration/webhooks.js';
import type { Metrics } from './metrics.js';

export interface RegistrationCheckOptions {
  kubeConfig: KubeConfig;
  config: PromgateConfig;
  metrics: Metrics;
  logger: Logger;
  /** The webhook configurations' name; `promgate` as the manifests and the bootstrap have it. */
  name?: string;
}

/** Never throws: a registration that cannot be read is logged, and the gauge keeps its value. */
export async function checkRegistrations(options: RegistrationCheckOptions): Promise<void> {
  const { config, metrics, logger } = options;
  const name = options.name ?? DEFAULT_WEBHOOK_CONFIGURATION_NAME;
  let mismatches;
  try {
    mismatches = registrationMismatches(config, await readRegistrations(options.kubeConfig, name), name);
  } catch (err) {
    const forbidden = err instanceof KubeApiError && (err.statusCode === 401 || err.statusCode === 403);
    logger[forbidden ? 'info' : 'warn'](
      { err },
      'cannot read the webhook configurations: whether they send what the configuration judges is not checked',
    );
    return;
  }
  metrics.registrationMismatches.set(mismatches.length);
  for (const { where, message } of mismatches) {
    logger.warn(
      { webhookConfiguration: where, mismatch: message },
      'webhook registration disagrees with the configuration',
    );
  }
  if (mismatches.length === 0) {
    logger.info({ webhookConfigurations: name }, 'webhook registrations send exactly what the configuration judges');
  }
}
