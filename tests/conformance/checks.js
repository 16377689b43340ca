'use strict';
// A tiny sequential check runner. Checks run in registration order because
// later ones build on earlier ones (check out, save, check in, publish).
// Expectations are soft: one check reports every deviation it sees, so a
// single run lists all the ways the emulator differs from the SDK's models.
// `hard` ones stop the check (e.g. a wrong status makes the body meaningless).

const registered = [];
let current = null;

function check(name, fn) { registered.push({ name, fn }); }

function expect(condition, message) {
  if (!current) throw new Error('expect() outside a check');
  if (!condition) current.problems.push(message);
}

function hard(condition, message) {
  if (!condition) throw new Error(message);
}

function expectConforms(problems, what) {
  for (const p of problems) expect(false, `${what}: ${p}`);
}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a === e) return;
  let i = 0;
  while (i < a.length && a[i] === e[i]) i++;
  expect(false, `${what}: differs at character ${i}: got ...${a.slice(Math.max(0, i - 60), i + 60)}... expected ...${e.slice(Math.max(0, i - 60), i + 60)}...`);
}

// Same JSON content, key order aside (the order is checked separately).
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]);
    return out;
  }
  return v;
}

function expectSameContent(actual, expected, what) {
  expectEqual(canonical(actual), canonical(expected), what);
}

async function runChecks() {
  let passed = 0;
  let failed = 0;
  for (const c of registered) {
    current = { problems: [] };
    try {
      await c.fn();
    } catch (e) {
      current.problems.push(e && e.stack && !(e instanceof Error && e.message && e.constructor === Error) ? e.stack : String(e && e.message ? e.message : JSON.stringify(e)));
    }
    if (current.problems.length === 0) {
      passed++;
      console.log(`ok - ${c.name}`);
    } else {
      failed++;
      console.log(`not ok - ${c.name}`);
      for (const p of current.problems) console.log(`    ${p}`);
    }
  }
  current = null;
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}

module.exports = { check, expect, hard, expectConforms, expectEqual, expectSameContent, runChecks };
