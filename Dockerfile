# Loadgraph's container image: a build stage that compiles the gateway, and a slim runtime stage that
# holds only the production dependencies and the build output, run by node itself as PID 1 (it handles
# SIGTERM: drains, closes WebSocket clients with 1001, exits 0 within SHUTDOWN_GRACE_MS).
#
#   docker build -t loadgraph .
#   docker run -p 4000:4000 -e LOADGRAPH_EMULATOR=0 -e AWS_REGION=eu-west-1 -e AUTH_MODE=jwt ... loadgraph
#
# Without LOADGRAPH_EMULATOR=0 (or an endpoint setting) the image runs on the embedded emulator, as
# `npm start` does; its first log line says which.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs it (postinstall): the mends it makes to node_modules are listed in the script.
COPY scripts/patch-dependencies.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/patch-dependencies.mjs scripts/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
