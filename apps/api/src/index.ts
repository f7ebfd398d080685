export { AnalyticsRefresher } from './analytics/refresher.js';
export { migrate, migrationSql } from './clickhouse/migrations.js';
export { Warehouse } from './clickhouse/warehouse.js';
export { loadApiEnv, metaSettings } from './env.js';
export { chTime } from './ingest/rows.js';
export { type RunningApi, type StartOptions, startApi } from './server.js';
