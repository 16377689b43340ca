#!/usr/bin/env node
// Validates JSON files against a JSON Schema (draft 2020-12) with ajv.
//   node check-schema.js SCHEMA JSONFILE...
// Exits 0 when every file is valid; 1 with ajv's errors (per file) otherwise;
// 2 on a usage error or a file that cannot be read.
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: cannot read JSON: ${error.message}`);
    process.exit(2);
  }
}

const [schemaFile, ...files] = process.argv.slice(2);
if (!schemaFile || files.length === 0) {
  console.error('usage: node check-schema.js SCHEMA JSONFILE...');
  process.exit(2);
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(readJson(schemaFile));
} catch (error) {
  console.error(`${schemaFile}: not a valid schema: ${error.message}`);
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  if (validate(readJson(file))) {
    console.log(`${file}: valid against ${path.basename(schemaFile)}`);
    continue;
  }
  failed += 1;
  console.error(`${file}: INVALID against ${path.basename(schemaFile)}`);
  for (const error of validate.errors) {
    const where = error.instancePath || '(root)';
    console.error(`  ${where}: ${error.message} ${JSON.stringify(error.params)}`);
  }
}
process.exit(failed ? 1 : 0);
