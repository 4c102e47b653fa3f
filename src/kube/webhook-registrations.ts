// Reads promgate's own webhook configurations, for `promgate check-install` and serve's check that
// they send exactly what the configuration judges (src/registration/webhooks.ts compares them).
import type { KubeConfig } from '@kubernetes/client-node';
import type { RegisteredWebhook, Registrations } from '../registration/webhooks.js';
import { clients, readConfiguration } from './ca-bundle.js';

/** Both configurations named `name`; one that does not exist is undefined. Throws KubeApiError. */
export async function readRegistrations(kc: KubeConfig, name: string): Promise<Registrations> {
  const byKind = clients(kc);
  const read = async (kind: keyof Registrations): Promise<RegisteredWebhook[] | undefined> => {
    // The client's typed model has the fields RegisteredWebhook names, under the same names.
    const configuration = (await readConfiguration(kc, byKind[kind], kind, name)) as
      { webhooks?: RegisteredWebhook[] } | undefined;
    return configuration === undefined ? undefined : (configuration.webhooks ?? []);
  };
  return {
    MutatingWebhookConfiguration: await read('MutatingWebhookConfiguration'),
    ValidatingWebhookConfiguration: await read('ValidatingWebhookConfiguration'),
  };
}
