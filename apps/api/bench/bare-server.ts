// The baseline: a bare Express JSON endpoint, nothing else.
import express from 'express';

const app = express();
app.post('/webhook', express.json({ limit: '4mb' }), (_req, res) => {
  res.json({ status: 'received' });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
