#!/usr/bin/env node
// ONNX Runtime (CPU) reference runner for dlasim tests and benchmarks.
// This is a test/benchmark peer only; dlasim never depends on it.
//
// Usage:
//   node run_ort.js model.onnx out.json [name=file.npy ...] [--threads=1] [--bench=N]
//                   [--warmup=W] [--saveNpy=DIR]
//
//   name=file.npy  feed input `name` from a .npy file (float32; int32/int64/float64/bool/uint8 also accepted)
//   --threads=T    intraOpNumThreads (default 1)
//   --bench=N      after writing outputs, time N runs after W warm-up runs and print the median latency in ms
//   --warmup=W     warm-up runs for --bench (default 5)
//   --saveNpy=DIR  also write each output as DIR/<sanitized name>.npy
//
// out.json uses trtexec's --exportOutput format:
//   [ { "name": "output", "dimensions": "1x1000", "values": [ ... ] } ]
// Non-finite values are written as NaN / Infinity / -Infinity (accepted by Python's json module).
'use strict';

const fs = require('fs');
const path = require('path');

function die(msg, code = 2) {
  process.stderr.write(`run_ort: ${msg}\n`);
  process.exit(code);
}

let ort;
try {
  ort = require('onnxruntime-node');
} catch (e) {
  die(`cannot load onnxruntime-node (run ${path.join(__dirname, 'setup.sh')} first): ${e.message}`);
}

// ---------------------------------------------------------------- npy I/O

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

// descr -> [ort tensor type, TypedArray constructor, itemsize]
const DTYPES = {
  '<f4': ['float32', Float32Array, 4],
  '<f8': ['float64', Float64Array, 8],
  '<i4': ['int32', Int32Array, 4],
  '<i8': ['int64', BigInt64Array, 8],
  '|u1': ['uint8', Uint8Array, 1],
  '|i1': ['int8', Int8Array, 1],
  '|b1': ['bool', Uint8Array, 1],
};

function parseNpyHeader(text) {
  // e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), }
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) throw new Error(`bad npy header: ${text}`);
  const dims = shape[1].split(',').map(s => s.trim()).filter(s => s.length > 0).map(s => {
    const v = Number(s.replace(/L$/, ''));
    if (!Number.isInteger(v) || v < 0) throw new Error(`bad npy shape: ${shape[1]}`);
    return v;
  });
  let d = descr[1];
  if (d === '=f4' || d === 'f4') d = '<f4';  // native little-endian on x64
  if (d === '=f8' || d === 'f8') d = '<f8';
  if (d === '=i4' || d === 'i4') d = '<i4';
  if (d === '=i8' || d === 'i8') d = '<i8';
  if (d === '<u1' || d === 'u1') d = '|u1';
  if (d === '<i1' || d === 'i1') d = '|i1';
  if (d === '<b1' || d === 'b1' || d === '?' || d === '|?') d = '|b1';
  return { descr: d, fortran: fortran[1] === 'True', dims };
}

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(NPY_MAGIC)) throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  let hlen, hstart;
  if (major === 1) { hlen = buf.readUInt16LE(8); hstart = 10; }
  else if (major === 2 || major === 3) { hlen = buf.readUInt32LE(8); hstart = 12; }
  else throw new Error(`${file}: unsupported npy version ${major}`);
  const hdr = parseNpyHeader(buf.subarray(hstart, hstart + hlen).toString(major === 3 ? 'utf8' : 'latin1'));
  if (hdr.fortran) throw new Error(`${file}: fortran_order arrays are not supported`);
  const dt = DTYPES[hdr.descr];
  if (!dt) throw new Error(`${file}: unsupported dtype ${hdr.descr}`);
  const [type, Ctor, itemsize] = dt;
  const count = hdr.dims.reduce((a, b) => a * b, 1);
  const off = hstart + hlen;
  if (buf.length - off < count * itemsize) throw new Error(`${file}: truncated data (${buf.length - off} < ${count * itemsize} bytes)`);
  // copy into an aligned buffer
  const bytes = new Uint8Array(count * itemsize);
  bytes.set(buf.subarray(off, off + count * itemsize));
  let data = new Ctor(bytes.buffer, 0, count);
  if (type === 'bool') data = Uint8Array.from(data, v => (v ? 1 : 0));
  return { type, data: type === 'bool' ? Array.from(data, v => v !== 0) : data, dims: hdr.dims };
}

