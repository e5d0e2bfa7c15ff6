# syntax=docker/dockerfile:1
# Multi-stage build of the one-process server (pages, REST, Socket.IO, loops).
# Not built or run on the machine this was written on (no Docker there): see docs/deploy.md.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall (patch-package) patches postgres.js
COPY patches ./patches
RUN npm ci --no-audit --no-fund

FROM deps AS build
WORKDIR /app
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
# prebuild regenerates the OpenAPI route registry, then `next build`.
RUN npm run build

FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall (patch-package) patches postgres.js
COPY patches ./patches
# tsx is a runtime dependency: the custom server runs its TypeScript through it.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    DATA_DIR=/app/data
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/.next ./.next
COPY --chown=node:node package.json next.config.js postcss.config.mjs tsconfig.json ./
COPY --chown=node:node app ./app
COPY --chown=node:node components ./components
COPY --chown=node:node db ./db
COPY --chown=node:node lib ./lib
COPY --chown=node:node server ./server
COPY --chown=node:node bin ./bin
COPY --chown=node:node cli ./cli
COPY --chown=node:node sim ./sim
COPY --chown=node:node scripts ./scripts
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Not `npm start`: that would rebuild when it thinks sources changed; the image is built already.
# --max-semi-space-size, --no-allocation-site-pretenuring: the production V8 flags, as in server/node-flags.json (npm start reads that file).
CMD ["node", "--max-semi-space-size=32", "--no-allocation-site-pretenuring", "--import", "tsx", "server/index.ts"]
