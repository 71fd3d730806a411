// A task's page (state, live terminal from the log stream, diff with review findings inline,
// merge/apply/discard with an accept-risk confirmation when review blocks) and a
// sandbox's page (live terminal over the WebSocket, read-only until "take control").
import {get, post, csrfToken} from './api.js';
import {h, fill, flash} from './dom.js';
import {pendingFor, waitingOn, card, answer, onApprovalsChange} from './approvals.js';
import {TERMINAL, egressLog} from './pages.js';
import {reviewedDiff, reviewSummary, blockingLines} from './review.js';

function terminal(container, title, writable) {
  const term = new window.Terminal({convertEol: true, disableStdin: !writable, scrollback: 5000,
    fontSize: 13, rows: 14, cols: 100});
  term.open(container);
  // The title is whatever the program printed (OSC 0/2): text only, never markup.
  term.onTitleChange((text) => { title.textContent = text; });
  window.corralTerminal = term; // for tests and the console
  return term;
}

/** The summary and the diff with findings inline; a task without a review shows the plain diff. */
function diffView(text, review, problem) {
  const {element, elsewhere} = reviewedDiff(text, review ? review.findings : []);
  return [
    review ? reviewSummary(review, elsewhere)
      : h('p', {class: 'hint', id: 'findings'}, 'No review: ' + problem),
    text ? element : h('p', {class: 'hint'}, 'No changes.'),
  ];
}

const VERBS = {merge: 'Merge', apply: 'Apply'};

/** A socket URL on this origin, carrying the CSRF token the server wants on cookie sessions. */
function socketUrl(path, control) {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('csrf', csrfToken());
  if (control) url.searchParams.set('control', 'true');
  return url;
}

