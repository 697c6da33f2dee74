/** A small router: method + path pattern (`/v1/accounts/:username`) -> handler. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: Readonly<Record<string, string>>;
}

export type Handler = (ctx: RequestContext) => Promise<void>;

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

/** Longest path we route; longer paths are not found without splitting them. */
const MAX_PATH_LENGTH = 512;

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern, segments: pattern.split('/'), handler });
    return this;
  }

  /** The route and params for a request, `method-not-allowed`, or undefined (not found). */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method-not-allowed' | undefined {
    if (path.length > MAX_PATH_LENGTH) return undefined;
    const parts = path.split('/');
    let pathMatched = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i]!;
        if (seg.startsWith(':')) {
          let value: string;
          try {
            value = decodeURIComponent(parts[i]!);
          } catch {
            ok = false;
            break;
          }
          if (value.length === 0) ok = false;
          params[seg.slice(1)] = value;
        } else if (seg !== parts[i]) ok = false;
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}
