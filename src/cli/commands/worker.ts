import type { Command } from 'commander';
import { DEFAULT_PREFIX, queueConnection, redactedUrl } from '../../archive/index-queue.js';
import { IndexWorkers } from '../../archive/index-worker.js';
import { parseNumberOption } from '../output.js';

/**
 * `fewbeat worker --queue redis://…`: take the jobs of every `fewbeat index --queue` run on that Redis
 * server until SIGTERM or SIGINT (the active jobs are finished first; a second signal stops at once).
 */
export function register(program: Command): void {
  program
    .command('worker')
    .description('take and embed the jobs of distributed fewbeat index runs (fewbeat index --queue) until SIGTERM')
    .requiredOption('--queue <url>', 'Redis URL (redis://host:port), as given to fewbeat index --queue')
    .option('--queue-prefix <prefix>', 'prefix of the Redis keys (as given to fewbeat index)', DEFAULT_PREFIX)
    .option('--concurrency <n>', 'jobs embedded at once per index', '1')
    .option('--threads <n>', 'decode worker threads (0: decode in this thread, one core per process)', '0')
    .option('--lock-seconds <s>', "seconds after which a silent worker's job is given to another", '30')
    .action(
      async (opts: {
        queue: string;
        queuePrefix: string;
        concurrency: string;
        threads: string;
        lockSeconds: string;
      }) => {
        const concurrency = parseNumberOption('--concurrency', opts.concurrency, { integer: true, min: 1 });
        const threads = parseNumberOption('--threads', opts.threads, { integer: true, min: 0 });
        const lockSeconds = parseNumberOption('--lock-seconds', opts.lockSeconds, { min: 1 });
        const connection = queueConnection(opts.queue, opts.queuePrefix);
        const log = (line: string): void => {
          process.stderr.write(`worker ${process.pid}: ${line}\n`);
        };
        const workers = await IndexWorkers.start(connection, { concurrency, threads, lockSeconds, log });
        log(`waiting for jobs on ${redactedUrl(connection.url)} (prefix ${connection.prefix})`);
        await new Promise<void>((resolve) => {
          let stopping = false;
          const stop = (signal: NodeJS.Signals): void => {
            if (stopping) {
              log(`${signal} again: stopping now`);
              void workers.close(true).then(resolve);
              return;
            }
            stopping = true;
            log(`${signal}: finishing the active jobs`);
            void workers.close().then(resolve);
          };
          process.on('SIGTERM', stop);
          process.on('SIGINT', stop);
        });
        log('stopped');
      },
    );
}
