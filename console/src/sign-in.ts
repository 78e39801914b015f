import { endSession, graphql, ME_QUERY, startSession, type Me } from './api.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';

interface Persona {
  code: string;
  label: string;
  role: string;
}

/** Sign-in: a demo persona (development issuer only) or a pasted access token. */
export async function renderSignIn(root: HTMLElement, signedIn: (me: Me) => void): Promise<void> {
  const personas = await graphql<{ devPersonas: Persona[] }>('{ devPersonas { code label role } }');
  const message = h('p', { class: 'hint bad', role: 'alert' });
  const tokenInput = h('textarea', { id: 'token', rows: '3', autocomplete: 'off', spellcheck: 'false' });
  const useToken = async (token: string) => {
    startSession(token.trim());
    const me = await graphql<{ me: Me }>(ME_QUERY);
    if (me.data?.me) return signedIn(me.data.me);
    endSession();
    message.textContent = t('tokenRejected');
  };
  const form = h('form', { class: 'lookup' }, h('label', { for: 'token' }, t('pasteToken'), tokenInput), h('button', { type: 'submit' }, t('signIn')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void useToken(tokenInput.value);
  });
  const list = personas.data?.devPersonas ?? [];
  const picker =
    list.length > 0
      ? h(
          'section',
          { 'aria-labelledby': 'personas-title' },
          h('h2', { id: 'personas-title' }, t('devPersonas')),
          h(
            'div',
            { class: 'personas' },
            ...list.map((persona) => {
              const button = h('button', { type: 'button', class: 'secondary', 'data-persona': persona.code }, persona.label);
              button.addEventListener('click', async () => {
                const session = await graphql<{ devSignIn: { token: string } }>('mutation($p: String!) { devSignIn(persona: $p) { token } }', {
                  p: persona.code,
                });
                if (session.data) await useToken(session.data.devSignIn.token);
                else message.textContent = session.errors[0]?.message ?? t('tokenRejected');
              });
              return button;
            }),
          ),
        )
      : null;
  replace(root, h('h1', {}, t('signInTitle')), picker, form, message);
}
