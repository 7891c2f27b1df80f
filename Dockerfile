# syntax=docker/dockerfile:1
# Production image: `sharehub start` by default (embedded services, for a demo); in production run
# `sharehub api` and `sharehub worker` as separate containers with DATABASE_URL, REDIS_URL and the
# same SHAREHUB_SECRET_KEY set.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The web console is an npm workspace: npm ci needs its manifest to install its build tools.
COPY console/package.json ./console/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
COPY migrations ./migrations
COPY workers ./workers
COPY catalog ./catalog
COPY console ./console
# The hub, then the web console (Vite, into console/dist); then the build tools go.
RUN npm run build && npm run build -w console && npm prune --omit=dev

FROM node:20-bookworm-slim
# redis-server for the all-in-one default; not used when REDIS_URL is set.
RUN apt-get update && apt-get install -y --no-install-recommends redis-server tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# V8 sizes its heap by the machine (a quarter of its memory, up to 4 GB) and grows it lazily: on a
# large host a burst of batch-gets left the API at 400 MB, most of it garbage. A cap of 1 GiB keeps
# it near 200 MB (README, "Configuration"); override NODE_OPTIONS to give a larger deployment more.
ENV HOST=0.0.0.0 PORT=3000 SHAREHUB_DATA_DIR=/var/lib/sharehub NODE_OPTIONS=--max-old-space-size=1024
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/catalog ./catalog
# Only the console's build: without its sources `sharehub start` serves it as built.
COPY --from=build /app/console/dist ./console/dist
COPY package.json ./
RUN mkdir -p /var/lib/sharehub && chown node:node /var/lib/sharehub \
 && ln -s /app/dist/src/cli.js /usr/local/bin/sharehub && chmod +x /app/dist/src/cli.js
USER node
VOLUME /var/lib/sharehub
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/src/cli.js"]
CMD ["start"]
