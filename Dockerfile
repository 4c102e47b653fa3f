# syntax=docker/dockerfile:1
# promgate's container image: docker build -t promgate:0.1.0 .
#
# Node.js 24 LTS ("Krypton", maintained until 2028-04-30) on Debian 13 "trixie" (current stable).
# Node.js 26 became the Active LTS line in October 2026; move to it once the test suite runs on
# it. Node.js 22 leaves support in April 2027, and the development machines' Node.js 20 already
# has. package.json allows any Node.js >= 20. Release builds should pin the digest as well
# (node:24-trixie-slim@sha256:...) and let a bot bump it.
ARG NODE_IMAGE=node:24-trixie-slim

# 1. Compile: all dependencies, `npm ci` runs the `prepare` script (tsc) into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# 2. Production dependencies only, in a clean tree: no dev packages, no install scripts
#    (none of the runtime dependencies needs one).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime: compiled code, production node_modules and package.json, owned by root and
#    therefore read-only for the process.
FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="promgate" \
      org.opencontainers.image.description="Kubernetes admission webhook for dcgm-exporter placement and ARMS Prometheus configuration" \
      org.opencontainers.image.licenses="Apache-2.0"
# npm and corepack are not needed to run promgate; without them there is less to patch.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /src/node_modules/ node_modules/
COPY --from=build /src/dist/src/ dist/src/
COPY package.json ./
# Numeric, so that Kubernetes' runAsNonRoot can verify it; no passwd entry is needed.
USER 10001:10001
EXPOSE 8443 8080
# Node.js runs as PID 1: `serve` handles SIGTERM itself (readiness off, drain, exit).
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
