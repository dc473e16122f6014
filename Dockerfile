# One image for every daemon of the mail suite (smtpd, mda, queue-runner, pop3d, imapd) and mailctl.
# docker-compose.yml runs one container per daemon from it: node apps/<daemon>/dist/bin.js --config /etc/mail/mail.yaml

# ---- build: install every dependency, compile, then keep only what runs ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV CI=true

# pnpm at the version package.json pins.
COPY package.json ./
RUN npm install -g --no-fund --no-audit "pnpm@$(node -p 'require("./package.json").packageManager.split("@")[1]')"

# Dependencies from the lockfile alone, so this layer is reused until the lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch

COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm exec turbo run build --output-logs=errors-only \
 && rm -rf node_modules apps/*/node_modules packages/*/node_modules tests/node_modules bench/node_modules \
 && pnpm install --offline --frozen-lockfile --prod \
 && rm -rf .turbo apps/*/.turbo packages/*/.turbo

# ---- runtime ----
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app

# /etc/mail (the config volume) starts with the production example; /var/lib/mail (the maildata volume) holds
# the Maildirs. Both belong to the unprivileged user the daemons run as.
RUN mkdir -p /etc/mail/tls /etc/mail/dkim /var/lib/mail/mailboxes \
 && chown -R node:node /etc/mail /var/lib/mail
COPY --chown=node:node examples/mail.yaml /etc/mail/mail.yaml

USER node
EXPOSE 25 587 465 110 995 143 993
CMD ["node", "apps/mailctl/dist/cli.js", "help"]
