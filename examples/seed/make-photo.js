// Writes examples/seed/photo.png, the gallery's test image: a 480 x 320 picture of a house
// with a red roof and a red door in a green field under a blue sky, with a yellow sun and
// a little film grain (so that no two neighbouring pixels tie exactly). Made by code,
// reproducibly, since the reference page's ExampleData test images cannot be shipped.
// Run after `npm install` (it uses netport's PNG encoder from dist/):
//   node examples/seed/make-photo.js
const path = require('node:path');
const { writeFileSync } = require('node:fs');
const { encodePng } = require('../../dist/lib/coders/pixels');

const width = 480;
const height = 320;
const data = new Uint8Array(width * height * 3);

let seed = 20171;
const grain = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return (seed / 4294967296 - 0.5) * 10;
};

const inside = (x, y, [x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1;

for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    const horizon = 205 + 12 * Math.sin(x / 60);
    let rgb;
    if (y < horizon) rgb = [110 + y / 3, 160 + y / 4, 235]; // sky, lighter near the horizon
    else rgb = [60 + 20 * Math.sin(x / 9 + y / 5), 140 - (y - horizon) / 3, 50]; // field
    const sun = Math.hypot(x - 400, y - 60);
    if (sun < 32) rgb = [255, 220, 60];
    else if (sun < 44) rgb = rgb.map((v, i) => v + ((44 - sun) / 12) * ([255, 220, 60][i] - v));
    if (inside(x, y, [120, 150, 300, 260])) rgb = [225, 215, 190]; // walls
    const roof = y >= 80 && y < 150 && Math.abs(x - 210) < (y - 80) * 1.45 + 8;
    if (roof) rgb = [185, 35, 30]; // red roof
    if (inside(x, y, [195, 200, 225, 260])) rgb = [150, 20, 25]; // red door
    if (inside(x, y, [140, 175, 175, 205]) || inside(x, y, [245, 175, 280, 205])) rgb = [120, 170, 210]; // windows
    const o = (y * width + x) * 3;
    for (let i = 0; i < 3; i++) data[o + i] = Math.max(0, Math.min(255, Math.round(rgb[i] + grain())));
  }
}

writeFileSync(path.join(__dirname, 'photo.png'), encodePng({ width, height, channels: 3, data }));
