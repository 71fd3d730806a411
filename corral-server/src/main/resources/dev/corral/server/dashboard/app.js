// The dashboard: a hash router over a few pages, the live approvals count in the header, and the
// queue's keyboard shortcuts. No framework, no build step.
import {session, logout} from './api.js';
import {fill, flash} from './dom.js';
import {tasksPage, sandboxesPage, egressPage, policyPage, metricsPage} from './pages.js';
import {taskPage, sandboxPage} from './task.js';
import {approvalsPage, approvalsStream} from './approvals.js';

const routes = [
  [/^#\/tasks$/, () => tasksPage()],
  [/^#\/tasks\/(t-[0-9a-f]{16})$/, (m) => taskPage(m[1])],
  [/^#\/sandboxes$/, () => sandboxesPage()],
  [/^#\/sandboxes\/([A-Za-z0-9._-]+)$/, (m) => sandboxPage(m[1])],
  [/^#\/approvals$/, () => approvalsPage()],
  [/^#\/egress$/, () => egressPage()],
  [/^#\/policy$/, () => policyPage()],
  [/^#\/metrics$/, () => metricsPage()],
];

let leave = null;
let navigation = 0;

async function route() {
  const mine = ++navigation;
  if (leave) {
    leave();
    leave = null;
  }
  const hash = location.hash || '#/tasks';
  const main = document.getElementById('main');
  for (const [pattern, page] of routes) {
    const match = hash.match(pattern);
    if (match) {
      document.querySelectorAll('nav a').forEach((a) =>
        a.classList.toggle('active', hash.startsWith(a.getAttribute('href'))));
      try {
        const view = await page(match);
        if (mine !== navigation) {
          // The user moved on while this page loaded: drop it, the newer one renders.
          if (view.leave) view.leave();
          return;
        }
        fill(main, view.element);
        leave = view.leave || null;
        if (view.attached) view.attached();
      } catch (e) {
        fill(main);
        flash(e.message);
      }
      return;
    }
  }
  location.hash = '#/tasks';
}

async function start() {
  await session();
  document.getElementById('logout').addEventListener('click', () => logout());
  approvalsStream((pending) => {
    const badge = document.getElementById('pending-count');
    badge.textContent = String(pending);
    badge.classList.toggle('hot', pending > 0);
  });
  window.addEventListener('hashchange', route);
  await route();
}

start().catch((e) => flash(e.message));