export async function taskPage(id) {
  const task = await get('/api/v1/tasks/' + id);
  const state = h('span', {class: 'state ' + task.state, id: 'task-state'}, task.state);
  const reason = h('span', {class: 'reason'}, task.reason);
  const title = h('span', {class: 'term-title', id: 'terminal-title'});
  const screen = h('div', {class: 'terminal', id: 'terminal'});
  const mode = h('span', {class: 'mode', id: 'terminal-mode'}, task.terminal ? 'read-only' : 'no terminal: output only');
  const take = h('button', {type: 'button', id: 'take-control', hidden: true}, 'Take control');
  const waiting = h('ol', {class: 'approvals', id: 'task-approvals'});
  const egress = egressLog(id, 'task-egress');
  const diff = h('div', {id: 'diff-view'});
  const buttons = h('div', {class: 'actions', id: 'merge-actions'});
  // Asks before merging or applying over blocking findings; refilled only by the user's clicks.
  const risk = h('div', {class: 'accept-risk', id: 'accept-risk', hidden: true});
  const element = h('section', {},
      h('h1', {}, 'Task ', h('code', {}, id), ' ', state),
      h('p', {class: 'prompt', id: 'task-prompt'}, task.prompt),
      h('p', {}, reason),
      waiting,
      h('h2', {}, 'Terminal ', title, ' ', mode, take), screen,
      h('h2', {}, 'Egress'), egress.table,
      h('h2', {}, 'Diff'), buttons, risk, diff);
  // xterm.js measures its container, so it opens once the page is in the document.
  // Watching is the SSE log stream; taking control reconnects over the WebSocket, which replays
  // the output from its first byte and carries the keys.
  let term = null;
  let events = null;
  let socket = null;
  let left = false;
  const watch = () => {
    term = terminal(screen, title, false);
    events = new EventSource('/api/v1/tasks/' + id + '/events');
    events.addEventListener('log', (event) => term.write(JSON.parse(event.data).text));
    events.addEventListener('end', () => events.close());
  };
  const control = () => {
    if (events) events.close();
    if (term) term.dispose();
    term = terminal(screen, title, true);
    const ws = new WebSocket(socketUrl('/api/v1/tasks/' + id + '/attach', true));
    ws.onmessage = (event) => term.write(event.data);
    const resize = () => ws.readyState === 1 && ws.send(JSON.stringify({type: 'resize', columns: term.cols, rows: term.rows}));
    ws.onopen = () => {
      mode.textContent = 'in control';
      take.hidden = true;
      resize(); // the agent draws for the size the user sees
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      if (event.code === 4409) flash(event.reason || 'another client has control of this terminal');
      if (left) return;
      // Back to watching (refused, ended or dropped): the log stream replays and follows it.
      term.dispose();
      mode.textContent = 'read-only';
      watch();
    };
    const encoder = new TextEncoder();
    term.onData((data) => ws.readyState === 1 && ws.send(encoder.encode(data)));
    term.onResize(resize);
    term.focus();
    socket = ws;
  };
  take.onclick = control;
  const attached = watch;
  // Redrawn only when the set of waiting approvals changes: a redraw would drop an answer the user
  // is typing into a prompt's card.
  let shown = '';
  const renderWaiting = () => {
    const now = waitingOn(id);
    const key = now.map((a) => a.id).join(' ');
    if (key === shown) return;
    shown = key;
    fill(waiting, now.map((a) => card(a, false)));
  };
  let diffShown = false;
  let reviewed = false; // the review was asked for (it may not exist: a failed task saved nothing)
  let review = null;
  const refresh = async () => {
    try {
      const now = await get('/api/v1/tasks/' + id);
      state.textContent = now.state;
      state.className = 'state ' + now.state;
      reason.textContent = now.reason;
      take.hidden = !(now.terminal && now.state === 'running') || socket !== null;
      if (!diffShown) await egress.refresh(); // while it runs, and once when it has ended
      if (TERMINAL.has(now.state) && !diffShown) {
        diffShown = true;
        const text = await get('/api/v1/tasks/' + id + '/diff');
        let problem = null;
        try {
          review = await get('/api/v1/tasks/' + id + '/review');
        } catch (e) {
          problem = e.message;
        }
        reviewed = true;
        fill(diff, diffView(text, review, problem));
      }
      renderButtons(now);
    } catch (e) {
      flash(e.message);
    }
  };
  const closeRisk = () => {
    risk.hidden = true;
    fill(risk);
  };
  // Merge or apply through the task endpoints; acceptRisk only after the user confirmed.
  const integrate = async (verb, acceptRisk) => {
    try {
      const body = acceptRisk ? {acceptRisk: true} : undefined;
      const done = await post('/api/v1/tasks/' + id + '/' + verb, body);
      // A merge reports the findings it recorded in its commit; apply records none, so count them.
      const accepted = verb === 'merge' ? done.acceptedRisk.length
        : acceptRisk && review ? blockingLines(review).length : 0;
      const despite = accepted ? ' despite ' + accepted + ' blocking finding(s) (risk accepted)' : '';
      flash(verb === 'merge'
        ? 'merged' + despite + ': branch ' + done.branch + ' at ' + done.commit + ' into ' + done.repo
        : 'applied ' + done.paths.length + ' path(s)' + despite + ' to the working tree of ' + done.repo
          + ' (unstaged)', 'ok');
      closeRisk();
    } catch (e) {
      flash(e.message);
    }
  };
  const askRisk = (verb) => {
    const lines = blockingLines(review);
    fill(risk,
        h('p', {class: 'blocking'}, 'Review found ' + lines.length + ' blocking finding(s). '
          + VERBS[verb] + ' only if you are sure they are safe:'),
        h('ul', {class: 'blocking-list'}, lines.map((line) => h('li', {}, line))),
        h('div', {class: 'actions'},
            h('button', {type: 'button', class: 'deny', id: 'accept-risk-confirm', 'data-verb': verb,
              onclick: () => integrate(verb, true)}, VERBS[verb] + ' anyway (accept risk)'),
            h('button', {type: 'button', class: 'quiet', id: 'accept-risk-cancel', onclick: closeRisk},
                'Cancel')));
    risk.hidden = false;
  };
  // The server refuses a blocked merge or apply too; asking first means it never fails unexplained.
  const guarded = (verb, go) => () => {
    if (!reviewed) {
      flash('the review of this task is still loading; try again in a moment');
    } else if (review && review.blocking) {
      askRisk(verb);
    } else {
      closeRisk();
      go();
    }
  };
  const renderButtons = (now) => {
    const pending = pendingFor(id);
    if (pending) {
      fill(buttons,
          h('button', {type: 'button', class: 'allow', id: 'merge',
            onclick: guarded('merge', () => answer(pending.id, {answer: 'allow'}))}, 'Merge'),
          h('button', {type: 'button', class: 'apply', id: 'apply',
            onclick: guarded('apply', () => answer(pending.id, {answer: 'apply'}))}, 'Apply'),
          h('button', {type: 'button', class: 'deny', id: 'discard', onclick: () => {
            closeRisk();
            answer(pending.id, {answer: 'deny'});
          }}, 'Discard'));
    } else if (now && now.state === 'succeeded') {
      fill(buttons, h('button', {type: 'button', class: 'allow', id: 'merge',
        onclick: guarded('merge', () => integrate('merge', false))}, 'Merge'));
    } else {
      fill(buttons);
    }
  };
  await refresh();
  const timer = setInterval(refresh, 1500);
  renderWaiting();
  const stop = onApprovalsChange(() => {
    renderButtons(null);
    renderWaiting();
  });
  return {element, attached, leave: () => {
    left = true;
    clearInterval(timer);
    if (events) events.close();
    if (socket) socket.close();
    stop();
    if (term) term.dispose();
  }};
}

