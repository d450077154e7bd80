import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatHelp, parseArgs, UsageError, type ArgSpec } from './args.js';

const specs: ArgSpec[] = [
  { name: 'data', type: 'string', help: 'dataset root' },
  { name: 'image-size', type: 'int', min: 32, max: 1024, help: 'pixels' },
  { name: 'lr', type: 'number', min: 0, help: 'rate' },
  { name: 'preset', type: 'string', choices: ['paper', 'quick'], help: 'preset' },
  { name: 'seeds', type: 'intList', min: 0, help: 'seeds' },
  { name: 'categories', type: 'list', help: 'categories' },
  { name: 'resume', type: 'flag', help: 'resume' },
  { name: 'out', type: 'string', default: './runs/<category>', help: 'output folder' },
  { name: 'help', type: 'flag', help: 'help' },
];

describe('parseArgs', () => {
  it('parses every kind of value, both spellings, and positionals', () => {
    const r = parseArgs(['--data', '/x', '--image-size=64', '--lr', '0.5', '--seeds', '0,1,2', '--categories=a,b', '--resume', 'img.png', '--', '--odd'], specs);
    expect(r.options).toEqual({ data: '/x', 'image-size': 64, lr: 0.5, seeds: [0, 1, 2], categories: ['a', 'b'], resume: true });
    expect(r.positionals).toEqual(['img.png', '--odd']);
  });

  it.each([
    [['--nope'], /unknown option "--nope" \(known: --data/],
    [['-x'], /unknown option "-x"/],
    [['--image-size', 'big'], /--image-size: expected an integer in \[32, 1024\], got "big"/],
    [['--image-size', '16'], /--image-size: expected an integer in \[32, 1024\], got "16"/],
    [['--image-size', '64.5'], /expected an integer/],
    // Number() would read these as 64, 5 and 7.
    [['--image-size', '0x40'], /--image-size: expected an integer in \[32, 1024\], got "0x40"/],
    [['--lr', '0b101'], /--lr: expected a number/],
    [['--seeds', '0o7'], /--seeds: expected an integer/],
    [['--preset', 'slow'], /--preset: expected one of paper, quick, got "slow"/],
    [['--seeds', '0,x'], /--seeds: expected an integer/],
    [['--seeds', '0,,1'], /--seeds: expected a comma-separated list without empty items, got "0,,1"/],
    [['--categories', 'a,'], /--categories: expected a comma-separated list without empty items/],
    [['--data'], /--data: missing value/],
    [['--data', '--resume'], /--data: missing value/],
    [['--resume=yes'], /--resume: is a flag/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv as string[], specs)).toThrow(UsageError);
    expect(() => parseArgs(argv as string[], specs)).toThrow(message);
  });

  it('lets a repeated option take its last value', () => {
    expect(parseArgs(['--image-size', '64', '--image-size=128'], specs).options['image-size']).toBe(128);
  });

  it('takes -h for --help', () => {
    expect(parseArgs(['-h'], specs).options.help).toBe(true);
    expect(() => parseArgs(['-h'], specs.filter((s) => s.name !== 'help'))).toThrow(/unknown option "-h"/);
  });

  it('lists every option in the help with its default and range', () => {
    const help = formatHelp('usage: x', specs);
    for (const s of specs) expect(help).toContain(`--${s.name}`);
    expect(help).toContain('<paper|quick>');
    expect(help).toMatch(/--image-size <int> +pixels \(range \[32, 1024\]\)/);
    expect(help).toMatch(/--lr <number> +rate \(≥ 0\)/);
    expect(help).toMatch(/--out <string> +output folder \(default \.\/runs\/<category>\)/);
  });

  it('checks path options as they are parsed, naming the option and what is wrong (quoted when it holds control characters)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-args-'));
    try {
      const file = path.join(tmp, 'f.txt');
      fs.writeFileSync(file, '');
      const paths: ArgSpec[] = [
        { name: 'data', type: 'string', path: 'dir', help: '' },
        { name: 'weights', type: 'string', path: 'file', help: '' },
        { name: 'out', type: 'string', path: 'out', help: '' },
        { name: 'help', type: 'flag', help: '' },
      ];
      const refused = (argv: string[]) => () => parseArgs(argv, paths);
      expect(parseArgs(['--data', tmp, '--weights', file, '--out', path.join(tmp, 'new', 'deeper')], paths).options.data).toBe(tmp);
      expect(refused(['--data', path.join(tmp, 'missing')])).toThrow(`--data ${path.join(tmp, 'missing')}: no such folder`);
      expect(refused(['--data', file])).toThrow(`--data ${file}: not a folder`);
      expect(refused(['--weights', tmp])).toThrow(`--weights ${tmp}: a folder, not a file`);
      expect(refused(['--out', file])).toThrow(`--out ${file}: exists and is not a folder`);
      expect(refused(['--out', path.join(file, 'x')])).toThrow(`--out ${path.join(file, 'x')}: cannot be looked up: a part of the path is not a folder (ENOTDIR)`);
      expect(refused(['--data', `${tmp}/a\nb`])).toThrow(`--data ${JSON.stringify(`${tmp}/a\nb`)}: no such folder`);
      // --help is answered even with a bad path beside it.
      expect(parseArgs(['--data', 'missing', '-h'], paths).options.help).toBe(true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
