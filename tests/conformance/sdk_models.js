'use strict';
// Reads the official SDK's index.d.ts and checks JSON bodies against its models.
// The SDK's models are the wire format: the JavaScript SDK does not rename
// fields, so every key a response carries must be a property of the model the
// SDK declares for that endpoint, with the declared type. A misspelt or
// invented field, a wrong type, a null (Genesys omits absent fields) or a
// missing required property is reported with its JSON path.

const fs = require('fs');
const path = require('path');

// Parses `{ [key: string]: T; }`, `Array<T>`, `Models.X` and primitives.
function parseType(text) {
  const t = text.trim();
  let m = /^Array<(.*)>$/.exec(t);
  if (m) return { kind: 'array', of: parseType(m[1]) };
  m = /^\{ \[key: string\]: (.*); \}$/.exec(t);
  if (m) return { kind: 'map', of: parseType(m[1]) };
  m = /^Models\.([A-Za-z0-9_]+)$/.exec(t);
  if (m) return { kind: 'model', name: m[1] };
  if (['string', 'number', 'boolean', 'object'].includes(t)) return { kind: 'prim', name: t };
  throw new Error(`index.d.ts: unsupported property type "${t}"`);
}

// Returns Map<modelName, Map<propName, {type, required}>> for `namespace Models`.
function loadModels(indexDts) {
  const text = fs.readFileSync(indexDts, 'utf8');
  const start = text.indexOf('declare namespace Models {');
  if (start < 0) throw new Error(`${indexDts}: no "declare namespace Models"`);
  const models = new Map();
  const lines = text.slice(start).split('\n');
  let current = null;
  for (const line of lines) {
    const open = /^\texport interface ([A-Za-z0-9_]+) \{/.exec(line);
    if (open) {
      current = new Map();
      models.set(open[1], current);
      continue;
    }
    if (!current) continue;
    if (/^\t\}/.test(line)) { current = null; continue; }
    const prop = /^\t\t"([^"]+)"(\??): (.*);\s*$/.exec(line);
    if (prop) current.set(prop[1], { type: parseType(prop[3]), required: prop[2] !== '?' });
  }
  return models;
}

function defaultIndexDts() {
  const pkg = require.resolve('purecloud-platform-client-v2/package.json');
  return path.join(path.dirname(pkg), 'index.d.ts');
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;

// Properties the SDK marks required that Genesys itself leaves out of
// embedded references (a flow's lockedUser is {id,name,selfUri}); the reason
// is the swagger's request-side "required", not the response.
const REQUIRED_EXEMPT = new Set(['User.version']);

class ModelChecker {
  constructor(models) { this.models = models; }

  // Returns a list of "path: problem" strings; empty when the value conforms.
  check(value, modelName, where = '$') {
    if (!this.models.has(modelName)) throw new Error(`index.d.ts has no model ${modelName}`);
    const problems = [];
    this._value(value, { kind: 'model', name: modelName }, where, '', problems);
    return problems;
  }

  _value(value, type, where, field, problems) {
    if (value === null) {
      problems.push(`${where}: null (Genesys omits absent fields)`);
      return;
    }
    switch (type.kind) {
      case 'prim':
        if (type.name === 'object') {
          if (typeof value !== 'object') problems.push(`${where}: expected object, got ${typeof value}`);
          return;
        }
        if (typeof value !== type.name) {
          problems.push(`${where}: expected ${type.name}, got ${Array.isArray(value) ? 'array' : typeof value} ${JSON.stringify(value).slice(0, 60)}`);
          return;
        }
        if (type.name === 'string' && /^date/.test(field) && !ISO_DATE.test(value))
          problems.push(`${where}: "${value}" is not an ISO-8601 UTC date like 2024-01-31T12:00:00.000Z`);
        if (type.name === 'string' && /Uri$/.test(field) && !value.startsWith('/api/v2/'))
          problems.push(`${where}: "${value}" is not a path under /api/v2/`);
        return;
      case 'array':
        if (!Array.isArray(value)) { problems.push(`${where}: expected array, got ${typeof value}`); return; }
        value.forEach((item, i) => this._value(item, type.of, `${where}[${i}]`, field, problems));
        return;
      case 'map':
        if (typeof value !== 'object' || Array.isArray(value)) { problems.push(`${where}: expected map object`); return; }
        for (const [k, v] of Object.entries(value)) this._value(v, type.of, `${where}.${k}`, k, problems);
        return;
      case 'model': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          problems.push(`${where}: expected Models.${type.name} object, got ${Array.isArray(value) ? 'array' : typeof value}`);
          return;
        }
        const props = this.models.get(type.name);
        for (const [k, v] of Object.entries(value)) {
          const prop = props.get(k);
          if (!prop) { problems.push(`${where}.${k}: not a field of Models.${type.name}`); continue; }
          this._value(v, prop.type, `${where}.${k}`, k, problems);
        }
        for (const [k, prop] of props) {
          if (prop.required && !(k in value) && !REQUIRED_EXEMPT.has(`${type.name}.${k}`))
            problems.push(`${where}.${k}: required by Models.${type.name} but missing`);
        }
        return;
      }
      default:
        throw new Error(`unknown type kind ${type.kind}`);
    }
  }
}

module.exports = { loadModels, defaultIndexDts, ModelChecker, parseType };
