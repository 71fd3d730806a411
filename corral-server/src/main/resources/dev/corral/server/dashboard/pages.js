// The list pages: tasks (with the submit form), sandboxes, egress log, policy, metrics.
import {get, post} from './api.js';
import {h, fill, age, flash} from './dom.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

function poll(refresh, millis = 1500) {
  refresh();
  const timer = setInterval(refresh, millis);
  return () => clearInterval(timer);
}

export async function tasksPage() {
  const rows = h('tbody');
  const refresh = async () => {
    try {
      const list = await get('/api/v1/tasks?limit=100');
      fill(rows, list.tasks.map((t) => h('tr', {'data-task': t.id},
          h('td', {}, h('a', {href: '#/tasks/' + t.id}, t.id)),
          h('td', {}, h('span', {class: 'state ' + t.state}, t.state)),
          h('td', {}, age(t.created)),
          h('td', {}, t.agent),
          h('td', {class: 'prompt'}, t.prompt))));
    } catch (e) {
      flash(e.message);
    }
  };
  const form = h('form', {class: 'submit', id: 'submit-task', onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const allow = String(data.get('allow') || '').split(/[\s,]+/).filter((r) => r);
      const task = await post('/api/v1/tasks', {
        repo: data.get('repo'), agent: data.get('agent'), prompt: data.get('prompt'),
        allow, egressAsk: data.get('egressAsk') === 'on',
      });
      location.hash = '#/tasks/' + task.id;
    } catch (e) {
      flash(e.message);
    }
  }},
  h('input', {name: 'repo', placeholder: 'repository (absolute path or git URL)', required: true}),
  h('input', {name: 'agent', value: 'shell', required: true, size: 8}),
  h('input', {name: 'prompt', placeholder: 'prompt', required: true}),
  h('input', {name: 'allow', placeholder: 'allowed hosts, e.g. pypi.org @npm', size: 18}),
  h('label', {class: 'check', title: 'hold requests to hosts no rule decides and ask in the approvals queue'},
      h('input', {type: 'checkbox', name: 'egressAsk'}), ' ask for unknown hosts'),
  h('button', {type: 'submit'}, 'Start task'));
  const element = h('section', {},
      h('h1', {}, 'Tasks'), form,
      h('table', {class: 'list', id: 'tasks'},
          h('thead', {}, h('tr', {}, ['Id', 'State', 'Age', 'Agent', 'Prompt'].map((c) => h('th', {}, c)))),
          rows));
  return {element, leave: poll(refresh)};
}

export async function sandboxesPage() {
  const rows = h('tbody');
  const refresh = async () => {
    try {
      const list = await get('/api/v1/sandboxes');
      fill(rows, list.sandboxes.map((s) => h('tr', {},
          h('td', {}, h('a', {href: '#/sandboxes/' + s.name}, s.name)),
          h('td', {}, h('span', {class: 'state ' + s.state}, s.state)),
          h('td', {}, s.backend),
          h('td', {}, age(s.created)),
          h('td', {class: 'prompt'}, s.command.join(' ')))));
    } catch (e) {
      flash(e.message);
    }
  };
  const element = h('section', {}, h('h1', {}, 'Sandboxes'),
      h('table', {class: 'list', id: 'sandboxes'},
          h('thead', {}, h('tr', {}, ['Name', 'State', 'Backend', 'Age', 'Command'].map((c) => h('th', {}, c)))),
          rows));
  return {element, leave: poll(refresh)};
}

/** Egress audit records as table rows, newest first; a denial gets an "Allow" button. */
export function egressRows(records, withSandbox = true) {
  return records.slice().reverse().map((r) => h('tr', {class: r.decision === 'deny' ? 'denied' : ''},
      h('td', {}, r.time || ''),
      withSandbox ? h('td', {}, r.sandbox || '') : null,
      h('td', {}, (r.host || '') + (r.port ? ':' + r.port : '')),
      h('td', {}, r.decision || ''),
      h('td', {}, r.reason || r.rule || ''),
      h('td', {}, r.decision === 'deny' && r.host
        ? h('button', {type: 'button', class: 'allow', title: 'allow this host in your user policy',
          onclick: () => allowHost(r.host)}, 'Allow')
        : '')));
}

