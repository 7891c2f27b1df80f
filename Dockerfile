# syntax=docker/dockerfile:1
# Production image: `sharehub start` by default (embedded services, for a demo); in production run
# `sharehub api` and `sharehub worker` as separate containers with DATABASE_URL, REDIS_URL and the
# same SHAREHUB_SECRET_KEY set.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
COPY migrations ./migrations
COPY workers ./workers
COPY catalog ./catalog
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# redis-server for the all-in-one default; not used when REDIS_URL is set.
RUN apt-get update && apt-get install -y --no-install-recommends redis-server tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV HOST=0.0.0.0 PORT=3000 SHAREHUB_DATA_DIR=/var/lib/sharehub
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/catalog ./catalog
COPY package.json ./
RUN mkdir -p /var/lib/sharehub && chown node:node /var/lib/sharehub \
 && ln -s /app/dist/src/cli.js /usr/local/bin/sharehub && chmod +x /app/dist/src/cli.js
USER node
VOLUME /var/lib/sharehub
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/src/cli.js"]
CMD ["start"]
