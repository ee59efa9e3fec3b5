// Prints the C2 goldens pinned in src/codec/deflate/deflate_golden_test.cc:
// node's zlib.deflateRawSync (Chromium zlib, ANZAC++ hash, node >= 20.10) over the
// inputs of tests/testutil/deflate_inputs.cc, regenerated here with the same
// xorshift32 stream. Run with node 20.10+: `node tests/data/deflate/golden.js`.
'use strict';
const zlib = require('zlib');
const crypto = require('crypto');

function xorshift32(seed) {
  let s = (seed >>> 0) || 1;
  return () => {
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    return s;
  };
}

function randomInput(size, seed) {
  const next = xorshift32(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = next() >>> 24;
  return out;
}

function textInput(size, seed) {
  const words = ['the ', 'deflate ', 'window ', 'hash ', 'chain ', 'match ', 'lazy ', 'block ',
                 'tree\n', 'of ', 'return ', 'const ', '{ ', '} ', 'he '];
  const next = xorshift32(seed);
  let text = '';
  while (text.length < size) {
    text += words[next() % words.length];
    if (next() % 7 === 0) text += String.fromCharCode(48 + (next() % 10));
  }
  return Buffer.from(text.slice(0, size), 'latin1');
}

function repetitiveInput(size, zeros) {
  let text = 'abcabcabd'.repeat(10);
  while (text.length < size) text += 'xyz';
  return Buffer.concat([Buffer.from(text.slice(0, size), 'latin1'), Buffer.alloc(zeros)]);
}

const inputs = [
  ['empty', Buffer.alloc(0)],
  ['one', Buffer.from('a')],
  ['sentence', Buffer.from('The quick brown fox jumps over the lazy dog; the dog sleeps. ' +
                           'Then the fox jumps again over the dog.')],
  ['qzx_zero', Buffer.from('_qZx\u00000123456789qZx', 'latin1')],
  ['text_5k', textInput(5000, 7)],
  ['random_3k', randomInput(3000, 11)],
  ['repetitive', repetitiveInput(20000, 3000)],
  ['text_70k', textInput(70000, 3)],
];

console.log(`// node ${process.version}, zlib ${process.versions.zlib}`);
for (const [name, bytes] of inputs) {
  const sha = crypto.createHash('sha256').update(bytes).digest('hex');
  console.log(`// input ${name}: ${bytes.length} bytes, sha256 ${sha}`);
  for (let level = 1; level <= 9; level++) {
    for (const memLevel of [1, 8, 9]) {
      const out = zlib.deflateRawSync(bytes, {level, memLevel});
      const digest = crypto.createHash('sha256').update(out).digest('hex');
      console.log(`    {"${name}", ${level}, ${memLevel}, ${out.length}, "${digest}"},`);
    }
  }
}
