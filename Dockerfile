# syntax=docker/dockerfile:1
# Kassa: multi-stage build on node:24-slim. The runtime image holds production dependencies and
# the generated Prisma client, runs as a non-root user, applies migrations itself at start-up
# (under an advisory lock, so several replicas may start together) and answers /healthz.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run typecheck && npm prune --omit=dev

FROM node:24-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 KASSA_DATA_DIR=/data
WORKDIR /app
RUN groupadd --system kassa && useradd --system --gid kassa --home-dir /app kassa \
  && mkdir -p /data && chown kassa:kassa /data
COPY --from=build --chown=kassa:kassa /app/node_modules ./node_modules
COPY --from=build --chown=kassa:kassa /app/package.json /app/schema.graphql ./
COPY --from=build --chown=kassa:kassa /app/src ./src
COPY --from=build --chown=kassa:kassa /app/prisma ./prisma
USER kassa
EXPOSE 4000
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "src/main.ts"]
