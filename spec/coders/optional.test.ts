/** Without sharp installed, decoding an image is one clear NetError naming the package; PNG encoding still works. */
/* eslint-disable @typescript-eslint/no-require-imports */
test('a missing sharp is "unsupported" with the command to install it', async () => {
  let pixels!: typeof import('../../lib/coders/pixels');
  let errors!: typeof import('../../lib/errors');
  jest.isolateModules(() => {
    jest.doMock('sharp', () => {
      throw Object.assign(new Error("Cannot find module 'sharp'"), { code: 'MODULE_NOT_FOUND' });
    });
    pixels = require('../../lib/coders/pixels');
    errors = require('../../lib/errors');
  });
  const png = pixels.encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3]) });
  expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  const e = await pixels.decodeImage(png).catch((x: unknown) => x);
  expect(errors.isNetError(e) && `${e.code}: ${e.message}`).toBe('unsupported: Decoding images needs the optional package sharp: npm install sharp');
});
