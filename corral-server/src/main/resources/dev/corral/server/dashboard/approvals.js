// The approval queue: one live map fed by the SSE stream, the count in the header, the page with
// keyboard shortcuts (j/k move, a allow, d deny).
import {get, post} from './api.js';
import {h, fill, age, flash} from './dom.js';

const approvals = new Map();
const listeners = new Set();

export function approvalsStream(onCount) {
  const source = new EventSource('/api/v1/approvals/events');
  source.addEventListener('approval', (event) => {
    const approval = JSON.parse(event.data);
    approvals.set(approval.id, approval);
    changed();
  });
  listeners.add(() => onCount([...approvals.values()].filter((a) => a.state === 'pending').length));
  // Closed ones from before this page loaded, for the history list.
  get('/api/v1/approvals?limit=50').then((list) => {
    for (const a of list.approvals) if (!approvals.has(a.id)) approvals.set(a.id, a);
    changed();
  }).catch((e) => flash(e.message));
}

function changed() {
  for (const listener of listeners) listener();
}

export function pendingFor(task) {
  return [...approvals.values()].find((a) => a.state === 'pending' && a.task === task);
}

/** The host and prompt approvals a task's or sandbox's agent waits on, oldest first. */
export function waitingOn(sandbox) {
  return [...approvals.values()]
      .filter((a) => a.state === 'pending' && a.kind !== 'merge' && a.sandbox === sandbox)
      .sort((x, y) => x.seq - y.seq);
}

export function onApprovalsChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function answer(id, body) {
  try {
    const done = await post('/api/v1/approvals/' + encodeURIComponent(id) + '/answer', body);
    approvals.set(done.id, done);
    changed();
    flash(done.id + ': ' + done.reason, 'ok');
    return done;
  } catch (e) {
    flash(e.message);
    return null;
  }
}

function actions(a) {
  if (a.kind === 'host') {
    const scope = h('select', {class: 'scope', 'aria-label': 'scope'},
        h('option', {value: 'sandbox'}, 'this sandbox'),
        h('option', {value: 'project', selected: true}, 'this project'),
        h('option', {value: 'everywhere'}, 'everywhere'));
    return [
      h('button', {type: 'button', class: 'allow', onclick: () => answer(a.id, {answer: 'allow'})}, 'Allow once'),
      h('button', {type: 'button', class: 'allow-always',
        onclick: () => answer(a.id, {answer: 'allow-always', scope: scope.value})}, 'Allow always'),
      scope,
      h('button', {type: 'button', class: 'deny', onclick: () => answer(a.id, {answer: 'deny'})}, 'Deny'),
    ];
  }
  if (a.kind === 'prompt') {
    const input = h('input', {class: 'answer-text', placeholder: 'answer, e.g. y', 'aria-label': 'answer'});
    const form = h('form', {class: 'inline', onsubmit: (event) => {
      event.preventDefault();
      answer(a.id, {answer: 'text', text: input.value});
    }}, input, h('button', {type: 'submit', class: 'send'}, 'Send'));
    return [form, h('button', {type: 'button', class: 'deny', onclick: () => answer(a.id, {answer: 'deny'})}, 'Deny')];
  }
  return [
    h('a', {href: '#/tasks/' + a.task}, 'Review diff'),
    h('button', {type: 'button', class: 'allow', onclick: () => answer(a.id, {answer: 'allow'})}, 'Merge'),
    h('button', {type: 'button', class: 'apply', onclick: () => answer(a.id, {answer: 'apply'})}, 'Apply'),
    h('button', {type: 'button', class: 'deny', onclick: () => answer(a.id, {answer: 'deny'})}, 'Discard'),
  ];
}

export function card(a, selected) {
  return h('li', {class: 'approval ' + a.kind + (selected ? ' selected' : ''), 'data-id': a.id, 'data-kind': a.kind},
      h('div', {class: 'what'},
          h('span', {class: 'kind'}, a.kind),
          h('span', {class: 'summary'}, a.summary),
          h('span', {class: 'age'}, age(a.created))),
      a.kind === 'prompt' ? h('pre', {class: 'screen'}, a.screen) : null,
      h('div', {class: 'actions'}, actions(a)));
}

export async function approvalsPage() {
  let selected = 0;
  const pendingList = h('ol', {class: 'approvals', id: 'pending'});
  const history = h('tbody');
  const render = () => {
    const all = [...approvals.values()].sort((x, y) => y.seq - x.seq);
    const pending = all.filter((a) => a.state === 'pending').reverse();
    selected = Math.min(selected, Math.max(0, pending.length - 1));
    fill(pendingList, pending.length === 0
      ? h('li', {class: 'empty'}, 'Nothing waits for you.')
      : pending.map((a, i) => card(a, i === selected)));
    fill(history, all.filter((a) => a.state !== 'pending').slice(0, 30).map((a) => h('tr', {},
        h('td', {}, a.id), h('td', {}, a.kind), h('td', {}, a.summary),
        h('td', {}, h('span', {class: 'state ' + a.state}, a.state)), h('td', {}, a.reason))));
    return pending;
  };
  const keys = (event) => {
    if (event.target.closest('input, select, textarea') || event.ctrlKey || event.metaKey || event.altKey) return;
    const pending = render();
    const current = pending[selected];
    if (event.key === 'j') selected = Math.min(selected + 1, pending.length - 1);
    else if (event.key === 'k') selected = Math.max(selected - 1, 0);
    else if (event.key === 'a' && current && current.kind !== 'prompt') answer(current.id, {answer: 'allow'});
    else if (event.key === 'd' && current) answer(current.id, {answer: 'deny'});
    else return;
    event.preventDefault();
    render();
  };
  document.addEventListener('keydown', keys);
  const stop = onApprovalsChange(render);
  render();
  const element = h('section', {}, h('h1', {}, 'Approvals'),
      h('p', {class: 'hint'}, 'Keys: j/k move, a allow (merge), d deny (discard).'),
      pendingList,
      h('h2', {}, 'Recent'),
      h('table', {class: 'list', id: 'approval-history'},
          h('thead', {}, h('tr', {}, ['Id', 'Kind', 'What', 'State', 'Outcome'].map((c) => h('th', {}, c)))), history));
  return {element, leave: () => {
    document.removeEventListener('keydown', keys);
    stop();
  }};
}
