// Prepares the browser tests against a platform you started yourself (./edp up), the way
// system-tests' PortalBrowserIntegrationTests does in the build: two customers with their users, an
// application and a release, the offline alert rule. Writes the env file the specs read.
//
//   EDP_STATE_DIR=../.edp EDP_PORT_OFFSET=0 node e2e/dev-env.mjs > /tmp/e2e-env.json
//   EDP_E2E_ENV=/tmp/e2e-env.json EDP_E2E_BASE_URL=http://localhost:8080 npx playwright test
//
// It logs in to Keycloak's admin API (kcadmin) to add a throw-away password-grant client, like the
// system tests do; the realm file never has one.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const state = resolve(process.env.EDP_STATE_DIR ?? '../.edp');
const offset = Number(process.env.EDP_PORT_OFFSET ?? 0);
const gateway = `http://localhost:${8080 + offset}`;
const keycloak = `http://localhost:${8180 + offset}`;
// Java properties: values may carry backslash escapes (e.g. \= and \:).
const unescape = value => value.replace(/\\(.)/g, '$1');
const secrets = Object.fromEntries(readFileSync(`${state}/secrets.properties`, 'utf8').split('\n')
  .filter(l => l.includes('=') && !l.startsWith('#')).map(l => [l.substring(0, l.indexOf('=')), unescape(l.substring(l.indexOf('=') + 1))]));

async function form(url, fields) {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(fields) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function call(method, path, token, body, expected) {
  const res = await fetch(gateway + path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const kcAdmin = (await form(`${keycloak}/realms/master/protocol/openid-connect/token`, { grant_type: 'password', client_id: 'admin-cli',
  username: 'kcadmin', password: secrets['keycloak.admin.password'] })).access_token;
const clientId = `edp-dev-e2e-${Date.now()}`;
const created = await fetch(`${keycloak}/admin/realms/edp/clients`, { method: 'POST', headers: { Authorization: `Bearer ${kcAdmin}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({ clientId, publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false,
    // The customer_id claim, as the portal's client maps it (tenancy comes from the token).
    protocolMappers: [{ name: 'customer_id', protocol: 'openid-connect', protocolMapper: 'oidc-usermodel-attribute-mapper',
      config: { 'user.attribute': 'customer_id', 'claim.name': 'customer_id', 'jsonType.label': 'String', 'access.token.claim': 'true',
        'id.token.claim': 'true', 'userinfo.token.claim': 'true', 'introspection.token.claim': 'true' } }] }) });
if (created.status !== 201) throw new Error(`client: ${created.status}`);
const login = async (username, password) => (await form(`${keycloak}/realms/edp/protocol/openid-connect/token`,
  { grant_type: 'password', client_id: clientId, username, password })).access_token;

const root = await login('admin', secrets['edp.admin.password']);
const suffix = Math.random().toString(36).substring(2, 10);
const customer = async code => (await call('POST', '/api/masterdata/v1/customers', root, { name: `Customer ${code}`, code, contactEmail: `ops@${code}.example` }, 201)).id;
const customerA = await customer(`portal-a-${suffix}`);
const customerB = await customer(`portal-b-${suffix}`);
const person = async (customerId, username, role) => ({ username, password: (await call('POST', `/api/masterdata/v1/customers/${customerId}/users`, root,
  { username, email: `${username}@example.com`, firstName: 'Test', lastName: 'User', role }, 201)).oneTimePassword });
const users = {
  adminA: await person(customerA, `portal-admin-a-${suffix}`, 'customer-admin'),
  adminA2: await person(customerA, `portal-admin2-a-${suffix}`, 'customer-admin'),
  operatorA: await person(customerA, `portal-op-a-${suffix}`, 'operator'),
  viewerA: await person(customerA, `portal-viewer-a-${suffix}`, 'viewer'),
  operatorB: await person(customerB, `portal-op-b-${suffix}`, 'operator'),
  platformAdmin: { username: 'admin', password: secrets['edp.admin.password'] },
};
const adminA = await login(users.adminA.username, users.adminA.password);
const app = await call('POST', '/api/devices/v1/applications', adminA, { name: 'line-monitor', imageRepository: 'registry.example.com/acme/line-monitor' }, 201);
const releaseName = `2026.12.${suffix.substring(0, 4)}`;
await call('POST', '/api/devices/v1/releases', adminA, { name: releaseName, containers: [{ applicationId: app.id, tag: '1.0.0' }] }, 201);
await call('PUT', '/api/monitoring/v1/alert-rules', adminA, { rules: [{ type: 'DEVICE_OFFLINE', enabled: true, threshold: 0 }] }, 200);

console.log(JSON.stringify({
  baseUrl: gateway, e3Url: `https://localhost:${8443 + offset}`, e3Trust: `${state}/pki/e3-ca-chain.pem`,
  agentJar: resolve('../device-agent/target/edp-agent.jar'), java: process.env.EDP_JAVA ?? 'java',
  outputDir: resolve(process.env.EDP_E2E_OUTPUT ?? 'test-results'), customerA, customerB, releaseName, users,
}, null, 2));
