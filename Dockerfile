# Kunskapsgraf: multi-stage build on the current Node LTS (Debian: the embedded PostgreSQL binaries need glibc).
FROM node:26-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
# `npm install` rather than `npm ci`: see .ci/run (npm 11 rejects this lockfile's optional
# platform packages in `npm ci`); it installs the versions the lockfile pins.
RUN npm install --no-audit --no-fund
COPY src ./src
COPY graphiql ./graphiql
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:26-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    EMBEDDED_DB_DIR=/data/pg
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/prisma.config.ts ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
RUN mkdir -p /data && chown node:node /data
# Embedded database (used when DATABASE_URL is not set)
VOLUME ["/data"]
USER node
EXPOSE 4000
# Healthy = ready: the database answers and the migrations of this build are applied (/readyz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Applies pending migrations and the (idempotent) reference seed, then serves.
CMD ["node", "dist/main.js"]
