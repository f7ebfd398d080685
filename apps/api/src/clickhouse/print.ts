// `pnpm --filter ./apps/api migrations:print`: every migration's SQL as it would run, for review.
import { migrationSql } from './migrations.js';

const cluster = process.env.CLICKHOUSE_CLUSTER || null;
const database = process.env.CLICKHOUSE_DATABASE || 'coexist';
for (const statement of migrationSql({ database, cluster })) {
  console.log(statement.startsWith('--') ? `\n${statement}` : `${statement};\n`);
}
