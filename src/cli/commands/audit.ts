// `promgate audit`: judges what is already in the cluster with the same policies as admission.
import { loadConfig } from '../../config/load.js';
import { ClusterAuditSource } from '../../kube/audit-source.js';
import { auditExitCode, formatAuditJson, formatAuditText, runAudit } from '../../kube/audit.js';
import { loadKubeConfig } from '../../kube/client.js';
import { isClusterAccessError } from '../../kube/errors.js';
import { decide } from '../../policies/engine.js';
import { registeredPolicies } from '../../policies/registry.js';
import { clusterReportStore, writeReports } from '../../reports/cluster.js';
import { InputError, kubeConfigOptions, parseFlags, parseOutputFlag, type Command } from '../usage.js';

const usage = `promgate audit [--config FILE] [--kubeconfig FILE] [--context NAME] [-o text|json] [--verbose]
               [--write-reports]

Lists every apps/v1 DaemonSet and the ConfigMaps of prometheusConfig.namespaces (paginated), and
judges each as if it were applied anew. Credentials: --kubeconfig, else KUBECONFIG, else
~/.kube/config, else the in-cluster service account. --verbose lists compliant objects too.
--write-reports keeps the findings as policy reports, as serve's background audit does: an
openreports.io Report per namespace (wgpolicyk8s.io PolicyReport where only that CRD is installed),
updated in place; docs/reports.md.
Exit status: 0 no violation, 1 violations found, 2 unusable flags, config or cluster access (or no
report CRD with --write-reports).`;

export const auditCommand: Command = {
  usage,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        config: { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        output: { type: 'string', short: 'o' },
        verbose: { type: 'boolean' },
        'write-reports': { type: 'boolean' },
      },
      false,
    );
    const format = parseOutputFlag(values.output);
    const config = loadConfig(values.config);
    try {
      const kubeConfig = loadKubeConfig(kubeConfigOptions(values));
      const report = await runAudit(ClusterAuditSource.forConfig(kubeConfig, config), config, decide, {
        policyNames: registeredPolicies().map(({ policy }) => policy.name),
      });
      io.stdout.write(
        format === 'json' ? formatAuditJson(report) : formatAuditText(report, { verbose: values.verbose ?? false }),
      );
      if (values['write-reports']) {
        const written = await writeReports(clusterReportStore(kubeConfig), report.findings);
        if (!written.written) {
          throw new InputError(
            '--write-reports: no policy report CRD (openreports.io/v1alpha1 or wgpolicyk8s.io/v1alpha2) is installed; ' +
              'install manifests/components/reports (Helm: reports.enabled=true)',
          );
        }
        const { api, applied, deleted } = written;
        io.stderr.write(
          `${applied} ${api.group}/${api.version} report${applied === 1 ? '' : 's'} written` +
            `${deleted > 0 ? `, ${deleted} stale one${deleted === 1 ? '' : 's'} deleted` : ''}\n`,
        );
      }
      return auditExitCode(report);
    } catch (err) {
      if (isClusterAccessError(err)) throw new InputError(err.message, { cause: err });
      throw err;
    }
  },
};
