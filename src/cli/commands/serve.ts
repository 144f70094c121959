import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FewbeatError } from '../../errors.js';
import { startService } from '../../serve/start-service.js';
import { parseNumberOption } from '../output.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the clinician decision-support service (HTTP API, web app, users, audit) on a trained model')
    .option('--model <dir>', 'model directory written by fewbeat train or fewbeat demo', 'out/demo/model')
    .option('--db <url>', 'sqlite:PATH or postgres://user@host:port/db (default: SQLite in the data folder)')
    .option('--data <dir>', 'folder for the SQLite database and the stored ECG files', 'fewbeat-data')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <h>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--threads <n>', 'model worker threads (default: up to 2)')
    .option('--archive <index>', 'archive index (written by fewbeat index with this model) that clinicians may search')
    .option('--trust-proxy', 'behind a TLS-terminating proxy: trust X-Forwarded-* (cookies become Secure)')
    .action(
      async (opts: {
        model: string;
        db?: string;
        data: string;
        port: string;
        host: string;
        threads?: string;
        archive?: string;
        trustProxy?: boolean;
      }) => {
        const port = parseNumberOption('--port', opts.port, { integer: true, min: 0, max: 65535 });
        const threads =
          opts.threads === undefined
            ? undefined
            : parseNumberOption('--threads', opts.threads, { integer: true, min: 1 });
        if (!existsSync(join(opts.model, 'config.json')))
          throw new FewbeatError(
            'no trained model here: make one with `npx fewbeat demo --out out/demo` (or pass --model DIR)',
            { file: opts.model },
          );
        const service = await startService({
          modelDir: opts.model,
          databaseUrl: opts.db,
          dataDir: opts.data,
          archiveDir: opts.archive,
          adminPassword: process.env.FEWBEAT_ADMIN_PASSWORD,
          threads,
          trustProxy: opts.trustProxy ?? false,
          logger: { level: process.env.FEWBEAT_LOG_LEVEL ?? 'info' },
        });
        const address = await service.app.listen({ port, host: opts.host });
        const out = process.stdout;
        out.write(`fewbeat serve: ${address} (API documentation: ${address}/api/docs)\n`);
        out.write(
          `model ${opts.model} (version ` +
            `${service.ctx.model.info.version.slice(0, 12)}), database ` +
            `${service.ctx.database.description}\n`,
        );
        const archive = service.ctx.archive?.info;
        if (archive) out.write(`archive ${archive.dir}: ${archive.windows} windows of ${archive.records} recordings\n`);
        if (service.createdAdmin)
          out.write(
            process.env.FEWBEAT_ADMIN_PASSWORD
              ? `first user: admin, password from FEWBEAT_ADMIN_PASSWORD\n`
              : `first user: admin, one-time password ${service.createdAdmin.password} (shown only now; change it)\n`,
          );
        await new Promise<void>((done) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void service.close().then(done, done);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      },
    );
}
