import { parseRedisUrl } from './redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port and database, with defaults 6379 and 0', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/2')).toEqual({ host: '127.0.0.1', port: 6380, db: 2, display: 'redis://127.0.0.1:6380/2' });
    expect(parseRedisUrl('redis://queue-host')).toMatchObject({ host: 'queue-host', port: 6379, db: 0, display: 'redis://queue-host:6379/0' });
    expect(parseRedisUrl('redis://[::1]:7000/')).toMatchObject({ host: '::1', port: 7000, db: 0, display: 'redis://[::1]:7000/0' });
  });

  it('passes credentials to the client but never shows the password', () => {
    const t = parseRedisUrl('redis://ssad:s%40cret@10.0.0.5:6379/1');
    expect(t).toMatchObject({ username: 'ssad', password: 's@cret', display: 'redis://ssad@10.0.0.5:6379/1' });
    expect(() => parseRedisUrl('http://ssad:secret@10.0.0.5/')).toThrow(/^--queue "http:\/\/ssad@10\.0\.0\.5\/": scheme "http:" is not redis:/);
  });

  it.each([
    ['127.0.0.1:6379', /^--queue "127\.0\.0\.1:6379": not a URL \(expected redis:\/\/host:port\[\/db\]\)$/],
    ['localhost:6379', /^--queue "localhost:6379": scheme "localhost:" is not redis:/],
    ['redis://host:6379/one', /--queue "redis:\/\/host:6379\/one": database "one" is not a number \(expected redis:\/\/host:port\[\/db\]\)/],
    ['redis://host:0', /port must be in \[1, 65535\]/],
    ['redis://host:99999', /not a URL/],
    ['redis://host/0?db=1', /no query or fragment allowed/],
    ['', /--queue "": not a URL/],
    ['redis://%zz:pw@host', /--queue "redis:\/\/%zz@host": the user name is not valid percent-encoding/],
  ])('rejects %j naming the URL', (raw, message) => {
    expect(() => parseRedisUrl(raw)).toThrow(message);
  });
});