/**
 * One sandbox's (or task's) egress log: a table that refresh() fills; an empty log says so, and a
 * server without a gateway answers with its reason in place of the rows.
 */
export function egressLog(sandbox, id) {
  const rows = h('tbody');
  const table = h('table', {class: 'list egress', id},
      h('thead', {}, h('tr', {}, ['Time', 'Host', 'Decision', 'Why', ''].map((c) => h('th', {}, c)))),
      rows);
  const refresh = async () => {
    try {
      const log = await get('/api/v1/egress/log?limit=200&sandbox=' + encodeURIComponent(sandbox));
      fill(rows, log.records.length === 0
        ? h('tr', {}, h('td', {colspan: 5, class: 'hint'}, 'No network requests.'))
        : egressRows(log.records, false));
    } catch (e) {
      fill(rows, h('tr', {}, h('td', {colspan: 5, class: 'hint'}, e.message)));
    }
  };
  return {table, refresh};
}

export async function egressPage() {
  const rows = h('tbody');
  const refresh = async () => {
    try {
      const log = await get('/api/v1/egress/log?limit=200');
      fill(rows, egressRows(log.records));
    } catch (e) {
      fill(rows, h('tr', {}, h('td', {colspan: 6}, e.message)));
    }
  };
  const element = h('section', {}, h('h1', {}, 'Egress log'),
      h('table', {class: 'list', id: 'egress'},
          h('thead', {}, h('tr', {}, ['Time', 'Sandbox', 'Host', 'Decision', 'Why', ''].map((c) => h('th', {}, c)))),
          rows));
  return {element, leave: poll(refresh, 3000)};
}

async function allowHost(host) {
  try {
    await post('/api/v1/egress/policy', {scope: 'user', action: 'allow', rule: host});
    flash('allowed ' + host + ' in your user policy', 'ok');
  } catch (e) {
    flash(e.message);
  }
}

export async function policyPage() {
  const list = h('tbody');
  const load = async () => {
    const policy = await get('/api/v1/egress/policy');
    fill(list, policy.effective.map((r) => h('tr', {class: r.action},
        h('td', {}, r.action), h('td', {}, r.rule), h('td', {}, r.origin), h('td', {}, r.covers || ''))));
  };
  const form = h('form', {class: 'submit', onsubmit: async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await post('/api/v1/egress/policy', {scope: 'user', action: data.get('action'), rule: data.get('rule')});
      await load();
    } catch (e) {
      flash(e.message);
    }
  }},
  h('select', {name: 'action'}, h('option', {value: 'allow'}, 'allow'), h('option', {value: 'deny'}, 'deny')),
  h('input', {name: 'rule', placeholder: 'host, *.domain or @bundle', required: true}),
  h('button', {type: 'submit'}, 'Add to user policy'));
  const element = h('section', {}, h('h1', {}, 'Egress policy'), form,
      h('table', {class: 'list', id: 'policy'},
          h('thead', {}, h('tr', {}, ['Action', 'Rule', 'From', 'Covers'].map((c) => h('th', {}, c)))), list));
  try {
    await load();
  } catch (e) {
    fill(list, h('tr', {}, h('td', {colspan: 4}, e.message)));
  }
  return {element};
}

/** The few numbers worth a glance, from the Prometheus text at /metrics. */
export async function metricsPage() {
  const text = await get('/metrics');
  const values = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^(corral_tasks|corral_sandboxes|corral_egress_denied_total)(\{[^}]*\})? ([0-9.eE+-]+)$/);
    if (m) values.push([m[1] + (m[2] || ''), Number(m[3])]);
  }
  const element = h('section', {}, h('h1', {}, 'Metrics'),
      h('table', {class: 'list', id: 'metrics'},
          h('tbody', {}, values.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {class: 'num'}, String(v)))))),
      h('p', {class: 'hint'}, 'All series: ', h('a', {href: '/metrics'}, '/metrics')));
  return {element};
}

export {TERMINAL};
