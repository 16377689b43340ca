'use strict';
// The checks, in the order a flowlink apply would meet them: log in, list,
// read, lock, save, check in, publish, versions, dependency tracking; then
// the error answers (401, 404, 409, 429). Each SDK call returns an extended
// response {status, headers, body}; bodies are checked against index.d.ts.

const { check, expect, hard, expectConforms, expectEqual, expectSameContent } = require('./checks.js');

module.exports = function registerSteps(ctx) {
  const {
    base, clientId, clientSecret, orgName, client, architect, organizations, models, sdk, control,
    expectStatus, expectErrorBody, checkFlow, checkOperation, settle, editedConsumer,
    MODULE, CONSUMER, CACHE, UNKNOWN_FLOW,
  } = ctx;
  const state = {};

  function expectGenesysHeaders(res, what) {
    const h = res.headers || {};
    expect(typeof h['inin-correlation-id'] === 'string', `${what}: no ININ-Correlation-Id header`);
    expect(/^application\/json/.test(h['content-type'] || ''), `${what}: Content-Type "${h['content-type']}"`);
  }

  // A FlowVersion conforms and says who made it (exactly one of createdBy, a
  // person, and createdByClient, an OAuth client) and when: dateCreated and
  // dateCheckedIn epoch ms, datePublished an ISO-8601 string (the model
  // checker holds date* strings to ISO-8601 with ms). Returns "user:<name>"
  // or "client:<id>".
  function checkVersionWhoWhen(v, what) {
    expectConforms(models.check(v, 'FlowVersion'), what);
    const user = v.createdBy !== undefined;
    const byClient = v.createdByClient !== undefined;
    expect(user !== byClient, `${what}: createdBy ${JSON.stringify(v.createdBy)} / createdByClient ${JSON.stringify(v.createdByClient)}: want exactly one`);
    expect(Number.isInteger(v.dateCreated) && v.dateCreated > 0, `${what}: dateCreated ${v.dateCreated}`);
    if (v.dateCheckedIn !== undefined) {
      expect(Number.isInteger(v.dateCheckedIn) && v.dateCheckedIn >= v.dateCreated,
        `${what}: dateCheckedIn ${v.dateCheckedIn} before dateCreated ${v.dateCreated}`);
    }
    if (v.datePublished !== undefined) {
      expect(/\.\d{3}Z$/.test(v.datePublished), `${what}: datePublished "${v.datePublished}" has no milliseconds`);
      expect(v.dateCheckedIn !== undefined && Date.parse(v.datePublished) >= v.dateCheckedIn,
        `${what}: datePublished ${v.datePublished} before dateCheckedIn ${v.dateCheckedIn}`);
    }
    if (user) {
      expect(typeof v.createdBy.id === 'string' && v.createdBy.selfUri === `/api/v2/users/${v.createdBy.id}`,
        `${what}: createdBy ${JSON.stringify(v.createdBy)}`);
      return `user:${v.createdBy.name}`;
    }
    if (byClient) {
      expect(typeof v.createdByClient.id === 'string', `${what}: createdByClient ${JSON.stringify(v.createdByClient)}`);
      return `client:${v.createdByClient.id}`;
    }
    return 'nobody';
  }

  check('the model checker itself rejects invented, misspelt and mistyped fields', async () => {
    const problems = models.check({
      id: 'x', name: 'n', lockedClinet: {}, publishedVersion: { dateCreated: '2024-01-01', datePublished: 5 }, description: null,
    }, 'Flow');
    expectEqual(problems, [
      '$.lockedClinet: not a field of Models.Flow',
      '$.publishedVersion.dateCreated: expected number, got string "2024-01-01"',
      '$.publishedVersion.datePublished: expected string, got number 5',
      '$.description: null (Genesys omits absent fields)',
    ], 'model checker findings');
    expect(models.check({ description: 'd' }, 'Flow').includes('$.name: required by Models.Flow but missing'),
      'a missing required field is not reported');
  });

  check('login with a wrong client secret answers 401 with an OAuth error', async () => {
    const res = await sdk(client.loginClientCredentialsGrant(clientId, `${clientSecret}-wrong`));
    expectStatus(res, 401, 'POST /oauth/token with a wrong secret');
    const keys = Object.keys(res.body || {});
    for (const k of keys) expect(['error', 'description', 'error_description'].includes(k), `OAuth error body: unexpected field "${k}"`);
    expect(typeof res.body.error === 'string', 'OAuth error body: no "error"');
    expect(typeof res.body.error_description === 'string', 'OAuth error body: no "error_description"');
  });

  check('login with client credentials through the gateway', async () => {
    const auth = await client.loginClientCredentialsGrant(clientId, clientSecret);
    hard(typeof auth.accessToken === 'string' && auth.accessToken.length > 0, 'no access token');
    expect(auth.tokenExpiryTime > Date.now(), 'token already expired (expires_in not a positive number of seconds)');
    state.token = auth.accessToken;
    // The SDK only reads access_token and expires_in: look at the whole reply too.
    const raw = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = await raw.json();
    expect(raw.status === 200, `raw token request: HTTP ${raw.status}`);
    for (const k of Object.keys(body)) expect(['access_token', 'token_type', 'expires_in'].includes(k), `token reply: unexpected field "${k}"`);
    expect(body.token_type === 'bearer', `token reply: token_type "${body.token_type}"`);
    expect(Number.isInteger(body.expires_in) && body.expires_in > 0, `token reply: expires_in ${body.expires_in}`);
  });

  check('a bad or missing token answers 401 with an ErrorBody', async () => {
    client.setAccessToken('not-a-real-token');
    try {
      const res = await sdk(architect.getFlows({ pageSize: 1 }));
      expectErrorBody(res, 401, 'GET /api/v2/flows with a bad token');
    } finally {
      client.setAccessToken(state.token);
    }
    const raw = await fetch(`${base}/api/v2/flows`);
    expect(raw.status === 401, `GET /api/v2/flows without Authorization: HTTP ${raw.status}`);
  });

  check('organizations/me: Models.Organization naming the org the emulator was started as', async () => {
    const res = await sdk(organizations.getOrganizationsMe());
    expectStatus(res, 200, 'GET /api/v2/organizations/me');
    expectGenesysHeaders(res, 'GET /api/v2/organizations/me');
    const org = res.body;
    expectConforms(models.check(org, 'Organization'), 'Organization');
    expect(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(org.id || ''), `Organization.id "${org.id}"`);
    expect(org.name === orgName, `Organization.name "${org.name}" != --org-name "${orgName}"`);
    expect(org.selfUri === `/api/v2/organizations/${org.id}`, `Organization.selfUri "${org.selfUri}"`);
    expect(org.state === undefined || ['active', 'inactive', 'deleted'].includes(org.state), `Organization.state "${org.state}"`);
    const again = await sdk(organizations.getOrganizationsMe());
    expect(again.body && again.body.id === org.id, `a second call names another org: ${again.body && again.body.id} != ${org.id}`);
    client.setAccessToken('not-a-real-token');
    try {
      expectErrorBody(await sdk(organizations.getOrganizationsMe()), 401, 'GET /api/v2/organizations/me with a bad token');
    } finally {
      client.setAccessToken(state.token);
    }
  });

  check('list flows: every page conforms to FlowEntityListing and paging covers the org', async () => {
    const seen = [];
    let pageNumber = 1;
    let pageCount = null;
    for (;;) {
      const res = await sdk(architect.getFlows({ pageSize: 2, pageNumber }));
      expectStatus(res, 200, `GET /api/v2/flows page ${pageNumber}`);
      if (pageNumber === 1) expectGenesysHeaders(res, 'GET /api/v2/flows');
      const page = res.body;
      expectConforms(models.check(page, 'FlowEntityListing'), `flows page ${pageNumber}`);
      page.entities.forEach((f, i) => checkFlow(f, `flows page ${pageNumber} entities[${i}]`));
      expect(page.pageSize === 2 && page.pageNumber === pageNumber, `page ${pageNumber}: pageSize/pageNumber ${page.pageSize}/${page.pageNumber}`);
      pageCount = page.pageCount;
      expect(page.pageCount === Math.ceil(page.total / 2), `pageCount ${page.pageCount} for total ${page.total}`);
      expect(/^\/api\/v2\/flows\?/.test(page.firstUri || ''), `firstUri "${page.firstUri}"`);
      expect(/^\/api\/v2\/flows\?/.test(page.lastUri || ''), `lastUri "${page.lastUri}"`);
      seen.push(...page.entities.map((f) => f.id));
      if (pageNumber < page.pageCount) {
        expect(typeof page.nextUri === 'string' && page.nextUri.includes(`pageNumber=${pageNumber + 1}`), `page ${pageNumber}: nextUri "${page.nextUri}"`);
      } else {
        expect(page.nextUri === undefined, `last page has nextUri "${page.nextUri}"`);
      }
      if (pageNumber > 1) expect(typeof page.previousUri === 'string', `page ${pageNumber}: no previousUri`);
      state.total = page.total;
      if (pageNumber >= page.pageCount || pageNumber > 50) break;
      pageNumber++;
    }
    expect(seen.length === state.total, `paged ${seen.length} flows, total says ${state.total}`);
    expect(new Set(seen).size === seen.length, 'a flow appeared on two pages');
    expect(pageCount >= 2, `org of ${state.total} flows fits one page of 2`);
    for (const f of [MODULE, CONSUMER, CACHE]) expect(seen.includes(f.id), `seeded flow ${f.name} (${f.id}) not listed`);
  });

  check('list flows: type filter, repeated id filter and name with a space', async () => {
    const modules = await sdk(architect.getFlows({ type: ['commonmodule'], pageSize: 100 }));
    expectStatus(modules, 200, 'GET /api/v2/flows?type=commonmodule');
    expect(modules.body.entities.length > 0 && modules.body.entities.every((f) => f.type === 'COMMONMODULE'),
      `type=commonmodule gave types ${modules.body.entities.map((f) => f.type)}`);
    // The SDK joins multi-value parameters with commas: type=commonmodule,inboundcall.
    const both = await sdk(architect.getFlows({ type: ['commonmodule', 'inboundcall'], pageSize: 100 }));
    expectStatus(both, 200, 'GET /api/v2/flows?type=commonmodule,inboundcall');
    const ids = both.body.entities.map((f) => f.id);
    for (const f of [MODULE, CONSUMER, CACHE]) expect(ids.includes(f.id), `type=commonmodule,inboundcall misses ${f.name}`);
    // Other clients (Terraform's Go SDK) repeat the parameter instead: type=a&type=b.
    const repeated = await fetch(`${base}/api/v2/flows?type=commonmodule&type=inboundcall&pageSize=100`,
      { headers: { Authorization: `Bearer ${state.token}` } });
    const repeatedIds = (await repeated.json()).entities.map((f) => f.id).sort();
    expectEqual(repeatedIds, ids.slice().sort(), 'type=commonmodule&type=inboundcall vs type=commonmodule,inboundcall');
    const defaults = await sdk(architect.getFlows());
    expect(defaults.body.pageSize === 25 && defaults.body.pageNumber === 1,
      `defaults: pageSize ${defaults.body.pageSize}, pageNumber ${defaults.body.pageNumber} (Genesys: 25, 1)`);
    const byId = await sdk(architect.getFlows({ id: [MODULE.id, CONSUMER.id] }));
    expectStatus(byId, 200, 'GET /api/v2/flows?id=a,b');
    expectEqual(byId.body.entities.map((f) => f.id).sort(), [MODULE.id, CONSUMER.id].sort(), 'id=a,b');
    // axios encodes the space as "+": the emulator must decode it.
    const byName = await sdk(architect.getFlows({ name: CONSUMER.name }));
    expectStatus(byName, 200, `GET /api/v2/flows?name=${CONSUMER.name}`);
    expect(byName.body.entities.some((f) => f.id === CONSUMER.id), `name="${CONSUMER.name}" does not find the flow`);
  });

  check('get a flow: the seeded common module, published', async () => {
    const res = await sdk(architect.getFlow(MODULE.id));
    expectStatus(res, 200, 'GET /api/v2/flows/{id}');
    checkFlow(res.body, 'module flow');
    expect(res.body.type === 'COMMONMODULE', `module type "${res.body.type}"`);
    expect(res.body.name === MODULE.name, `module name "${res.body.name}"`);
    expect(res.body.publishedVersion && res.body.publishedVersion.id, 'seeded as published but no publishedVersion');
  });

  check('latest configuration is the seeded document, content and key order intact', async () => {
    const res = await sdk(architect.getFlowLatestconfiguration(CACHE.id));
    expectStatus(res, 200, 'GET /api/v2/flows/{id}/latestconfiguration');
    expectSameContent(res.body, CACHE.doc, 'cache example configuration');
    expectEqual(Object.keys(res.body), Object.keys(CACHE.doc), 'top-level key order');
    expectEqual(res.body, CACHE.doc, 'configuration byte order (nested key order)');
  });

  check('unknown flow ids answer 404 with an ErrorBody', async () => {
    expectErrorBody(await sdk(architect.getFlow(UNKNOWN_FLOW)), 404, 'GET /api/v2/flows/{unknown}');
    expectErrorBody(await sdk(architect.getFlowLatestconfiguration(UNKNOWN_FLOW)), 404, 'GET latestconfiguration of an unknown flow');
    expectErrorBody(await sdk(architect.postFlowsActionsCheckout(UNKNOWN_FLOW)), 404, 'checkout of an unknown flow');
  });

  check('check out: the flow comes back locked to this client', async () => {
    const before = await sdk(architect.getFlow(CONSUMER.id));
    expectStatus(before, 200, 'GET consumer');
    state.publishedBefore = before.body.publishedVersion && before.body.publishedVersion.id;
    const res = await sdk(architect.postFlowsActionsCheckout(CONSUMER.id));
    expectStatus(res, 200, 'POST /api/v2/flows/actions/checkout');
    checkFlow(res.body, 'checkout answer');
    const locked = res.body.lockedClient;
    expect(locked && locked.id === clientId, `lockedClient ${JSON.stringify(locked)} is not this client`);
    const locks = await control('GET', '/_emulator/locks');
    expect(JSON.stringify(locks).includes(CONSUMER.id), `/_emulator/locks does not show ${CONSUMER.id}`);
  });

  check('save a version: POST /flows/{id}/versions with the whole document', async () => {
    state.edited = editedConsumer(CONSUMER.doc);
    const res = await sdk(architect.postFlowVersions(CONSUMER.id, state.edited));
    expectStatus(res, 200, 'POST /api/v2/flows/{id}/versions');
    expectConforms(models.check(res.body, 'FlowVersion'), 'saved FlowVersion');
    hard(typeof res.body.id === 'string', 'saved version has no id');
    state.savedVersion = res.body.id;
    const latest = await sdk(architect.getFlowLatestconfiguration(CONSUMER.id));
    expectStatus(latest, 200, 'latestconfiguration after save');
    expectSameContent(latest.body, state.edited, 'latestconfiguration after save');
    const flow = await sdk(architect.getFlow(CONSUMER.id));
    checkFlow(flow.body, 'flow after save');
    expect(flow.body.savedVersion && flow.body.savedVersion.id === state.savedVersion,
      `savedVersion ${JSON.stringify(flow.body.savedVersion)} != ${state.savedVersion}`);
    expect(flow.body.lockedClient && flow.body.lockedClient.id === clientId, 'saving released the lock');
  });

  check('check in: an Operation, then the flow is unlocked with a checked-in version', async () => {
    const res = await sdk(architect.postFlowsActionsCheckin(CONSUMER.id));
    expectStatus(res, 200, 'POST /api/v2/flows/actions/checkin');
    checkOperation(res.body, 'CHECKIN', 'checkin Operation');
    const flow = await settle(CONSUMER.id, 'flow after checkin');
    expect(!flow.lockedClient && !flow.lockedUser, `still locked after checkin: ${JSON.stringify(flow.lockedClient || flow.lockedUser)}`);
    expect(flow.checkedInVersion && flow.checkedInVersion.id, 'no checkedInVersion after checkin');
    state.checkedIn = flow.checkedInVersion && flow.checkedInVersion.id;
  });

  check('publish: an Operation, then a new published version', async () => {
    const res = await sdk(architect.postFlowsActionsPublish(CONSUMER.id));
    expectStatus(res, 200, 'POST /api/v2/flows/actions/publish');
    checkOperation(res.body, 'PUBLISH', 'publish Operation');
    const flow = await settle(CONSUMER.id, 'flow after publish');
    hard(flow.publishedVersion && flow.publishedVersion.id, 'no publishedVersion after publish');
    expect(flow.publishedVersion.id !== state.publishedBefore, `publishedVersion still ${state.publishedBefore}`);
    expect(flow.publishedBy === undefined || typeof flow.publishedBy.id === 'string', 'publishedBy without id');
    state.published = flow.publishedVersion.id;
  });

  check('versions: listing, one version and its configuration', async () => {
    const list = await sdk(architect.getFlowVersions(CONSUMER.id, { pageSize: 25 }));
    expectStatus(list, 200, 'GET /api/v2/flows/{id}/versions');
    expectConforms(models.check(list.body, 'FlowVersionEntityListing'), 'versions listing');
    const ids = list.body.entities.map((v) => v.id);
    expect(ids.includes(state.published), `versions ${ids} lack the published ${state.published}`);
    const one = await sdk(architect.getFlowVersion(CONSUMER.id, state.published));
    expectStatus(one, 200, 'GET /api/v2/flows/{id}/versions/{versionId}');
    expectConforms(models.check(one.body, 'FlowVersion'), 'FlowVersion');
    expect(one.body.id === state.published, `version id ${one.body.id}`);
    const conf = await sdk(architect.getFlowVersionConfiguration(CONSUMER.id, state.published));
    expectStatus(conf, 200, 'GET /api/v2/flows/{id}/versions/{versionId}/configuration');
    expectSameContent(conf.body, state.edited, 'published version configuration');
    expectErrorBody(await sdk(architect.getFlowVersion(CONSUMER.id, '999.0')), 404, 'GET an unknown version');
  });

  check('versions: every version of the consumer, its FlowVersion and its configuration', async () => {
    const list = await sdk(architect.getFlowVersions(CONSUMER.id, { pageSize: 25 }));
    expectStatus(list, 200, 'GET /api/v2/flows/{id}/versions');
    expectConforms(models.check(list.body, 'FlowVersionEntityListing'), 'versions listing');
    const ids = list.body.entities.map((v) => v.id);
    // Seeded 1.0, our saved-checked-in-published edit; newest first.
    expectEqual(ids, [state.published, '1.0'], 'consumer version ids');
    const expected = { '1.0': CONSUMER.doc, [state.published]: state.edited };
    for (const listed of list.body.entities) {
      const who = checkVersionWhoWhen(listed, `versions listing ${listed.id}`);
      const one = await sdk(architect.getFlowVersion(CONSUMER.id, listed.id));
      expectStatus(one, 200, `GET versions/${listed.id}`);
      expectSameContent(one.body, listed, `GET versions/${listed.id} vs the listing`);
      const conf = await sdk(architect.getFlowVersionConfiguration(CONSUMER.id, listed.id));
      expectStatus(conf, 200, `GET versions/${listed.id}/configuration`);
      if (expected[listed.id]) expectSameContent(conf.body, expected[listed.id], `versions/${listed.id}/configuration`);
      if (listed.id === '1.0') expect(who === 'client:flowlink-emulator-seed', `seeded 1.0 made by ${who}`);
      else expect(who === `client:${clientId}`, `our ${listed.id} made by ${who}, not client:${clientId}`);
      expect(listed.datePublished !== undefined, `${listed.id} was published but has no datePublished`);
    }
    expectErrorBody(await sdk(architect.getFlowVersionConfiguration(CONSUMER.id, '999.0')), 404,
      'GET the configuration of an unknown version');
  });

  check('dependency tracking: the build is operational', async () => {
    let res;
    for (let i = 0; i < 50; i++) {
      res = await sdk(architect.getArchitectDependencytrackingBuild());
      expectStatus(res, 200, 'GET /api/v2/architect/dependencytracking/build');
      if (res.body.status === 'OPERATIONAL') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expectConforms(models.check(res.body, 'DependencyStatus'), 'DependencyStatus');
    expect(res.body.status === 'OPERATIONAL', `build status ${res.body.status}`);
  });

  check('dependency tracking: the module is consumed by the consumer flow', async () => {
    const res = await sdk(architect.getArchitectDependencytrackingConsumingresources(
      MODULE.id, 'COMMONMODULEFLOW', { resourceType: ['INBOUNDCALLFLOW'], pageSize: 100 }));
    expectStatus(res, 200, 'GET consumingresources');
    expectConforms(models.check(res.body, 'ConsumingResourcesEntityListing'), 'ConsumingResourcesEntityListing');
    const hit = res.body.entities.find((d) => d.id === CONSUMER.id);
    expect(hit, `consumers of the module ${JSON.stringify(res.body.entities)} lack ${CONSUMER.name}`);
    if (hit) {
      expect(hit.type === 'INBOUNDCALLFLOW', `consumer type ${hit.type}`);
      expect(hit.name === CONSUMER.name, `consumer name ${hit.name}`);
    }
    expect(res.body.entities.every((d) => d.type === 'INBOUNDCALLFLOW'), 'resourceType filter not applied');
  });

  check('dependency tracking: the published consumer consumes the module', async () => {
    const res = await sdk(architect.getArchitectDependencytrackingConsumedresources(
      CONSUMER.id, state.published, 'INBOUNDCALLFLOW', { pageSize: 100 }));
    expectStatus(res, 200, 'GET consumedresources');
    expectConforms(models.check(res.body, 'ConsumedResourcesEntityListing'), 'ConsumedResourcesEntityListing');
    const hit = res.body.entities.find((d) => d.id === MODULE.id);
    expect(hit && hit.type === 'COMMONMODULEFLOW', `consumed ${JSON.stringify(res.body.entities)} lack module ${MODULE.id} as COMMONMODULEFLOW`);
  });

  check('who and when: a colleague saves, checks in and publishes, we draft; alike on the Flow, in the listing and under /versions', async () => {
    // alice saves 2.0 and checks it in; bob publishes it; we save 3.0 and revert it.
    const saved = await control('POST', `/_emulator/act-as/alice/save?flow=${MODULE.id}`, MODULE.doc);
    expectConforms(models.check(saved, 'FlowVersion'), 'act-as save FlowVersion');
    await control('POST', `/_emulator/act-as/alice/checkin?flow=${MODULE.id}`);
    let flow = await settle(MODULE.id, 'module after alice checked in');
    expect(flow.currentOperation && flow.currentOperation.user && flow.currentOperation.user.name === 'alice' &&
      flow.currentOperation.client === undefined, `check-in currentOperation ${JSON.stringify(flow.currentOperation)} is not alice's`);
    const published = await control('POST', `/_emulator/act-as/bob/publish?flow=${MODULE.id}`);
    checkOperation(published, 'PUBLISH', 'act-as publish Operation');
    flow = await settle(MODULE.id, 'module after bob published');
    expect(flow.currentOperation.user && flow.currentOperation.user.name === 'bob',
      `publish currentOperation ${JSON.stringify(flow.currentOperation)} is not bob's`);
    expect(flow.publishedBy && flow.publishedBy.name === 'bob', `publishedBy ${JSON.stringify(flow.publishedBy)}`);
    const ours = await sdk(architect.postFlowsActionsCheckout(MODULE.id));
    expectStatus(ours, 200, 'checkout of the module');
    const draft = await sdk(architect.postFlowVersions(MODULE.id, MODULE.doc));
    expectStatus(draft, 200, 'save a draft of the module');

    const got = await sdk(architect.getFlow(MODULE.id));
    expectStatus(got, 200, 'GET the module');
    checkFlow(got.body, 'module with a draft');
    const { publishedVersion: pub, checkedInVersion: chk, savedVersion: sav } = got.body;
    hard(pub && chk && sav, `publishedVersion/checkedInVersion/savedVersion ${JSON.stringify([pub, chk, sav])}`);
    expect(pub.id === saved.id && chk.id === saved.id, `published ${pub.id} / checked in ${chk.id}, alice saved ${saved.id}`);
    expect(sav.id === draft.body.id, `savedVersion ${sav.id}, we saved ${draft.body.id}`);
    expect(checkVersionWhoWhen(pub, 'publishedVersion') === 'user:alice', 'publishedVersion not made by alice (publishing keeps the author)');
    expect(checkVersionWhoWhen(chk, 'checkedInVersion') === 'user:alice', 'checkedInVersion not made by alice');
    expect(checkVersionWhoWhen(sav, 'savedVersion') === `client:${clientId}`, `savedVersion not made by us (${clientId})`);
    expect(typeof pub.datePublished === 'string' && Number.isInteger(pub.dateCheckedIn), `publishedVersion dates ${pub.dateCheckedIn} / ${pub.datePublished}`);
    expect(sav.dateCheckedIn === undefined && sav.datePublished === undefined, 'the draft has a check-in or publish date');
    expect(Date.parse(pub.datePublished) <= sav.dateCreated, `published ${pub.datePublished} after our draft ${sav.dateCreated}`);

    const listed = await sdk(architect.getFlows({ id: [MODULE.id] }));
    expectStatus(listed, 200, 'GET /api/v2/flows?id=module');
    expectConforms(models.check(listed.body, 'FlowEntityListing'), 'listing of the module');
    const entity = listed.body.entities && listed.body.entities[0];
    hard(entity, 'the listing lacks the module');
    for (const key of ['publishedVersion', 'checkedInVersion', 'savedVersion', 'publishedBy', 'lockedClient'])
      expectSameContent(entity[key], got.body[key], `listing ${key} vs GET /flows/{id}`);

    const versions = await sdk(architect.getFlowVersions(MODULE.id));
    expectStatus(versions, 200, 'GET module versions');
    expectConforms(models.check(versions.body, 'FlowVersionEntityListing'), 'module versions');
    const byId = Object.fromEntries((versions.body.entities || []).map((v) => [v.id, v]));
    expectSameContent(byId[pub.id], pub, `versions/${pub.id} vs publishedVersion`);
    expectSameContent(byId[sav.id], sav, `versions/${sav.id} vs savedVersion`);
    const conf = await sdk(architect.getFlowVersionConfiguration(MODULE.id, sav.id));
    expectStatus(conf, 200, 'GET the draft configuration');
    expectSameContent(conf.body, MODULE.doc, 'draft configuration');

    const reverted = await sdk(architect.postFlowsActionsRevert(MODULE.id));
    expectStatus(reverted, 200, 'POST /api/v2/flows/actions/revert');
    checkFlow(reverted.body, 'revert answer');
    expect(reverted.body.savedVersion === undefined && reverted.body.lockedClient === undefined,
      `after revert: savedVersion ${JSON.stringify(reverted.body.savedVersion)}, lockedClient ${JSON.stringify(reverted.body.lockedClient)}`);
    expectErrorBody(await sdk(architect.getFlowVersionConfiguration(MODULE.id, sav.id)), 404, 'configuration of a reverted draft');
  });

  check('dependency tracking after the module was republished: version, flowFilter, paging, updated', async () => {
    // bob published a new module version in the step above; the consumer was
    // published before it and snapshotted the older one.
    const module = await sdk(architect.getFlow(MODULE.id));
    expectStatus(module, 200, 'GET the module');
    const current = module.body.publishedVersion && module.body.publishedVersion.id;
    hard(current, 'the module has no published version');

    const consumed = await sdk(architect.getArchitectDependencytrackingConsumedresources(
      CONSUMER.id, state.published, 'INBOUNDCALLFLOW', { pageSize: 100 }));
    expectStatus(consumed, 200, 'GET consumedresources');
    expectConforms(models.check(consumed.body, 'ConsumedResourcesEntityListing'), 'ConsumedResourcesEntityListing');
    const used = consumed.body.entities.find((d) => d.id === MODULE.id);
    hard(used, `consumed ${JSON.stringify(consumed.body.entities)} lack the module`);
    expect(used.version !== current, `the consumer's snapshot ${used.version} is the module's current ${current}`);
    expect(used.updated === true, `updated ${used.updated}: the module changed since the consumer took it`);

    const consumers = async (opts, what) => {
      const res = await sdk(architect.getArchitectDependencytrackingConsumingresources(MODULE.id, 'COMMONMODULEFLOW', opts));
      expectStatus(res, 200, what);
      expectConforms(models.check(res.body, 'ConsumingResourcesEntityListing'), what);
      return res.body;
    };
    const onOld = await consumers({ version: used.version, flowFilter: 'published', pageSize: 100 }, 'consumers of the old version');
    expect(onOld.entities.some((d) => d.id === CONSUMER.id), `consumers of ${used.version} lack the consumer`);
    const onNew = await consumers({ version: current, flowFilter: 'published', pageSize: 100 }, 'consumers of the new version');
    expect(!onNew.entities.some((d) => d.id === CONSUMER.id), `consumers of ${current} list the consumer, which runs ${used.version}`);
    const checkedIn = await consumers({ flowFilter: 'checkedIn', pageSize: 100 }, 'checked-in consumers');
    expect(checkedIn.entities.every((d) => typeof d.version === 'string'), 'a checked-in consumer without version');

    const all = await consumers({ pageSize: 100 }, 'all consumers');
    const first = await consumers({ pageSize: 1, pageNumber: 1 }, 'consumers page 1 of size 1');
    expect(first.entities.length === Math.min(1, all.entities.length), `page of size 1 holds ${first.entities.length}`);
    expect(first.total === all.total, `total ${first.total} on a page of 1, ${all.total} on a page of 100`);
    expect(first.pageCount === all.total, `pageCount ${first.pageCount} for ${all.total} consumers at 1 a page`);
  });

  check('a flow locked by another user answers 409 to check out, save and check in', async () => {
    await control('POST', `/_emulator/act-as/other-user/checkout?flow=${CACHE.id}`);
    try {
      expectErrorBody(await sdk(architect.postFlowsActionsCheckout(CACHE.id)), 409, 'checkout of a flow locked by another user');
      const save = await sdk(architect.postFlowVersions(CACHE.id, CACHE.doc));
      expectErrorBody(save, 409, 'save to a flow locked by another user');
      const checkin = await sdk(architect.postFlowsActionsCheckin(CACHE.id));
      expectErrorBody(checkin, 409, 'checkin of a flow locked by another user');
      const flow = await sdk(architect.getFlow(CACHE.id));
      checkFlow(flow.body, 'flow locked by another user');
      expect(flow.body.lockedUser && typeof flow.body.lockedUser.id === 'string', `lockedUser ${JSON.stringify(flow.body.lockedUser)}`);
    } finally {
      await control('POST', `/_emulator/act-as/other-user/checkin?flow=${CACHE.id}`);
    }
  });

  check('rate limit answers 429 with Retry-After, inin-ratelimit-* and an ErrorBody', async () => {
    await control('POST', '/_emulator/config', { rate_limit_per_minute: 5 });
    let limited = null;
    try {
      for (let i = 0; i < 40 && !limited; i++) {
        const res = await sdk(architect.getFlows({ pageSize: 1 }));
        if (res.status === 429) limited = res;
        else expectStatus(res, 200, `request ${i} before the limit`);
      }
    } finally {
      await control('POST', '/_emulator/config', { rate_limit_per_minute: 0 });
    }
    hard(limited, 'no 429 after 40 requests at 5 a minute');
    expectErrorBody(limited, 429, 'rate-limited GET /api/v2/flows');
    const h = limited.headers;
    expect(/^\d+$/.test(h['retry-after'] || ''), `Retry-After "${h['retry-after']}"`);
    for (const name of ['inin-ratelimit-count', 'inin-ratelimit-allowed', 'inin-ratelimit-reset'])
      expect(/^\d+$/.test(h[name] || ''), `${name} "${h[name]}"`);
    const after = await sdk(architect.getFlows({ pageSize: 1 }));
    expectStatus(after, 200, 'request after the limit was lifted');
  });
};