export async function sandboxPage(name) {
  const sandbox = await get('/api/v1/sandboxes/' + encodeURIComponent(name));
  const title = h('span', {class: 'term-title', id: 'terminal-title'});
  const screen = h('div', {class: 'terminal', id: 'terminal'});
  const mode = h('span', {class: 'mode', id: 'terminal-mode'}, 'read-only');
  let socket = null;
  let term = null;
  const connect = (control) => {
    if (socket) socket.close();
    if (term) term.dispose();
    term = terminal(screen, title, control);
    if (!sandbox.tty) {
      const events = new EventSource('/api/v1/sandboxes/' + encodeURIComponent(name) + '/events');
      events.addEventListener('log', (event) => term.write(JSON.parse(event.data).text));
      events.addEventListener('end', () => events.close());
      socket = {close: () => events.close()};
      return;
    }
    const url = new URL('/api/v1/sandboxes/' + encodeURIComponent(name) + '/terminal', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('csrf', csrfToken());
    if (control) url.searchParams.set('control', 'true');
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (event) => term.write(typeof event.data === 'string' ? event.data : new Uint8Array(event.data));
    ws.onclose = (event) => {
      if (event.code === 4409) flash('another client has control of this terminal');
    };
    if (control) {
      const encoder = new TextEncoder();
      term.onData((data) => ws.readyState === 1 && ws.send(encoder.encode(data)));
      term.focus();
    }
    mode.textContent = control ? 'in control' : 'read-only';
    socket = ws;
  };
  const egress = egressLog(sandbox.name, 'sandbox-egress');
  const element = h('section', {},
      h('h1', {}, 'Sandbox ', h('code', {}, sandbox.name), ' ', h('span', {class: 'state ' + sandbox.state}, sandbox.state)),
      h('p', {class: 'prompt'}, sandbox.command.join(' ')),
      h('h2', {}, 'Terminal ', title, ' ', mode,
          sandbox.tty ? h('button', {type: 'button', id: 'take-control', onclick: () => connect(true)}, 'Take control') : null),
      screen,
      h('h2', {}, 'Egress'), egress.table);
  // The egress log follows the sandbox while it runs, then is read once more.
  let timer = null;
  const follow = async () => {
    await egress.refresh();
    try {
      const now = await get('/api/v1/sandboxes/' + encodeURIComponent(name));
      if (now.state !== 'running') {
        clearInterval(timer);
        await egress.refresh();
      }
    } catch (e) {
      clearInterval(timer); // removed meanwhile
    }
  };
  timer = setInterval(follow, 3000);
  follow();
  return {element, attached: () => connect(false), leave: () => {
    clearInterval(timer);
    if (socket) socket.close();
    if (term) term.dispose();
  }};
}
