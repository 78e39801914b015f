import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HallRegistry, parseHalls } from './hall-registry.js';

describe('HallRegistry', () => {
  it('is the demo halls while the development issuer is on, and none with an external issuer and no HALLS_FILE', () => {
    const demo = HallRegistry.fromConfig({ HALLS_FILE: undefined, devIssuerEnabled: true });
    expect(demo.configured).toBe(true);
    expect(demo.find('LONGYOU-01')).toMatchObject({ nameZh: '龙游县政务服务中心', regionCode: '330825' });
    expect(demo.clerkProblem('LONGYOU-01', '330825')).toBeNull();
    expect(demo.clerkProblem('PUDONG-07', '310115')).toMatch(/not in the hall registry/);
    expect(demo.clerkProblem('LONGYOU-01', '310106')).toMatch(/region/);
    expect(demo.unknownHalls(['LONGYOU-01', 'PUDONG-07', 'bad code'])).toEqual(['PUDONG-07', 'bad code']);

    const none = HallRegistry.fromConfig({ HALLS_FILE: undefined, devIssuerEnabled: false });
    expect(none.configured).toBe(false);
    expect(none.clerkProblem('PUDONG-07', '310115')).toBeNull();
    expect(none.unknownHalls(['PUDONG-07', 'bad code'])).toEqual(['bad code']);
  });

  it('reads HALLS_FILE, which replaces the demo halls', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onegate-halls-'));
    const file = join(dir, 'halls.json');
    await writeFile(file, JSON.stringify([{ code: 'PUDONG-07', name: 'Pudong Hall 7', nameZh: '浦东新区第七服务中心', regionCode: '310115' }]));
    const registry = HallRegistry.fromConfig({ HALLS_FILE: file, devIssuerEnabled: false });
    expect(registry.configured).toBe(true);
    expect(registry.clerkProblem('PUDONG-07', '310115')).toBeNull();
    expect(registry.clerkProblem('LONGYOU-01', '330825')).toMatch(/not in the hall registry/);
  });

  it('refuses a malformed registry', () => {
    expect(() => parseHalls([])).toThrow(/non-empty/);
    expect(() => parseHalls([{ code: 'a b', name: 'x', regionCode: '310115' }])).toThrow(/code/);
    expect(() => parseHalls([{ code: 'A-1', name: 'x', regionCode: '999999' }])).toThrow(/regionCode/);
    expect(() =>
      parseHalls([
        { code: 'A-1', name: 'x', regionCode: '310115' },
        { code: 'A-1', name: 'y', regionCode: '310115' },
      ]),
    ).toThrow(/repeats/);
  });
});
