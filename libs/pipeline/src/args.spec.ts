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
});
