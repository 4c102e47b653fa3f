// The helm command, as upstream's cmd/helm builds it, for promgate's chart tests (`helm lint`,
// `helm template`, `helm install --dry-run=server` against the e2e API server).
package main

import (
	"errors"
	"log/slog"
	"os"

	helmcmd "helm.sh/helm/v4/pkg/cmd"
	"helm.sh/helm/v4/pkg/kube"
)

func main() {
	// Upstream names the field manager explicitly, so server-side apply records "helm".
	kube.ManagedFieldsManager = "helm"
	cmd, err := helmcmd.NewRootCmd(os.Stdout, os.Args[1:], helmcmd.SetupLogging)
	if err != nil {
		slog.Warn("command failed", slog.Any("error", err))
		os.Exit(1)
	}
	if err := cmd.Execute(); err != nil {
		if commandError, ok := errors.AsType[helmcmd.CommandError](err); ok {
			os.Exit(commandError.ExitCode)
		}
		os.Exit(1)
	}
}
