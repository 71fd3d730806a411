// The API as the dashboard uses it: the session cookie authenticates (the browser sends it; the
// token never reaches this script), and every state-changing request echoes the CSRF token.

let csrf = null;

export async function session() {
  const response = await fetch('/ui/session', {credentials: 'same-origin'});
  if (response.status === 401) {
    location.assign('/ui/login');
    throw new Error('not logged in');
  }
  const body = await response.json();
  csrf = body.csrf;
  return body;
}

export function csrfToken() {
  return csrf;
}

async function send(method, path, body) {
  const headers = {'Accept': 'application/json'};
  if (method !== 'GET') headers['X-Corral-CSRF'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.assign('/ui/login');
    throw new Error('the session ended; log in again');
  }
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    let detail = 'HTTP ' + response.status;
    if (type.includes('json')) {
      const problem = await response.json();
      detail = problem.detail + (problem.hint ? ' (' + problem.hint + ')' : '');
    }
    throw new Error(detail);
  }
  if (response.status === 204) return null;
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path) => send('GET', path);
export const post = (path, body) => send('POST', path, body);
export const del = (path) => send('DELETE', path);

export async function logout() {
  await send('POST', '/ui/logout');
  location.assign('/ui/login');
}