function npyDescrFor(type) {
  switch (type) {
    case 'float32': return ['<f4', 4];
    case 'float64': return ['<f8', 8];
    case 'int32': return ['<i4', 4];
    case 'int64': return ['<i8', 8];
    case 'uint8': return ['|u1', 1];
    case 'int8': return ['|i1', 1];
    case 'bool': return ['|b1', 1];
    default: throw new Error(`cannot write npy for tensor type ${type}`);
  }
}

function writeNpy(file, type, dims, data) {
  const [descr] = npyDescrFor(type);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  NPY_MAGIC.copy(pre, 0);
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  let body;
  if (type === 'bool') body = Buffer.from(Uint8Array.from(data, v => (v ? 1 : 0)));
  else body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

// ---------------------------------------------------------------- JSON output

function fmtValue(v) {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

function writeTrtexecJson(file, outputs) {
  const parts = outputs.map(o => {
    const vals = new Array(o.data.length);
    for (let i = 0; i < o.data.length; i++) vals[i] = fmtValue(o.data[i]);
    return `  { "name" : ${JSON.stringify(o.name)},\n    "dimensions" : ${JSON.stringify(o.dims.join('x'))},\n    "values" : [ ${vals.join(', ')} ]\n  }`;
  });
  fs.writeFileSync(file, `[\n${parts.join(',\n')}\n]\n`);
}

// ---------------------------------------------------------------- main

async function main() {
  const argv = process.argv.slice(2);
  const pos = [];
  const feedsSpec = [];
  let threads = 1, bench = 0, warmup = 5, saveNpy = null;
  for (const a of argv) {
    let m;
    if ((m = /^--threads=(\d+)$/.exec(a))) threads = Number(m[1]);
    else if ((m = /^--bench=(\d+)$/.exec(a))) bench = Number(m[1]);
    else if ((m = /^--warmup=(\d+)$/.exec(a))) warmup = Number(m[1]);
    else if ((m = /^--saveNpy=(.+)$/.exec(a))) saveNpy = m[1];
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node run_ort.js model.onnx out.json [name=file.npy ...] [--threads=1] [--bench=N] [--warmup=5] [--saveNpy=DIR]\n');
      return;
    } else if (a.startsWith('--')) die(`unknown option ${a}`);
    else if (pos.length < 2) pos.push(a);
    else if ((m = /^([^=]+)=(.+)$/.exec(a))) feedsSpec.push([m[1], m[2]]);
    else die(`bad input spec '${a}' (expected name=file.npy)`);
  }
  if (pos.length < 2) die('usage: node run_ort.js model.onnx out.json [name=file.npy ...] [--threads=1] [--bench=N]');
  const [modelPath, outPath] = pos;

  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
  });

  const feeds = {};
  for (const [name, file] of feedsSpec) {
    if (!session.inputNames.includes(name)) die(`model has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
    const t = readNpy(file);
    feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  }
  const missing = session.inputNames.filter(n => !(n in feeds));
  if (missing.length) die(`missing inputs: ${missing.join(', ')}`);

  const results = await session.run(feeds);
  const outputs = session.outputNames.map(name => {
    const t = results[name];
    return { name, type: t.type, dims: t.dims.map(Number), data: t.data };
  });
  writeTrtexecJson(outPath, outputs);
  if (saveNpy) {
    fs.mkdirSync(saveNpy, { recursive: true });
    for (const o of outputs) writeNpy(path.join(saveNpy, o.name.replace(/[^A-Za-z0-9_.-]/g, '_') + '.npy'), o.type, o.dims, o.data);
  }

  if (bench > 0) {
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < bench; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const s = [...times].sort((a, b) => a - b);
    const n = s.length;
    const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    const mean = times.reduce((a, b) => a + b, 0) / n;
    process.stdout.write(`median latency: ${median.toFixed(3)} ms (runs=${n}, warmup=${warmup}, threads=${threads}, ` +
      `min=${s[0].toFixed(3)} ms, mean=${mean.toFixed(3)} ms, max=${s[n - 1].toFixed(3)} ms, onnxruntime-node ${ort.env.versions ? ort.env.versions.common : ''})\n`);
  }
  if (typeof session.release === 'function') await session.release();
}

main().catch(e => die(process.env.RUN_ORT_DEBUG && e && e.stack ? e.stack : (e && e.message ? e.message : String(e))));
