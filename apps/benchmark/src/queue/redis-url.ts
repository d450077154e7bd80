// `--queue redis://[user:password@]host[:port][/db]`: checked before any work so a typo fails at once, naming the
// URL. Messages show the URL without its password, since they end up in logs.
import { UsageError } from '@ssad/pipeline';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** The URL as shown in messages: redis://host:port/db, with the user but never the password. */
  display: string;
}

const FORM = 'expected redis://host:port[/db]';

export function parseRedisUrl(raw: string): RedisTarget {
  const shown = JSON.stringify(raw.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@'));
  const bad = (why: string) => new UsageError(`--queue ${shown}: ${why} (${FORM})`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:') throw bad(`scheme "${u.protocol}" is not redis:`);
  if (!u.hostname) throw bad('no host');
  if (u.search || u.hash) throw bad('no query or fragment allowed');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (port < 1) throw bad('port must be in [1, 65535]');
  const path = u.pathname.replace(/^\/+/, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) throw bad(`database "${path}" is not a number`);
  const db = path === '' ? 0 : Number(path);
  // URL keeps IPv6 literals in brackets; the client wants the bare address.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  // A stray "%" (found by fuzzing: decodeURIComponent threw a URIError past the usage message).
  const decode = (part: string, what: string) => {
    try {
      return part ? decodeURIComponent(part) : undefined;
    } catch {
      throw bad(`the ${what} is not valid percent-encoding`);
    }
  };
  const username = decode(u.username, 'user name');
  const password = decode(u.password, 'password');
  return { host, port, db, username, password, display: `redis://${u.username ? `${u.username}@` : ''}${u.hostname}:${port}/${db}` };
}
