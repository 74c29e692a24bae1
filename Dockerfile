# Duban for an intranet host: `docker build -t duban .` then see deploy/compose.yaml.
# Build stage: install, compile and stage the production tree with the same script as `npm run pack:offline`.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/pack-offline.mjs --stage /out

# Runtime: plain Debian; Node 24 comes inside the staged node_modules (the `node` package), as in the offline tarball.
FROM debian:bookworm-slim
# Chromium and a CJK font print the PDF dossiers (一案一档); without them the print view still works.
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin duban \
 && mkdir -p /data && chown duban:duban /data
WORKDIR /app
COPY --from=build --chown=root:root /out /app
ENV PATH=/app/node_modules/.bin:$PATH \
    NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATABASE_URL=file:/data/duban.db \
    FILES_DIR=/data/files
USER duban
VOLUME ["/data"]
EXPOSE 8787
# /healthz also reports a database that cannot write (503).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8787/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "bin/duban.js", "serve"]
