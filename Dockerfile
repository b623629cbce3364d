# VTOX image: one image for every service; SERVICES selects what a container runs (api, diagnosis, monitor,
# fault-turn, fault-insulation, fault-bearing, fault-eccentricity, fault-broken-bar — contracts/service-units.ts).
#   docker build -t vtox:latest .
#   docker run -e SERVICES=fault-bearing -e REDIS_URL=redis://:PASSWORD@redis:6379/0 -e HEALTH_PORT=3001 vtox:latest

# --- build: full install, TypeScript → dist/ -------------------------------------------------------------------------
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json moleculer.config.ts ./
# the production tree only (tsconfig.build.json): no simulator, tools, bench or tests in the image
COPY analyzers ./analyzers
COPY ingest ./ingest
COPY streams ./streams
COPY pipeline ./pipeline
COPY stores ./stores
COPY gateway ./gateway
COPY broker ./broker
COPY contracts ./contracts
COPY services ./services
COPY mixins ./mixins
COPY cli ./cli
COPY launcher ./launcher
COPY bin ./bin
COPY public ./public
# the api serves the dashboard from <dist>/public (services/api.service.ts resolves it next to services/)
RUN npx tsc -p tsconfig.build.json && cp -r public dist/public

# --- production dependencies only ------------------------------------------------------------------------------------
FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------------------------------
FROM node:22-slim AS runtime
ENV NODE_ENV=production \
    # glibc: keep 10–100 KB window buffers off mmap/trim churn (docs/performance.md#malloc-tuning: 2–3× faster payload handling)
    MALLOC_MMAP_THRESHOLD_=268435456 \
    MALLOC_TRIM_THRESHOLD_=1073741824 \
    SERVICES=api
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
# the image's own unprivileged user (uid 1000)
USER node
# api HTTP (PORT), health probes of non-HTTP nodes (HEALTH_PORT), Prometheus (METRICS_PORT)
EXPOSE 8000 3001 3030
# moleculer-runner in-process on the compiled tree, with exactly the service files SERVICES names
CMD ["node", "dist/bin/run-services.js"]
