'use strict';
// Conformance: the official Genesys JavaScript SDK (purecloud-platform-client-v2,
// pinned in tests/node/package.json) drives flowlink-emulator through
// setGateway on loopback. Every response body is checked against the SDK's own
// models (index.d.ts), so a field the emulator invents or misspells fails here.
//
// Usage: node conformance.js --port PORT --seed DIR --client-id ID --client-secret S --org-name NAME
// Prints one line per check and ends with "N passed, M failed"; exit status 1
// when anything failed.

const fs = require('fs');
const path = require('path');
const { loadModels, defaultIndexDts, ModelChecker } = require('./sdk_models.js');
const { expect, hard, expectConforms, runChecks } = require('./checks.js');
const platformClient = require('purecloud-platform-client-v2');

function argValue(name) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing --${name}`);
  return process.argv[i + 1];
}

const port = Number(argValue('port'));
const seedDir = argValue('seed');
const clientId = argValue('client-id');
const clientSecret = argValue('client-secret');
const orgName = argValue('org-name');  // what the emulator was started with (--org-name)
const base = `http://127.0.0.1:${port}`;

const org = JSON.parse(fs.readFileSync(path.join(seedDir, 'org.json'), 'utf8'));
const seeded = (name) => {
  const entry = org.find((e) => e.name === name);
  if (!entry) throw new Error(`${seedDir}/org.json: no flow named ${name}`);
  return { ...entry, doc: JSON.parse(fs.readFileSync(path.join(seedDir, entry.file), 'utf8')) };
};
const MODULE = seeded('Common_Validation_Module');
const CONSUMER = seeded('Support Line');
const CACHE = seeded('Cache Example');
const UNKNOWN_FLOW = '00000000-0000-4000-8000-000000000404';

// Enumerations the SDK's index.d.ts types as plain strings; the values are
// those of the Platform API swagger, copied into the shared reference.
const FLOW_TYPES = ['BOT', 'COMMONMODULE', 'DIGITALBOT', 'EMAILSEND', 'INBOUNDCALL', 'INBOUNDCHAT',
  'INBOUNDEMAIL', 'INBOUNDSHORTMESSAGE', 'INQUEUECALL', 'INQUEUEEMAIL', 'INQUEUESHORTMESSAGE',
  'OUTBOUNDCALL', 'SECURECALL', 'SPEECH', 'SURVEYINVITE', 'VOICE', 'VOICEMAIL', 'VOICESURVEY',
  'WORKFLOW', 'WORKITEM'];
const ACTION_NAMES = ['CREATE', 'CHECKIN', 'CHECKOUT', 'DEBUG', 'DELETE', 'HISTORY', 'PUBLISH',
  'REVERT', 'SAVE', 'STATE_CHANGE', 'UPDATE', 'VALIDATE'];
const ACTION_STATUSES = ['LOCKED', 'UNLOCKED', 'STARTED', 'PENDING_GENERATION',
  'PENDING_BACKEND_NOTIFICATION', 'SUCCESS', 'FAILURE'];

const models = new ModelChecker(loadModels(defaultIndexDts()));
const client = platformClient.ApiClient.instance;
client.setGateway({ host: '127.0.0.1', port, protocol: 'http' });
// Extended responses carry status, headers and the body as parsed from the
// wire (axios JSON.parse), so the model check sees the emulator's own keys.
client.setReturnExtendedResponses(true);
const architect = new platformClient.ArchitectApi(client);
const organizations = new platformClient.OrganizationApi(client);

// Resolves both outcomes of an SDK call to {status, headers, body}.
async function sdk(promise) {
  try {
    return await promise;
  } catch (e) {
    // Login rejects with the raw axios error; API calls with an extended response.
    if (e && e.response) return { status: e.response.status, headers: e.response.headers, body: e.response.data };
    if (e && typeof e.status === 'number' && 'body' in e) return e;
    throw e;
  }
}

async function control(method, urlPath, body) {
  const res = await fetch(`${base}${urlPath}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${urlPath} -> ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

function expectStatus(res, status, what) {
  hard(res.status === status, `${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}

function expectErrorBody(res, status, what) {
  expectStatus(res, status, what);
  expectConforms(models.check(res.body, 'ErrorBody'), `${what} error body`);
  expect(res.body.status === status, `${what}: ErrorBody.status ${res.body.status} != ${status}`);
  expect(typeof res.body.code === 'string' && res.body.code.length > 0, `${what}: ErrorBody.code missing`);
  expect(typeof res.body.message === 'string' && res.body.message.length > 0, `${what}: ErrorBody.message missing`);
}

function checkFlow(flow, what) {
  expectConforms(models.check(flow, 'Flow'), what);
  expect(FLOW_TYPES.includes(flow.type), `${what}: type "${flow.type}" is not an uppercase flow type`);
  expect(flow.selfUri === `/api/v2/flows/${flow.id}`, `${what}: selfUri "${flow.selfUri}"`);
}

function checkOperation(op, action, what) {
  expectConforms(models.check(op, 'Operation'), what);
  expect(op.actionName === action, `${what}: actionName "${op.actionName}" != ${action}`);
  expect(ACTION_STATUSES.includes(op.actionStatus), `${what}: actionStatus "${op.actionStatus}"`);
  expect(typeof op.id === 'string' && op.id.length > 0, `${what}: Operation.id missing`);
  expect(typeof op.complete === 'boolean', `${what}: Operation.complete missing`);
}

// Polls the flow until its current operation finished; returns the flow.
async function settle(flowId, what) {
  for (let i = 0; i < 100; i++) {
    const res = await sdk(architect.getFlow(flowId));
    expectStatus(res, 200, what);
    checkFlow(res.body, what);
    const op = res.body.currentOperation;
    if (op) checkOperation(op, op.actionName, `${what} currentOperation`);
    if (!op || op.complete) {
      if (op) expect(op.actionStatus === 'SUCCESS', `${what}: operation ended ${op.actionStatus} ${op.errorMessage || ''}`);
      return res.body;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: operation still running after 100 polls`);
}

// The consumer, edited the way flowlink edits: one more action linked in after
// the module call, with a fresh trackingId.
function editedConsumer(doc) {
  const copy = JSON.parse(JSON.stringify(doc));
  const task = copy.flowSequenceItemList[0];
  const call = task.actionList.find((a) => a.__type === 'CallCommonModuleAction');
  const added = {
    __type: 'UpdateVariableAction', id: '5d0c8e21-7f4b-4b55-9c3e-0000000000c1', name: 'Remember check',
    trackingId: copy.nextTrackingNumber, uiMetaData: { collapsed: false },
    variables: [{
      expression: { config: { lit: { pos: 1, text: 'true', type: 'bln' } }, text: 'true', type: 'bln', uiMetaData: { mode: 1 }, metaData: {}, version: 2 },
      variable: { text: 'Task.CallerOk', type: 'bln', uiMetaData: { mode: 2 }, metaData: {}, version: 2 },
    }],
    nextAction: call.nextAction,
  };
  call.nextAction = added.id;
  task.actionList.push(added);
  copy.nextTrackingNumber += 1;
  return copy;
}

require('./conformance_steps.js')({
  base, clientId, clientSecret, orgName, client, architect, organizations, models, sdk, control,
  expectStatus, expectErrorBody, checkFlow, checkOperation, settle, editedConsumer,
  MODULE, CONSUMER, CACHE, UNKNOWN_FLOW, ACTION_NAMES,
});

runChecks().then((failed) => process.exit(failed ? 1 : 0));
