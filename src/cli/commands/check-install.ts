// `promgate check-install`: do promgate's webhook configurations in the cluster send exactly what
// its configuration judges? The same comparison serve makes at start-up, printed for an admin.
import { loadConfig } from '../../config/load.js';
import { DEFAULT_WEBHOOK_CONFIGURATION_NAME } from '../../kube/certificate-bootstrap.js';
import { loadKubeConfig } from '../../kube/client.js';
import { isClusterAccessError } from '../../kube/errors.js';
import { readRegistrations } from '../../kube/webhook-registrations.js';
import { registrationMismatches } from '../../registration/webhooks.js';
import {
  EXIT_DENIED,
  EXIT_OK,
  InputError,
  kubeConfigOptions,
  parseFlags,
  parseOutputFlag,
  writeLine,
  type Command,
} from '../usage.js';

const usage = `promgate check-install [--config FILE] [--name promgate] [--kubeconfig FILE] [--context NAME] [-o text|json]

Reads the MutatingWebhookConfiguration and ValidatingWebhookConfiguration named --name (default
${DEFAULT_WEBHOOK_CONFIGURATION_NAME}) and names every object the configuration judges that they never send
promgate (namespaces, rules, matchConditions), and every object they send that it never judges.
Credentials as for promgate audit; they need get on both configurations.
Exit status: 0 they agree, 1 they disagree, 2 unusable flags, config or cluster access.`;

export const checkInstallCommand: Command = {
  usage,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        config: { type: 'string' },
        name: { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        output: { type: 'string', short: 'o' },
      },
      false,
    );
    const format = parseOutputFlag(values.output);
    const config = loadConfig(values.config);
    const name = values.name ?? DEFAULT_WEBHOOK_CONFIGURATION_NAME;
    let mismatches;
    try {
      const registrations = await readRegistrations(loadKubeConfig(kubeConfigOptions(values)), name);
      mismatches = registrationMismatches(config, registrations, name);
    } catch (err) {
      if (isClusterAccessError(err)) throw new InputError(err.message, { cause: err });
      throw err;
    }
    if (format === 'json') {
      writeLine(io.stdout, JSON.stringify({ name, mismatches }, null, 2));
    } else {
      for (const { where, message } of mismatches) writeLine(io.stdout, `${where}: ${message}`);
      writeLine(
        io.stdout,
        mismatches.length === 0
          ? `the webhook configurations named ${name} send promgate exactly what its configuration judges`
          : `${mismatches.length} disagreement(s) between the webhook configurations named ${name} and the configuration`,
      );
    }
    return mismatches.length === 0 ? EXIT_OK : EXIT_DENIED;
  },
};
