# syntax=docker/dockerfile:1.7
#
# One image for every Kasify service. A container runs the one service named by SERVICES
# (default: the gateway, "api"), exactly as `npm start` runs each service in its own process:
#
#   docker build -t ghcr.io/kasify/kasify:latest .
#   docker run -e SERVICES=accounts -e HEALTH_PORT=3001 ... ghcr.io/kasify/kasify:latest
#
# Stages: deps (all dependencies, for the compiler) -> build (tsc) -> runtime (production
# dependencies only, compiled JavaScript, non-root).

# Node 22 LTS on Debian (glibc): sharp's prebuilt @img/* packages are chosen for the libc of the
# stage that runs `npm ci`, which is the runtime stage itself.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# --- deps: every dependency, dev ones included, for the TypeScript build ----------------------
FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci

# --- build: compile to dist/ -------------------------------------------------------------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json moleculer.config.ts ./
COPY types ./types
COPY shared ./shared
COPY services ./services
# Files that are not TypeScript (reference data such as services/geo/data/*.json) are collected
# in their source layout so that the runtime stage can place them where the code expects them.
RUN npm run build \
    && mkdir -p /app/assets \
    && find services shared -type f ! -name '*.ts' -exec cp --parents {} /app/assets/ \;

# --- runtime -----------------------------------------------------------------------------------
FROM base AS runtime

# PID 1: tini. Node as PID 1 does receive SIGTERM once a handler is installed (the broker that
# moleculer-runner creates installs one and stops on it), but until then (while modules load
# and the config is read) the kernel ignores SIGTERM sent to PID 1, so `docker stop` or a pod
# deletion would wait for SIGKILL. tini forwards every signal to node from the first instant and
# reaps zombie processes. Kubernetes has no `--init`, so it has to live in the image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production

# Production dependencies only. Optional dependencies stay (never --omit=optional): sharp's
# native binaries are optional packages picked for this platform and libc.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

COPY --from=build /app/dist ./dist
COPY --from=build /app/assets/ ./

# Which service this container runs (one name, or a comma-separated list), and where the
# compiled services are. PORT is the gateway's HTTP port; other services expose their probes on
# HEALTH_PORT (set it, e.g. 3001: unset, they expose none).
ENV SERVICES=api \
    SERVICEDIR=dist/services \
    PORT=8080

# The code is owned by root and read-only for the process. A numeric user (the image's `node`
# user) so that Kubernetes' runAsNonRoot can verify it without a runAsUser of its own.
USER 1000:1000

# 8080: gateway HTTP (PORT). 3001: probe listener of the other services (HEALTH_PORT).
EXPOSE 8080 3001

# The broker stops on SIGTERM: it leaves the NATS registry, /ready turns 503,
# in-flight requests and channel messages finish (up to SHUTDOWN_TIMEOUT_MS), then it exits 0.
STOPSIGNAL SIGTERM

# The health check: GET a probe path (default /health) on the probe listener (HEALTH_PORT) when
# set, otherwise on the gateway (PORT); exit 0 only on 200. Compose uses it for /ready too.
COPY <<'EOF' /app/healthcheck.js
"use strict";
const http = require("node:http");

const port = Number(process.env.HEALTH_PORT || process.env.PORT || 8080);
const path = process.argv[2] || "/health";
const fail = () => process.exit(1);
http.get({ host: "127.0.0.1", port, path, timeout: 4000 }, (res) => {
	process.exit(res.statusCode === 200 ? 0 : 1);
})
	.on("error", fail)
	.on("timeout", fail);
EOF

# Liveness for both kinds of process. Either listener answers only once the service has
# started (connected to NATS and its database), hence the start period.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "/app/healthcheck.js", "/health"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "node_modules/moleculer/bin/moleculer-runner.js", \
     "--config", "dist/moleculer.config.js"]
