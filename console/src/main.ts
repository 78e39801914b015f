import { endSession, graphql, ME_QUERY, session, type Me } from './api.js';
import { renderAuditor } from './auditor.js';
import { renderCitizen } from './citizen.js';
import { renderClerk } from './clerk.js';
import { renderDepartment } from './department.js';
import { h, replace } from './dom.js';
import { currentLang, setLang, t } from './i18n.js';
import { clearOneThing } from './one-thing.js';
import { renderSignIn } from './sign-in.js';
import { renderVerify } from './verify.js';

const app = document.getElementById('app')!;
const who = document.getElementById('who')!;
const lang = document.getElementById('lang') as HTMLButtonElement;
const signOut = document.getElementById('sign-out') as HTMLButtonElement;

/** Shows the screen for the signed-in caller; `signedIn` is who sign-in just found (saves asking again). */
async function render(signedIn?: Me): Promise<void> {
  lang.textContent = t('switchTo');
  signOut.textContent = t('signOut');
  // The verification page is public: anyone holding a certificate may check it, signed in or not.
  if (location.pathname.replace(/\/$/, '').endsWith('/console/verify')) {
    signOut.hidden = true;
    renderVerify(app);
    return;
  }
  if (!session()) {
    signOut.hidden = true;
    who.textContent = '';
    await renderSignIn(app, (me) => void render(me));
    return;
  }
  const me = signedIn ?? (await graphql<{ me: Me }>(ME_QUERY)).data?.me;
  if (!me) {
    endSession();
    await render();
    return;
  }
  const { kind, id, hall, department } = me;
  const where = hall ?? department;
  who.textContent = where ? `${kind.toLowerCase()} ${id} · ${where}` : `${kind.toLowerCase()} ${id}`;
  signOut.hidden = false;
  if (kind === 'CLERK') await renderClerk(app, me);
  else if (kind === 'CITIZEN') await renderCitizen(app, id);
  else if (kind === 'AUDITOR') await renderAuditor(app);
  else if (kind === 'DEPARTMENT') await renderDepartment(app, me);
  else replace(app, h('p', {}, t('roleNotYet')));
}

lang.addEventListener('click', () => {
  setLang(currentLang() === 'zh' ? 'en' : 'zh');
  void render();
});
signOut.addEventListener('click', () => {
  endSession();
  clearOneThing();
  void render();
});
setLang(currentLang());
void render();
