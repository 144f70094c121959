import type { FastifyInstance } from 'fastify';

/** One route the server answers: its method and URL template (`/api/cases/:id`). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

/**
 * Every route a ready fastify app answers, read from fastify's own router (`printRoutes`), not from
 * a list kept by hand: a route added anywhere (the route table, a plugin, a later `app.get`) is in
 * it. `printRoutes({ commonPrefix: false })` prints the radix tree one node per line, indented by
 * four characters per level, a node's path segment followed by its methods in parentheses:
 *
 * ```
 * └── /api/cases (GET, HEAD, POST)
 *     └── /:id (GET, HEAD)
 * ```
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[└├]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] as string).length / 4;
    stack.length = depth;
    stack.push(m[2] as string);
    const url = stack.join('');
    for (const method of (m[3] ?? '').split(',').map((x) => x.trim())) if (method !== '') routes.push({ method, url });
  }
  return routes;
}
