# One image for every role; docker-compose.yml picks the entry point:
#   node dist/apps/api/src/main.js         (HTTP admin api)
#   node dist/apps/worker/src/main.js      (BullMQ worker)
#   node dist/apps/tenant-api/src/main.js  (tenant-api: the example product api on tenant databases)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# --ignore-scripts: nothing the build needs has an install script, and the image's npm 10
# does not enforce package.json "allowScripts" (npm 11), so this keeps the same policy.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# pg_dump and pg_restore: purge backups, restores and moves run them (Debian bookworm's are
# PostgreSQL 15's; they must be at least as new as the servers they read).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
# dist/ holds the compiled migrations too; the services find them relative to their own files.
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3001 3002
CMD ["node", "dist/apps/api/src/main.js"]
