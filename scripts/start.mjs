// `pnpm start`: runs the whole platform. Until the api, sender and sandbox exist in full,
// it says what it will start and starts what exists.
console.log(`Coexist — pnpm start
Will start, on embedded defaults: the Meta sandbox (port 8090), the api with ingest and the
dashboard (port 8080), and the sender, against Redis at REDIS_URL and chDB under DATA_DIR.
These arrive with the following issues; today only the workspace is built.`);
