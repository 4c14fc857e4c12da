import * as path from 'node:path';
import { checkCases } from '../lib/cases';
import { main } from '../lib/cli/main';
import { expectNoLeak, TEST_BACKENDS, useBackend } from './helpers/backends';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'cases');
const WOLFRAM = path.join(__dirname, '..', 'fixtures', 'wolfram');

describe.each(TEST_BACKENDS)('shared case files on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  test(`every case in fixtures/cases passes on ${backend}`, async () => {
    const reports = await expectNoLeak(() => checkCases([FIXTURES], { backend }));
    expect(reports.filter((r) => r.status === 'failed')).toEqual([]);
    expect(reports).toHaveLength(16);
  });

  test(`every case of fixtures/wolfram (the same cases in Wolfram syntax) passes on ${backend}`, async () => {
    const reports = await expectNoLeak(() => checkCases([WOLFRAM], { backend }));
    expect(reports.filter((r) => r.status === 'failed')).toEqual([]);
    expect(reports).toHaveLength(16);
  });

  test(`netport check fixtures/cases --backend ${backend} prints "16 passed, 0 failed"`, async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(await main(['check', FIXTURES, '--backend', backend])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const lines = out.join('').trim().split('\n');
    expect(lines).toHaveLength(17);
    expect(lines[16]).toBe('16 passed, 0 failed');
  });
});
